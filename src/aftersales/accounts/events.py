"""Event names for users, roles and API tokens, with their timeline labels (X3, X4)."""

from django.utils.translation import gettext_lazy as _

from aftersales.core.events import register_action_labels

USER_CREATED = "user.created"
USER_ROLE_GRANTED = "user.role_granted"
USER_ROLE_REVOKED = "user.role_revoked"
USER_ACTIVATED = "user.activated"
USER_DEACTIVATED = "user.deactivated"
USER_PASSWORD_RESET = "user.password_reset"  # by an administrator
USER_PASSWORD_CHANGED = "user.password_changed"  # by the user
API_TOKEN_CREATED = "api_token.created"
API_TOKEN_REVOKED = "api_token.revoked"

register_action_labels(
    {
        USER_CREATED: _("User created"),
        USER_ROLE_GRANTED: _("Role granted"),
        USER_ROLE_REVOKED: _("Role revoked"),
        USER_ACTIVATED: _("Account activated"),
        USER_DEACTIVATED: _("Account deactivated"),
        USER_PASSWORD_RESET: _("Password reset by an administrator"),
        USER_PASSWORD_CHANGED: _("Password changed"),
        API_TOKEN_CREATED: _("API token issued"),
        API_TOKEN_REVOKED: _("API token revoked"),
    }
)
