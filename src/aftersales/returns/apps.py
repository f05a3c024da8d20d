from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "aftersales.returns"
    label = "returns"
    verbose_name = _("Returns and exchanges")

    def ready(self) -> None:
        from aftersales.returns import events  # noqa: F401 — registers the timeline labels
