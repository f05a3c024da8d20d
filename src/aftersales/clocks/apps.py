from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClocksConfig(AppConfig):
    name = "aftersales.clocks"
    label = "clocks"
    verbose_name = _("Deadline clocks")

    def ready(self) -> None:
        from aftersales.clocks import events  # noqa: F401  (registers the timeline labels)
