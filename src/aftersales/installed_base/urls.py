from django.urls import path

from aftersales.installed_base import views

app_name = "installed_base"
urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/export/", views.unit_export, name="unit_export"),
    path("units/import/", views.unit_import, name="unit_import"),
    path("units/<str:serial>/", views.unit_detail, name="unit_detail"),
    path("units/<str:serial>/edit/", views.unit_edit, name="unit_edit"),
    path("products/", views.product_list, name="product_list"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/<int:product_id>/edit/", views.product_edit, name="product_edit"),
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/<str:number>/", views.contract_detail, name="contract_detail"),
    path("loans/", views.loan_list, name="loan_list"),
    path("loans/new/", views.loan_create, name="loan_create"),
    path("loans/<int:loan_id>/return/", views.loan_return, name="loan_return"),
    path("equipment/new/", views.equipment_create, name="equipment_create"),
]
