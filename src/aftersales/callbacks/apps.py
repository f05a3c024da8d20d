from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallbacksConfig(AppConfig):
    name = "aftersales.callbacks"
    label = "callbacks"
    verbose_name = _("Callbacks")

    def ready(self) -> None:
        from aftersales.callbacks import events  # noqa: F401 — registers the timeline labels
        from aftersales.callbacks.services import complaint_callback_due, low_score_received
        from aftersales.complaints.signals import callback_due
        from aftersales.surveys.signals import low_score

        # Point 5: a low survey score, a poor engineer rating or a dissatisfied callback opens a follow-up.
        low_score.connect(low_score_received, dispatch_uid="callbacks.low_score")
        # K15: a closed complaint's callback is made in the callbacks queue (issue 15 point 1).
        callback_due.connect(complaint_callback_due, dispatch_uid="callbacks.complaint_callback_due")
