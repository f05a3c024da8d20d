from django.urls import path

from aftersales.returns import views

app_name = "returns"
urlpatterns = [
    path("", views.return_list, name="return_list"),
    path("new/", views.return_create, name="return_create"),
    # --- R4: sales discount certificates (before <number>/, which would match them) ---
    path("discount-certificates/new/", views.certificate_create, name="certificate_create"),
    path("discount-certificates/<str:number>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("discount-certificates/<str:number>/", views.certificate_detail, name="certificate_detail"),
    # --- one return ---
    path("<str:number>/", views.return_detail, name="return_detail"),
    path("<str:number>/note.pdf", views.return_note_pdf, name="return_note_pdf"),
]
