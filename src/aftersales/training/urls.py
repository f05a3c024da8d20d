from django.urls import path

from aftersales.training import views

app_name = "training"
urlpatterns: list = []
