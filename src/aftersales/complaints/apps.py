from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "aftersales.complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from django.urls import reverse

        from aftersales.approvals.services import ApprovalKind, register_approval_kind
        from aftersales.clocks.sweep import register_escalation_handler
        from aftersales.complaints import events  # noqa: F401 — registers the timeline labels
        from aftersales.complaints.services.complaints import complaint_approval_decided, complaint_clock_escalated
        from aftersales.complaints.services.reviews import review_approval_decided

        register_approval_kind(
            ApprovalKind.COMPLAINT,
            handler=complaint_approval_decided,
            link=lambda approval: reverse("complaints:complaint_detail", args=[approval.subject_label]),
        )
        register_approval_kind(
            ApprovalKind.RESPONSIBILITY_REVIEW,
            handler=review_approval_decided,
            link=lambda approval: reverse("complaints:review_detail", args=[approval.subject_label.rsplit(" ", 1)[-1]]),
        )
        register_escalation_handler("complaints.complaint", complaint_clock_escalated)
