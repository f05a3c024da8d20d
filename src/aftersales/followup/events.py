"""Event names of follow-up with their timeline labels (V3)."""

from django.utils.translation import gettext_lazy as _

from aftersales.core.events import register_action_labels

RATING_CREATED = "servicerating.created"

register_action_labels({RATING_CREATED: _("Engineer rated by the customer")})
