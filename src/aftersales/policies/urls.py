from django.urls import path

from aftersales.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.policy_list, name="list"),
    path("<str:key>/edit/", views.policy_edit, name="edit"),
    path("<str:key>/history/", views.policy_history, name="history"),
]
