from django.urls import path

from aftersales.reports import views

app_name = "reports"
urlpatterns = [
    path("statistics/", views.statistics, name="statistics"),
    path("kpis/", views.kpis, name="kpis"),
    path("requests/", views.requests, name="requests"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<str:which>/", views.dashboard, name="dashboard_of"),
]
