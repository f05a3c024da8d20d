"""States and codes of requisitions (P2), old-part returns (P4) and purchase requests (P5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RequisitionState(models.TextChoices):
    """维修点领用配件表: asked → approved (quantities reserved) → issued (in transit) → received."""

    REQUESTED = "requested", pgettext_lazy("parts requisitions and returns", "Waiting for approval")  # 待审批
    APPROVED = (
        "approved",
        pgettext_lazy("parts requisitions and returns", "Approved, to issue"),
    )  # 已批准, 待发料: reserved in the issuing store
    ISSUED = "issued", pgettext_lazy("parts requisitions and returns", "Issued, in transit")  # 已发料, 在途
    RECEIVED = (
        "received",
        pgettext_lazy("parts requisitions and returns", "Received"),
    )  # 已签收 (shortfalls recorded as discrepancies)
    REFUSED = "refused", pgettext_lazy("parts requisitions and returns", "Refused")  # 已拒绝
    CANCELLED = (
        "cancelled",
        pgettext_lazy("parts requisitions and returns", "Cancelled"),
    )  # 已撤销 (before it was issued; the reservation is released)


OPEN_REQUISITION_STATES = (RequisitionState.REQUESTED, RequisitionState.APPROVED, RequisitionState.ISSUED)


class PartReturnState(models.TextChoices):
    OUTSTANDING = (
        "outstanding",
        pgettext_lazy("parts requisitions and returns", "Outstanding"),
    )  # 待返还: the engineer still holds the old part
    RECEIVED = (
        "received",
        pgettext_lazy("parts requisitions and returns", "Received"),
    )  # 已收回: in the defective store, disposition decided


class PartDisposition(models.TextChoices):
    """What the parts keeper decides for a returned old part (P4)."""

    REPAIR = "repair", pgettext_lazy("parts requisitions and returns", "Repair")  # 送修
    SCRAP = "scrap", pgettext_lazy("parts requisitions and returns", "Scrap")  # 报废
    SUPPLIER_CLAIM = "supplier_claim", _("Claim from the supplier")  # 向供应商索赔 (K12)


class PurchaseRequestState(models.TextChoices):
    """备品配件需要计划 → 采购申请: the head of after-sales approves it, then logistics buys."""

    PENDING = "pending", pgettext_lazy("parts requisitions and returns", "Waiting for approval")  # 待审批
    APPROVED = (
        "approved",
        pgettext_lazy("parts requisitions and returns", "Approved, to purchase"),
    )  # 已批准, 交物流部采购
    REFUSED = "refused", pgettext_lazy("parts requisitions and returns", "Refused")  # 已拒绝
