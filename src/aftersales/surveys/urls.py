from django.urls import path

from aftersales.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.campaign_list_page, name="list"),
    path("form.pdf", views.form_pdf, name="form_pdf"),
    path("new/", views.campaign_new, name="new"),
    path("reports/", views.report_list_page, name="reports"),
    path("reports/generate/", views.report_generate, name="report_generate"),
    path("ratings/", views.ratings_page, name="ratings"),
    path("ratings/engineer/<int:engineer_id>/", views.engineer_ratings_page, name="engineer_ratings"),
    path("reports/<int:report_id>/", views.report_detail, name="report_detail"),
    path("reports/<int:report_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path("reports/<int:report_id>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("reports/<int:report_id>/send/", views.report_send, name="report_send"),
    path("<int:campaign_id>/", views.campaign_detail, name="detail"),
    path("<int:campaign_id>/answer/", views.response_entry, name="response_entry"),
]
