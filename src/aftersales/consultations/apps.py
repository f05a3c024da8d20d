from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "aftersales.consultations"
    label = "consultations"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        from aftersales.consultations import events  # noqa: F401 — registers the timeline labels
