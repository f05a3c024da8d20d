"""Dimensions of the statistics (Q1, Q4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    """What the service requests of a period are counted by (`by=`)."""

    PRODUCT = "product", _("Product")
    SYMPTOM = "symptom", _("Fault symptom")
    PART = "part", _("Replaced part")
    SERVICE_POINT = "service_point", _("Service point")
    ENGINEER = "engineer", _("Engineer")
    CHANNEL = "channel", _("Channel")
    REGION_TIER = "region_tier", _("Response tier")


# The groupings the KPIs accept (`GET /api/v1/kpis?by=`).
KPI_DIMENSIONS = (Dimension.SERVICE_POINT, Dimension.REGION_TIER, Dimension.ENGINEER, Dimension.PRODUCT)
