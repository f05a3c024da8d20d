from django.urls import path

from aftersales.service import views

app_name = "service"
urlpatterns = [
    # --- requests, board, engineer screen (pages) ---
    path("requests/<str:number>/", views.request_detail, name="request_detail"),
    # --- depot (S13) ---
    # --- printable forms (PDF) ---
]
