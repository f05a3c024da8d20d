from django.urls import path

from aftersales.portal import complaints, surveys, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<str:number>/", views.request_detail, name="request_detail"),
    path("requests/<str:number>/quote/accept/", views.quote_accept, name="quote_accept"),
    path("requests/<str:number>/quote/decline/", views.quote_decline, name="quote_decline"),
    path("requests/<str:number>/rate/", views.rate, name="rate"),
    path("survey/<str:token>/", surveys.survey_answer, name="survey_answer"),
    path("rate/<str:token>/", surveys.rate_by_link, name="rate_by_link"),  # V3: the invitation e-mail's link
    path("complaints/", complaints.complaint_list_page, name="complaint_list"),
    path("complaints/new/", complaints.complaint_create, name="complaint_create"),
    path("complaints/<str:number>/", complaints.complaint_detail, name="complaint_detail"),
    path("complaints/<str:number>/reply-letter.pdf", complaints.complaint_reply_pdf, name="complaint_reply_pdf"),
]
