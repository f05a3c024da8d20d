"""Writes of returns and exchanges (R1–R4), re-exported here."""

from aftersales.returns.services.certificates import (
    discount_certificate_approval_decided,
    discount_certificate_approve,
    discount_certificate_issue,
    discount_certificate_refuse,
)
from aftersales.returns.services.requests import (
    return_approval_decided,
    return_book,
    return_receive,
    return_reissue,
    return_request_approve,
    return_request_create,
    return_request_refuse,
)

__all__ = [
    "discount_certificate_approval_decided",
    "discount_certificate_approve",
    "discount_certificate_issue",
    "discount_certificate_refuse",
    "return_approval_decided",
    "return_book",
    "return_receive",
    "return_reissue",
    "return_request_approve",
    "return_request_create",
    "return_request_refuse",
]
