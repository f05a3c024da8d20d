"""Allowed moves of a service request: {from_state: {to_state: rule id}} (S1–S16, B1).

Only core.workflow.transition() applies them; each service in service.services names its move.
"""

from aftersales.service.choices import RequestState as S

REQUEST_TRANSITIONS: dict[str, dict[str, str]] = {
    S.REGISTERED: {
        S.DISPATCHED: "S7",  # dispatch
        S.QUOTED: "B1",  # quote before dispatch (chargeable, customer asked for the price first)
        S.COMPLETED: "S16",  # resolved by phone while the call was taken
        S.CANCELLED: "S1",
    },
    S.DISPATCHED: {
        S.DISPATCHED: "S7",  # reassigned to another engineer
        S.BOOKED: "S7",  # engineer confirmed the fault and booked the visit
        S.ON_SITE: "S9",  # arrived without a booking (urgent)
        S.IN_DEPOT: "S13",  # unit brought or sent to the depot
        S.QUOTED: "B1",
        S.COMPLETED: "S16",  # resolved remotely
        S.CANCELLED: "S1",
    },
    S.BOOKED: {
        S.DISPATCHED: "S7",
        S.BOOKED: "S7",  # visit rebooked
        S.ON_SITE: "S9",
        S.IN_DEPOT: "S13",
        S.QUOTED: "B1",
        S.COMPLETED: "S16",
        S.CANCELLED: "S1",
    },
    S.ON_SITE: {
        S.WAITING_PARTS: "S9",
        S.IN_DEPOT: "S9",  # board cannot be repaired on site: taken back with consent
        S.QUOTED: "B1",
        S.COMPLETED: "S11",
    },
    S.WAITING_PARTS: {
        S.ON_SITE: "S9",  # parts arrived, back on site
        S.IN_DEPOT: "S13",  # parts arrived at the depot
    },
    S.IN_DEPOT: {
        S.WAITING_PARTS: "S13",
        S.QUOTED: "B1",
        S.COMPLETED: "S13",
    },
    S.QUOTED: {
        # accept-quote returns to where the work stood (ServiceRequest.resume_state)
        S.REGISTERED: "B1",
        S.DISPATCHED: "B1",
        S.BOOKED: "B1",
        S.ON_SITE: "B1",
        S.IN_DEPOT: "B1",
        S.DECLINED: "B1",
    },
    S.COMPLETED: {
        S.SIGNED: "S11",
        S.CLOSED: "S11",  # remote resolution: no signature to collect (S16)
        S.ON_SITE: "S11",  # self-check failed or customer refused to sign: back to work
    },
    S.SIGNED: {S.CLOSED: "S11"},
    S.CLOSED: {},
    S.DECLINED: {},
    S.CANCELLED: {},
}
