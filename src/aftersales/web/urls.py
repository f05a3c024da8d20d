from django.urls import path

from aftersales.web import job_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("queues/", views.home_queues_panel, name="home_queues"),
    path("audit/", views.audit, name="audit"),
    path("search/", views.search, name="search"),
    path("jobs/", job_views.job_list_page, name="job_list"),
    path("jobs/<int:job_id>/", job_views.job_detail, name="job_detail"),
    path("jobs/<int:job_id>/status/", job_views.job_status, name="job_status"),
    path("jobs/<int:job_id>/file/<str:which>/", job_views.job_download, name="job_download"),
]
