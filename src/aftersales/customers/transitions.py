"""Allowed moves of a confidential-file access request (C3): {from: {to: rule}}.

The approvals engine decides a pending request (customers' handler moves it to approved or refused);
the owner or a manager may withdraw an approved grant before it expires.
"""

from __future__ import annotations

from aftersales.core.workflow import Transitions
from aftersales.customers.choices import AccessRequestStatus as S

ACCESS_REQUEST_TRANSITIONS: Transitions = {
    S.PENDING: {S.APPROVED: "C3", S.REFUSED: "C3"},
    S.APPROVED: {S.REVOKED: "C3"},
}
