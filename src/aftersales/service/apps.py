from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "aftersales.service"
    label = "service"
    verbose_name = _("Service")

    def ready(self) -> None:
        from aftersales.clocks.sweep import register_escalation_handler
        from aftersales.service import events  # noqa: F401 — registers the timeline labels
        from aftersales.service.services.rules import request_escalated

        register_escalation_handler("service.servicerequest", request_escalated)
