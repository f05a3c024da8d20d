from django.urls import path

from aftersales.parts.flow import views

app_name = "parts_flow"
urlpatterns = [
    path("requisitions/", views.requisition_list, name="requisition_list"),
    path("requisitions/new/", views.requisition_create, name="requisition_create"),
    path("requisitions/<str:number>/", views.requisition_detail, name="requisition_detail"),
    path("requisitions/<str:number>/form.pdf", views.requisition_pdf, name="requisition_pdf"),
    path("old-parts/", views.part_return_list, name="part_return_list"),
    path("demand-plan/", views.demand_plan_page, name="demand_plan"),
    path("purchase-requests/", views.purchase_request_list, name="purchase_request_list"),
    path("purchase-requests/<str:number>/", views.purchase_request_detail, name="purchase_request_detail"),
    path("purchase-requests/<str:number>/request.pdf", views.purchase_request_pdf, name="purchase_request_pdf"),
]
