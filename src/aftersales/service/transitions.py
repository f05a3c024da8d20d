"""Allowed moves of a service request, per action: {action: {from_state: {to_state: rule id}}} (S1–S16, B1).

Each service names its action; core.workflow.transition() applies only that action's moves, so
"arrive" can never take a quoted request on site, whatever other action may leave "quoted".
REQUEST_TRANSITIONS is their union (every move the request can make), for docs and diagrams.
"""

from aftersales.service.choices import DepotMove, FeeStandardState, PaymentState, QuoteState, UnitLocation
from aftersales.service.choices import RequestState as S

_WORK = (S.ON_SITE, S.IN_DEPOT)  # where a job is being worked on

ACTION_TRANSITIONS: dict[str, dict[str, dict[str, str]]] = {
    "dispatch": {s: {S.DISPATCHED: "S7"} for s in (S.REGISTERED, S.DISPATCHED, S.BOOKED)},
    "book": {s: {S.BOOKED: "S7"} for s in (S.DISPATCHED, S.BOOKED)},
    "arrive": {s: {S.ON_SITE: "S9"} for s in (S.DISPATCHED, S.BOOKED)},
    "wait_parts": {S.ON_SITE: {S.WAITING_PARTS: "S9"}, S.IN_DEPOT: {S.WAITING_PARTS: "S13"}},
    # back to where the work stood (ServiceRequest.resume_state)
    "parts_arrived": {S.WAITING_PARTS: {S.ON_SITE: "S9", S.IN_DEPOT: "S13"}},
    # a board that cannot be repaired on site is taken back with the customer's consent (S9, S13);
    # from waiting_parts the parts are sent to the depot instead (the clocks run again)
    "to_depot": {s: {S.IN_DEPOT: "S13"} for s in (S.DISPATCHED, S.BOOKED, S.ON_SITE, S.WAITING_PARTS)},
    "quote": {s: {S.QUOTED: "B1"} for s in (S.REGISTERED, S.DISPATCHED, S.BOOKED, *_WORK)},
    # accept-quote returns to where the work stood (ServiceRequest.resume_state)
    "accept_quote": {S.QUOTED: {s: "B1" for s in (S.REGISTERED, S.DISPATCHED, S.BOOKED, *_WORK)}},
    "decline_quote": {S.QUOTED: {S.DECLINED: "B1"}},
    # 客户暂不方便: the customer cannot receive us now (a note says why); resumed where the work stood
    # (ServiceRequest.resume_state). The clocks of policy S6.customer_wait_pauses pause meanwhile.
    "customer_unavailable": {s: {S.WAITING_CUSTOMER: "S6"} for s in (S.REGISTERED, S.DISPATCHED, S.BOOKED, *_WORK)},
    "customer_available": {S.WAITING_CUSTOMER: {s: "S6" for s in (S.REGISTERED, S.DISPATCHED, S.BOOKED, *_WORK)}},
    # before anyone is on site only a remote resolution completes a job (S16)
    "complete": {
        S.REGISTERED: {S.COMPLETED: "S16"},
        S.DISPATCHED: {S.COMPLETED: "S16"},
        S.BOOKED: {S.COMPLETED: "S16"},
        S.ON_SITE: {S.COMPLETED: "S11"},
        S.IN_DEPOT: {S.COMPLETED: "S13"},
    },
    "sign_off": {S.COMPLETED: {S.SIGNED: "S11"}},
    # the customer did not accept the result: back to work (S11)
    "reopen": {S.COMPLETED: {S.ON_SITE: "S11"}},
    # a remote resolution has no signature to collect (S16); the service checks which
    "close": {S.SIGNED: {S.CLOSED: "S11"}, S.COMPLETED: {S.CLOSED: "S16"}},
    "cancel": {s: {S.CANCELLED: "S1"} for s in (S.REGISTERED, S.DISPATCHED, S.BOOKED, S.WAITING_CUSTOMER)},
}


def _union() -> dict[str, dict[str, str]]:
    moves: dict[str, dict[str, str]] = {state: {} for state in S.values}
    for table in ACTION_TRANSITIONS.values():
        for source, targets in table.items():
            moves[source].update(targets)
    return moves


REQUEST_TRANSITIONS: dict[str, dict[str, str]] = _union()


# B2: a fee standard is saved as a draft and sent to the service-centre manager at once; approved, it
# prices new quotations until a newer version is approved; refused, it may be sent again.
FEE_STANDARD_TRANSITIONS: dict[str, dict[str, str]] = {
    FeeStandardState.DRAFT: {FeeStandardState.PENDING: "B2"},
    FeeStandardState.PENDING: {FeeStandardState.APPROVED: "B2", FeeStandardState.REFUSED: "B2"},
    FeeStandardState.REFUSED: {FeeStandardState.PENDING: "B2"},
    FeeStandardState.APPROVED: {FeeStandardState.SUPERSEDED: "B2"},
    FeeStandardState.SUPERSEDED: {},
}


# Allowed moves of a quotation and of its payment (B1).
QUOTE_TRANSITIONS: dict[str, dict[str, str]] = {
    QuoteState.OFFERED: {QuoteState.ACCEPTED: "B1", QuoteState.DECLINED: "B1"},
    QuoteState.ACCEPTED: {},
    QuoteState.DECLINED: {},
}
PAYMENT_TRANSITIONS: dict[str, dict[str, str]] = {
    PaymentState.DUE: {PaymentState.COLLECTED: "B1", PaymentState.INVOICED: "B1"},
    # Cash taken on site is handed to finance, who confirms receipt (and may invoice it afterwards).
    PaymentState.COLLECTED: {PaymentState.RECEIVED: "B1", PaymentState.INVOICED: "B1"},
    PaymentState.RECEIVED: {PaymentState.INVOICED: "B1"},
    PaymentState.INVOICED: {},
}


# The in/out register is written in this order only (S13); None: the job is finished.
DEPOT_NEXT_MOVE: dict[str, str | None] = {
    DepotMove.PICKED_UP: DepotMove.RECEIVED,
    DepotMove.RECEIVED: DepotMove.ON_BENCH,
    DepotMove.ON_BENCH: DepotMove.REPAIRED,
    DepotMove.REPAIRED: DepotMove.RETURNED,
    DepotMove.RETURNED: None,
}
# Where the unit is after each register line.
LOCATION_AFTER: dict[str, str] = {
    DepotMove.PICKED_UP: UnitLocation.IN_TRANSIT,
    DepotMove.RECEIVED: UnitLocation.DEPOT,
    DepotMove.ON_BENCH: UnitLocation.DEPOT,
    DepotMove.REPAIRED: UnitLocation.DEPOT,
    DepotMove.RETURNED: UnitLocation.CUSTOMER,
}
