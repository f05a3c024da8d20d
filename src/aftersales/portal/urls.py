from django.urls import path

from aftersales.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<str:number>/", views.request_detail, name="request_detail"),
    path("requests/<str:number>/quote/accept/", views.quote_accept, name="quote_accept"),
    path("requests/<str:number>/quote/decline/", views.quote_decline, name="quote_decline"),
    path("requests/<str:number>/rate/", views.rate, name="rate"),
]
