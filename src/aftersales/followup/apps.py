from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "aftersales.followup"
    label = "followup"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        from aftersales.followup import events  # noqa: F401 — registers the timeline labels
