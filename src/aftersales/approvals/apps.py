from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "aftersales.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self) -> None:
        from aftersales.approvals import events  # noqa: F401 — registers the timeline labels
