from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "aftersales.policies"
    label = "policies"
    verbose_name = _("Policies")

    def ready(self) -> None:
        from django.urls import reverse

        from aftersales.approvals.services import ApprovalKind, register_approval_kind
        from aftersales.policies import events  # noqa: F401 — registers the timeline labels
        from aftersales.policies.services import policy_change_decided

        # A change of an approval policy (K7.limits and the like) takes effect when the GM approves it.
        register_approval_kind(
            ApprovalKind.POLICY, handler=policy_change_decided, link=lambda approval: reverse("policies:list")
        )
