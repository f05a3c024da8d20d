from django.urls import path

from aftersales.consultations import views

app_name = "consultations"
urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("new/", views.consultation_create, name="create"),
    path("follow-ups/", views.my_followups, name="followups"),
    path("conversion/", views.conversion, name="conversion"),
    path("fields/", views.field_list, name="fields"),
    path("fields/<str:field_id>/", views.field_edit, name="field_edit"),
    path("<str:consultation_id>/", views.consultation_detail, name="detail"),
]
