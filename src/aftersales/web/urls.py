from django.urls import path

from aftersales.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("queues/", views.home_queues_panel, name="home_queues"),
    path("audit/", views.audit, name="audit"),
    path("search/", views.search, name="search"),
]
