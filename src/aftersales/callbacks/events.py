"""Event names of callbacks (V1, V2, point 5) with their timeline labels."""

from django.utils.translation import gettext_lazy as _

from aftersales.core.events import register_action_labels

CALLBACKS_PLANNED = "callbacks.planned"
CALLBACK_PLANNED = "callback.planned"
CALLBACK_TRIED = "callback.tried"
CALLBACK_DONE = "callback.done"
CALLBACK_NOT_REACHED = "callback.not_reached"
CALLBACK_OPENED = "callback.opened"  # a request or complaint opened from the call
SITECHECK_PLANNED = "sitecheck.planned"

register_action_labels(
    {
        CALLBACKS_PLANNED: _("Callbacks planned"),
        CALLBACK_PLANNED: _("Callback planned"),
        CALLBACK_TRIED: _("Callback tried, nobody answered"),
        CALLBACK_DONE: _("Callback done"),
        CALLBACK_NOT_REACHED: _("Callback closed, customer not reached"),
        CALLBACK_OPENED: _("Opened from a callback"),
        SITECHECK_PLANNED: _("Monthly site check planned"),
    }
)
