from django.urls import path

from aftersales.parts import views

app_name = "parts"

urlpatterns = [
    path("", views.catalogue_page, name="catalogue"),
    path("import/", views.catalogue_import, name="catalogue_import"),
    path("import/template/", views.catalogue_import_template, name="catalogue_import_template"),
    path("options/", views.part_options, name="part_options"),
    path("prices/", views.price_lists, name="price_lists"),
    path("stores/", views.store_page, name="stores"),
    path("stock/", views.stock_page, name="stock"),
    path("stock/move/", views.movement_page, name="movement"),
    path("moves/", views.moves_page, name="moves"),
    path("adjustments/", views.adjustments_page, name="adjustments"),
    path("van/", views.van_stock, name="van_stock"),
    path("<str:code>/edit/", views.part_edit, name="part_edit"),
]
