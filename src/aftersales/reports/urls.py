from django.urls import path

from aftersales.reports import quality_views, report_views, views

app_name = "reports"
urlpatterns = [
    path("statistics/", views.statistics, name="statistics"),
    path("kpis/", views.kpis, name="kpis"),
    path("requests/", views.requests, name="requests"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<str:which>/", views.dashboard, name="dashboard_of"),
    # Q1 / Q2 / Q5 period reports (docs/decisions/0037)
    path("periodic/", report_views.report_index, name="period_report_index"),
    path("periodic/<str:kind>/", report_views.report_list, name="period_reports"),
    path("periodic/<str:kind>/draft/", report_views.report_generate, name="period_report_generate"),
    path("periodic/<str:kind>/<str:period>/", report_views.report_detail, name="period_report"),
    path("periodic/<str:kind>/<str:period>/report.pdf", report_views.report_pdf_view, name="period_report_pdf"),
    path("periodic/<str:kind>/<str:period>/report.xlsx", report_views.report_xlsx_view, name="period_report_xlsx"),
    path("periodic/<str:kind>/<str:period>/<str:action>/", report_views.report_action, name="period_report_action"),
    # Q3 early warnings, X5 risk register, Q6 retention, Q7 registers (docs/decisions/0038)
    path("early-warnings/", quality_views.warning_list, name="warnings"),
    path("early-warnings/<int:warning_id>/", quality_views.warning_detail, name="warning_detail"),
    path("risks/", quality_views.risk_list, name="risks"),
    path("risks/new/", quality_views.risk_edit, name="risk_new"),
    path("risks/<int:risk_id>/", quality_views.risk_edit, name="risk_detail"),
    path("retention/", quality_views.retention_page, name="retention"),
    path("retention/<int:archive_id>/download/", quality_views.retention_download, name="retention_download"),
    path("registers/", quality_views.register, {"which": "intake"}, name="registers"),
    path("registers/<str:which>/", quality_views.register, name="register"),
]
