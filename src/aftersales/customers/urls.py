from django.urls import path, register_converter

from aftersales.customers import views, visits_views


class RecordIdConverter:
    """Like <int:…> but at most 10 digits, so a huge number is a 404, not a database overflow."""

    regex = "[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RecordIdConverter, "record_id")

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("lookup/", views.customer_lookup, name="lookup"),
    path("lookup/results/", views.customer_lookup_results, name="lookup_results"),
    path("export/", views.customer_export, name="export"),
    path("new/", views.customer_create, name="create"),
    path("import/", views.customer_import, name="import"),
    path("import/template/", views.customer_import_template, name="import_template"),
    path("access-requests/", views.access_requests, name="access_requests"),
    path("access-requests/<record_id:pk>/decide/", views.access_decide, name="access_decide"),
    # C7 visits and C5 new-customer vetting (visits_views)
    path("visits/", visits_views.visit_list, name="visit_list"),
    path("visits/new/", visits_views.visit_new, name="visit_new"),
    path("visits/<record_id:pk>/", visits_views.visit_detail, name="visit_detail"),
    path("visits/plans/", visits_views.plan_list, name="visit_plans"),
    path("visits/plans/<record_id:pk>/", visits_views.plan_detail, name="visit_plan"),
    path(
        "visits/plans/<record_id:pk>/items/<record_id:item_id>/remove/",
        visits_views.plan_item_remove,
        name="visit_plan_item_remove",
    ),
    path("visits/gifts/", visits_views.gift_list, name="gift_list"),
    path("vettings/", visits_views.vetting_list, name="vetting_list"),
    path("vettings/new/", visits_views.vetting_new, name="vetting_new"),
    path("vettings/<record_id:pk>/", visits_views.vetting_detail, name="vetting_detail"),
    path("vettings/<record_id:pk>/files/<record_id:file_id>/", visits_views.vetting_file, name="vetting_file"),
    path("<record_id:pk>/", views.customer_detail, name="detail"),
    path("<record_id:pk>/edit/", views.customer_edit, name="edit"),
    path("<record_id:pk>/contacts/new/", views.contact_add, name="contact_add"),
    path("<record_id:pk>/request-access/", views.customer_request_access, name="request_access"),
]
