from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "aftersales.surveys"
    label = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self) -> None:
        from aftersales.surveys import events  # noqa: F401 — registers the timeline labels
        from aftersales.surveys.jobs import register

        register()
