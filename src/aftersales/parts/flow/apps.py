from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartsFlowConfig(AppConfig):
    """Requisitions, old-part returns and the demand plan (P2, P4, P5) on the spare-parts core (app `parts`,
    which owns their models). No models of its own: it registers the approval kinds, the consumption hook
    and its pages."""

    name = "aftersales.parts.flow"
    label = "parts_flow"
    verbose_name = _("Spare-parts flows")

    def ready(self) -> None:
        from django.urls import reverse

        from aftersales.approvals.services import ApprovalKind, register_approval_kind
        from aftersales.parts.flow import events  # noqa: F401 — registers the timeline labels
        from aftersales.parts.flow.receivers import consumption_handled
        from aftersales.parts.flow.services.demand import purchase_request_approval_decided
        from aftersales.parts.flow.services.requisitions import requisition_approval_decided
        from aftersales.parts.services.hooks import register_consumption_handler

        # P2: the parts keeper up to P2.keeper_limit_yuan, the head of after-sales above (the approval's role).
        register_approval_kind(
            ApprovalKind.REQUISITION,
            handler=requisition_approval_decided,
            link=lambda approval: reverse("parts_flow:requisition_detail", args=[approval.subject_label]),
        )
        # P5: the head of after-sales approves the demand plan into a purchase request for logistics.
        register_approval_kind(
            ApprovalKind.DEMAND_PLAN,
            handler=purchase_request_approval_decided,
            link=lambda approval: reverse("parts_flow:purchase_request_detail", args=[approval.subject_label]),
        )
        # P4, P5: a major part consumed on a job opens its old-part return; the reorder point is checked.
        register_consumption_handler(consumption_handled)
