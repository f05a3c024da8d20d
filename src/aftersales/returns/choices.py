"""Choices of returns and exchanges (R1–R4): kinds, the R1 condition, states, dispositions, certificate states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReturnKind(models.TextChoices):
    RETURN = "return", _("Return")  # 退货: the goods come back, the sale is credited
    EXCHANGE = "exchange", _("Exchange")  # 换货: the goods come back, another model or a good unit goes out


class ReturnCondition(models.TextChoices):
    """R1: the two cases in which a return or exchange is allowed (002 §5.5)."""

    # 刚发货、未拆封、客户需要其他型号/规格: unopened, shipped within R1.fresh_days
    WRONG_MODEL_UNOPENED = "wrong_model_unopened", _("Just shipped, unopened, another model wanted")
    # 发货不久发现明显质量问题, 经确认并由责任经理签字: verified by a manager within R1.fresh_days of shipment
    VERIFIED_QUALITY_DEFECT = "verified_quality_defect", _("Obvious quality defect verified by a manager")


class ReturnState(models.TextChoices):
    """Where a return request stands; moves are listed in returns.transitions."""

    REQUESTED = "requested", _("Requested")  # 已申请: waiting for approval (R2, K7)
    APPROVED = "approved", _("Approved")  # 已批准: the return note goes to warehouse, finance and sales (R2)
    REFUSED = "refused", _("Refused")  # 已拒绝: ends
    RECEIVED = "received", _("Received")  # 已收货: the warehouse counted what came back (R2)
    BOOKED = "booked", _("Booked")  # 已入账: finance booked the return, quantities matched (R3)
    REISSUED = "reissued", _("Replacement shipped")  # 已换发: exchange only, the replacement went out


class CertificateState(models.TextChoices):
    """R4, K7: a certificate above the signer's K7 limit waits for the approval of the level it needs."""

    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")  # 待审批: above the VP's limit (K7)
    ISSUED = "issued", _("Issued")  # 已签发: signed by the VP (or the GM)
    REFUSED = "refused", _("Refused")  # 已拒绝: the approver refused it; ends


class ReturnDisposition(models.TextChoices):
    """R2: what is done with the goods that came back (处理方式)."""

    RESTOCK = "restock", _("Back to stock")  # 入库再销售
    REWORK = "rework", _("Rework")  # 返工/返修
    SCRAP = "scrap", _("Scrap")  # 报废
    TO_SUPPLIER = "to_supplier", _("Back to the supplier")  # 退回供应商


class CopyHolder(models.TextChoices):
    """R2: the three copies of a return note (产品退货单) and who holds each."""

    WAREHOUSE = "warehouse", _("Warehouse copy")  # 仓储联: receives the goods
    FINANCE = "finance", _("Finance copy")  # 财务联: books the return
    SALES = "sales", _("Sales copy")  # 营销联: asked for the return
