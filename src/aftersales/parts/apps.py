from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartsConfig(AppConfig):
    name = "aftersales.parts"
    label = "parts"
    verbose_name = _("Spare parts")

    def ready(self) -> None:
        from django.urls import reverse

        from aftersales.approvals.services import register_approval_kind
        from aftersales.parts import events  # noqa: F401 — registers the timeline labels
        from aftersales.parts.services.catalogue import PRICE_APPROVER_PERM, price_list_approval_decided
        from aftersales.parts.services.counts import ADJUSTMENT_APPROVER_PERM, adjustment_approval_decided

        # P1 (like B2): list prices are approved by the head of after-sales, never their drafter.
        register_approval_kind(
            "part_price_list",
            handler=price_list_approval_decided,
            link=lambda approval: reverse("parts:price_lists"),
            decided_by_perm=PRICE_APPROVER_PERM,
        )
        # P1: a count adjustment asked by someone else posts once the parts keeper approves it.
        register_approval_kind(
            "stock_adjustment",
            handler=adjustment_approval_decided,
            link=lambda approval: reverse("parts:adjustments"),
            decided_by_perm=ADJUSTMENT_APPROVER_PERM,
        )
