from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "aftersales.returns"
    label = "returns"
    verbose_name = _("Returns and exchanges")

    def ready(self) -> None:
        from django.urls import reverse

        from aftersales.approvals.services import ApprovalKind, register_approval_kind
        from aftersales.returns import events  # noqa: F401 — registers the timeline labels
        from aftersales.returns.services import discount_certificate_approval_decided, return_approval_decided

        # K7: returns and certificates above the signer's limit are decided through the approvals engine.
        register_approval_kind(
            ApprovalKind.RETURN,
            handler=return_approval_decided,
            link=lambda approval: reverse("returns:return_detail", args=[approval.subject_label]),
        )
        register_approval_kind(
            ApprovalKind.DISCOUNT_CERTIFICATE,
            handler=discount_certificate_approval_decided,
            link=lambda approval: reverse("returns:certificate_detail", args=[approval.subject_label]),
        )
