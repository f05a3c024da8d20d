from django.urls import path

from aftersales.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notifications, name="list"),
    path("bell/", views.bell, name="bell"),
    path("read/", views.notifications_read, name="read"),
    path("preference/", views.preference, name="preference"),
]
