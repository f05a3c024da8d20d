from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractCover(models.TextChoices):
    """A4 / S6: when a service contract covers its units."""

    OFFICE_HOURS = "office_hours", _("Office hours")  # 工作时间 Mon–Fri 09:00–18:00 (S6)
    ALWAYS = "24x7", _("7×24")  # round the clock


class WarrantyBasis(models.TextChoices):
    """A3: what the warranty start was computed from."""

    ACCEPTANCE = "acceptance", _("Acceptance date")  # 验收合格
    PRODUCTION_PLUS_3_MONTHS = "production_plus_3_months", _("Production date + offset")  # 002 §5.1.15 note 5


class ChargingType(models.TextChoices):
    """S4: how a service is charged."""

    PAID = "A", _("A paid")  # 有偿
    CONTRACT = "B", _("B contract")  # 合同
    FREE = "C", _("C free")  # 免费 (in warranty)
    INTERNAL = "D", _("D internal")  # 内务


class LengthSource(models.TextChoices):
    """A3: where the warranty length came from."""

    UNIT = "unit", _("the unit's own term")
    PRODUCT = "product", _("the product's term")
    POLICY = "policy", _("the policy default")
