"""Event names of notifications with their timeline labels."""

from django.utils.translation import gettext_lazy as _

from aftersales.core.events import register_action_labels

PREFERENCE_CHANGED = "notification.preference_changed"

register_action_labels({PREFERENCE_CHANGED: _("Notification preference changed")})
