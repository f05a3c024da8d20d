"""Allowed moves of a complaint, per action: {action: {from_state: {to_state: rule id}}} (K5–K11, K15);
of a corrective action (K14) and of a monthly responsibility review (K8): {from_state: {to_state: rule id}}.

Each service names its action; core.workflow.transition() applies only that action's moves.
"""

from aftersales.complaints.choices import CapaState as A
from aftersales.complaints.choices import ComplaintState as C
from aftersales.complaints.choices import ReviewState as R

ACTION_TRANSITIONS: dict[str, dict[str, dict[str, str]]] = {
    "contact": {C.REGISTERED: {C.CONTACTED: "K5"}},
    # within authority: decided; an amount above the decider's authority waits for an approval (K7, K11)
    "decide": {C.CONTACTED: {C.DECIDED: "K5", C.AWAITING_APPROVAL: "K11"}},
    "escalate": {C.CONTACTED: {C.ESCALATED: "K5"}},
    # the department head decides; an amount needs the K7 approver as well
    "approve": {C.ESCALATED: {C.DECIDED: "K5", C.AWAITING_APPROVAL: "K7"}},
    # the approval decided (complaints.services.complaints.complaint_approval_decided)
    "approval_approved": {C.AWAITING_APPROVAL: {C.DECIDED: "K7"}},
    # refused: back to whoever decided (the handler, or the department head of an escalated case)
    "approval_refused": {C.AWAITING_APPROVAL: {C.CONTACTED: "K7", C.ESCALATED: "K7"}},
    "reply": {C.DECIDED: {C.REPLIED: "K11"}},
    "implement": {C.REPLIED: {C.IMPLEMENTED: "K5"}},
    "close": {C.IMPLEMENTED: {C.CLOSED: "K5"}},
    "reject_conclusion": {s: {C.REJECTED: "K10"} for s in (C.REPLIED, C.IMPLEMENTED, C.CLOSED)},
}

# K14: a corrective action is carried out, then verified by quality (not effective: planned again).
CAPA_TRANSITIONS: dict[str, dict[str, str]] = {
    A.PLANNED: {A.DONE: "K14"},
    A.DONE: {A.VERIFIED: "K14", A.PLANNED: "K14"},
}

# K8: the monthly responsibility review is submitted by the department head; approved once the VP
# (sanctions) and the GM (reward/penalty notice) have both approved; a refusal sends it back to draft.
REVIEW_TRANSITIONS: dict[str, dict[str, str]] = {
    R.DRAFT: {R.SUBMITTED: "K8"},
    R.SUBMITTED: {R.APPROVED: "K8", R.DRAFT: "K8"},
    R.APPROVED: {},
}
