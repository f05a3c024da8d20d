from django.urls import path

from aftersales.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("new/", views.article_create, name="article_create"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("<str:article_id>/", views.article_detail, name="article_detail"),
    path("<str:article_id>/edit/", views.article_edit, name="article_edit"),
]
