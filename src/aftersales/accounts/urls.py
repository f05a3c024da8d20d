from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from aftersales.accounts import views


class AccountIdConverter:
    """Like <int:…> but at most 10 digits, so a huge number is a 404, not a database overflow."""

    regex = "[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(AccountIdConverter, "account_id")

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("password/", views.password_change, name="password_change"),
    path("users/", views.user_list, name="user_list"),
    path("users/export/", views.user_export, name="user_export"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<account_id:user_id>/", views.user_detail, name="user_detail"),
    path("users/<account_id:user_id>/roles/grant/", views.user_role_grant, name="user_role_grant"),
    path("users/<account_id:user_id>/roles/revoke/", views.user_role_revoke, name="user_role_revoke"),
    path("users/<account_id:user_id>/active/", views.user_set_active, name="user_set_active"),
    path("users/<account_id:user_id>/password/", views.user_password_reset, name="user_password_reset"),
]
