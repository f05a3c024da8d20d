from django.urls import path

from aftersales.callbacks import views

app_name = "callbacks"
urlpatterns = [
    path("", views.callback_queue_page, name="queue"),
    path("all/", views.callback_list_page, name="list"),
    path("site-checks/", views.site_check_list_page, name="site_checks"),
    path("<int:callback_id>/", views.callback_detail, name="detail"),
]
