"""Models of returns and exchanges (R1–R4)."""

from aftersales.returns.models.certificates import DiscountCertificate
from aftersales.returns.models.returns import ReturnRequest

__all__ = ["DiscountCertificate", "ReturnRequest"]
