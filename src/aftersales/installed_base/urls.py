from django.urls import path  # noqa: F401

app_name = "installed_base"
urlpatterns: list = []
