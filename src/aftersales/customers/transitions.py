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

from aftersales.customers.choices import GiftState as G  # noqa: E402
from aftersales.customers.choices import VettingState as V  # noqa: E402

# C7: the approvals engine decides a pending gift; an approved one is given once, with its visit report.
GIFT_TRANSITIONS: Transitions = {
    G.PENDING: {G.APPROVED: "C7", G.REFUSED: "C7"},
    G.APPROVED: {G.GIVEN: "C7"},
}
# C5: the investigator submits; the decider approves, rejects or asks for more (back to the investigator).
VETTING_TRANSITIONS: Transitions = {
    V.DRAFT: {V.SUBMITTED: "C5"},
    V.NEEDS_MORE: {V.SUBMITTED: "C5"},
    V.SUBMITTED: {V.APPROVED: "C5", V.REJECTED: "C5", V.NEEDS_MORE: "C5"},
}
