"""Event names of the policies, with their timeline labels (K1–K16, X2)."""

from django.utils.translation import gettext_lazy as _

from aftersales.core.events import register_action_labels

POLICY_CHANGED = "policy.changed"

register_action_labels({POLICY_CHANGED: _("Regulation value changed")})
