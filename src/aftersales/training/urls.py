from django.urls import path

from aftersales.training import views

app_name = "training"
urlpatterns = [
    path("customers/", views.customer_list, name="customer_list"),
    path("customers/new/", views.customer_create, name="customer_create"),
    path("customers/options/", views.customer_options, name="customer_options"),
    path("customers/<str:training_id>/", views.customer_detail, name="customer_detail"),
    path("assessments/", views.assessment_list, name="assessments"),
    path("certificates/", views.certificate_list, name="certificates"),
]
