from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "aftersales.reports"
    label = "reports"
    verbose_name = _("Statistics and reports")

    def ready(self) -> None:
        from aftersales.reports.maintain import connect_signals

        # Q1/Q4: the per-request facts and day counts follow every change of a request, its parts
        # and its clocks inside the writing transaction (docs/decisions/0031).
        connect_signals()
