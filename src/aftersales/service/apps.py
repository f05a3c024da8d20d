from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "aftersales.service"
    label = "service"
    verbose_name = _("Service")

    def ready(self) -> None:
        from django.urls import reverse

        from aftersales.approvals.services import register_approval_kind
        from aftersales.clocks.sweep import register_escalation_handler
        from aftersales.service import events  # noqa: F401 — registers the timeline labels
        from aftersales.service.services.quotes import fee_standard_approval_decided
        from aftersales.service.services.rules import request_escalated

        register_escalation_handler("service.servicerequest", request_escalated)
        # S8, S9: the engineer's requests are decided in the one approvals engine by the service manager.
        for kind in ("offsite", "support", "leave_unsolved"):
            register_approval_kind(
                kind,
                link=lambda approval: reverse("service:request_detail", args=[approval.subject_label]),
                decided_by_perm="service.approve_servicerequest",
            )
        # B2: a drafted fee standard is approved by the service-centre manager (never its drafter).
        register_approval_kind(
            "fee_standard",
            handler=fee_standard_approval_decided,
            link=lambda approval: reverse("service:fee_standards"),
            decided_by_perm="service.approve_feestandard",
        )
