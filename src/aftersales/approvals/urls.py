from django.urls import path

from aftersales.approvals import views

app_name = "approvals"

urlpatterns = [
    path("", views.approval_queue, name="approval_queue"),
    path("<int:approval_id>/decide/", views.approval_decide, name="approval_decide"),
]
