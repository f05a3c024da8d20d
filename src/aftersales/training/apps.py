from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "aftersales.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from aftersales.training import events  # noqa: F401 — registers the timeline labels
