"""Allowed moves per action: {action: {from_state: {to_state: rule id}}} (P2, P4, P5)."""

from aftersales.parts.flow.choices import PartReturnState as PR
from aftersales.parts.flow.choices import PurchaseRequestState as PQ
from aftersales.parts.flow.choices import RequisitionState as S

REQUISITION_ACTIONS: dict[str, dict[str, dict[str, str]]] = {
    "approve": {S.REQUESTED: {S.APPROVED: "P2"}},
    "refuse": {S.REQUESTED: {S.REFUSED: "P2"}},
    "issue": {S.APPROVED: {S.ISSUED: "P2"}},
    "receive": {S.ISSUED: {S.RECEIVED: "P2"}},
    "cancel": {S.REQUESTED: {S.CANCELLED: "P2"}, S.APPROVED: {S.CANCELLED: "P2"}},
}

PART_RETURN_ACTIONS: dict[str, dict[str, dict[str, str]]] = {
    "receive": {PR.OUTSTANDING: {PR.RECEIVED: "P4"}},
}

PURCHASE_REQUEST_ACTIONS: dict[str, dict[str, dict[str, str]]] = {
    "approve": {PQ.PENDING: {PQ.APPROVED: "P5"}},
    "refuse": {PQ.PENDING: {PQ.REFUSED: "P5"}},
}
