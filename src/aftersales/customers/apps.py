from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "aftersales.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from django.urls import reverse

        from aftersales.approvals.services import ApprovalKind, register_approval_kind
        from aftersales.customers import (
            events,  # noqa: F401 — registers the timeline labels
            jobs,
        )
        from aftersales.customers.selectors import ACCESS_DECIDING_PERM
        from aftersales.customers.services import access_approval_decided

        # C3: access to a confidential file is decided through the approvals engine, by the file's owner
        # (the approval's decider) or a holder of the deciding right.
        register_approval_kind(
            ApprovalKind.ACCESS,
            handler=access_approval_decided,
            link=lambda approval: reverse("customers:access_requests"),
            decided_by_perm=ACCESS_DECIDING_PERM,
        )
        # C7: a gift to a customer is approved before the visit, by amount (C7.gift_limits).
        from aftersales.customers.services.visits import gift_approval_decided

        register_approval_kind(
            ApprovalKind.GIFT,
            handler=gift_approval_decided,
            link=lambda approval: reverse("customers:gift_list"),
        )
        jobs.register()  # the customer import runs as a background job (core.jobs)
