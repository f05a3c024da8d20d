"""S1–S16, B1: every action of a service request, from every state, for every role, through the API.

One table: who may act (ACTION_ROLES), from which states the move is allowed (ALLOWED_FROM), and
which state it leads to (TARGET). Each (action, starting state) case builds the request once, then
calls the endpoint as each role inside a savepoint that is rolled back, so every role meets the
same request. A refused call must leave state, version and the event log untouched.

The case world is an out-of-warranty unit (charging type A), so quotations apply: from "on site"
on, the request went through quote → accept-quote (B1) before the work continued.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from aftersales.core.models import Event
from aftersales.service import services
from aftersales.service.models import Quote, ServiceRequest
from aftersales.service.services import quotes
from tests.service.test_api import png_data_url

STATES = [
    "registered",
    "dispatched",
    "booked",
    "on_site",
    "waiting_parts",
    "in_depot",
    "quoted",
    "completed",
    "signed",
    "closed",
    "declined",
    "cancelled",
]
OPEN = frozenset(STATES) - {"closed", "declined", "cancelled"}
# Roles of the table; "engineer" is the engineer assigned at dispatch, "engineer_other" never is.
ROLES = ["agent", "team_lead", "cs_manager", "engineer", "engineer_other", "customer", "finance", "vp"]
DISPATCHERS = frozenset({"team_lead", "cs_manager"})
ENGINEERS = frozenset({"engineer", "engineer_other"})
# Who holds the right to try an action (accounts/permissions.py); scope is applied afterwards.
ACTION_ROLES: dict[str, frozenset[str]] = {
    "dispatch": DISPATCHERS,
    "book": ENGINEERS,
    "arrive": ENGINEERS,
    "step": ENGINEERS,
    "parts": ENGINEERS,
    "wait-parts": ENGINEERS,
    "parts-arrived": ENGINEERS,
    "to-depot": ENGINEERS,
    "request-approval": ENGINEERS,
    "complete": ENGINEERS,
    "sign-off": ENGINEERS,
    "reopen": ENGINEERS,
    "close": DISPATCHERS,
    "cancel": DISPATCHERS | {"agent"},
    "charging": DISPATCHERS,
    "quote": DISPATCHERS | ENGINEERS,
    "accept-quote": DISPATCHERS | ENGINEERS | {"customer"},
    "decline-quote": DISPATCHERS | ENGINEERS | {"customer"},
    "payment": frozenset({"cs_manager", "finance"}),
}
# Actions that look the request up before checking the right (a stranger gets 404 before 403).
LOOKUP_FIRST = frozenset({"accept-quote", "decline-quote"})
ALLOWED_FROM: dict[str, frozenset[str]] = {
    "dispatch": frozenset({"registered", "dispatched", "booked"}),  # S7, reassignment included
    "book": frozenset({"dispatched", "booked"}),  # S7, rebooking included
    "arrive": frozenset({"dispatched", "booked"}),  # S9
    "step": OPEN,  # S9
    "parts": OPEN,  # P3
    "wait-parts": frozenset({"on_site", "in_depot"}),  # S9
    "parts-arrived": frozenset({"waiting_parts"}),  # S9
    "to-depot": frozenset({"dispatched", "booked", "on_site", "waiting_parts"}),  # S9, S13
    "request-approval": OPEN,  # S8, S9
    # S11; B1: chargeable work only after an accepted quotation (before "on site" there is none).
    "complete": frozenset({"on_site", "in_depot"}),
    "sign-off": frozenset({"completed"}),  # S11
    "reopen": frozenset({"completed"}),  # S11
    # S11: an on-site job is closed only once signed; B1: this world's paid job only once its fee is
    # collected or invoiced (the path to "closed" records it first), so "signed" alone is refused.
    "close": frozenset(),
    "cancel": frozenset({"registered", "dispatched", "booked"}),  # S1
    "charging": OPEN,  # S4
    "quote": frozenset({"registered", "dispatched", "booked", "on_site", "in_depot", "quoted"}),  # B1 (re-quote)
    "accept-quote": frozenset({"quoted"}),  # B1
    "decline-quote": frozenset({"quoted"}),  # B1
    # B1: the fee of an accepted quotation (accepted from "on site" on, in this world).
    # Closed: the fee was invoiced before closing (B1), so nothing is left to record.
    "payment": frozenset({"on_site", "waiting_parts", "in_depot", "completed", "signed"}),
}
TARGET: dict[str, str | None] = {  # None: the request stays where it is
    "dispatch": "dispatched",
    "book": "booked",
    "arrive": "on_site",
    "step": None,
    "parts": None,
    "wait-parts": "waiting_parts",
    "parts-arrived": "on_site",
    "to-depot": "in_depot",
    "request-approval": None,
    "complete": "completed",
    "sign-off": "signed",
    "reopen": "on_site",
    "close": "closed",
    "cancel": "cancelled",
    "charging": None,
    "quote": "quoted",
    "accept-quote": "on_site",
    "decline-quote": "declined",
    "payment": None,
}
# The error code of a refused move, when it is not invalid_transition.
REFUSAL_CODE: dict[tuple[str, str], str] = {
    ("close", "completed"): "signature_required",
    ("close", "signed"): "fee_outstanding",  # B1 (issue 13, fault 5)
    ("payment", "closed"): "payment_already_recorded",
    # B1: the quotation is checked before the move (offered, declined or none: not accepted).
    **{("complete", s): "quote_required" for s in ("quoted", "declined")},
    **{(a, s): "quote_not_offered" for a in ("accept-quote", "decline-quote") for s in STATES if s != "quoted"},
    **{("payment", s): "quote_not_accepted" for s in ("registered", "dispatched", "booked", "quoted")},
    **{("payment", s): "quote_not_accepted" for s in ("declined", "cancelled")},
}


def body(action: str) -> dict[str, Any]:
    visit = (timezone.now() + dt.timedelta(hours=3)).replace(microsecond=0).isoformat()
    return {
        "dispatch": {"engineer": "eng1"},
        "book": {"visit_at": visit, "confirmed_fault": "主轴轴承磨损"},
        "arrive": {},
        "step": {"text": "清洁主轴，检查轴承"},
        "parts": {"part_code": "BRG-6205", "part_name": "主轴轴承", "quantity": 2, "unit_price": "85.50"},
        "wait-parts": {"reason": "轴承缺货"},
        "parts-arrived": {},
        "to-depot": {"reason": "主板需返厂维修"},
        "request-approval": {"kind": "support", "reason": "需要技术部支持", "cost": "0.00"},
        "complete": {
            "resolution": "on_site",
            "work_summary": "更换主轴轴承，试机正常",
            "self_check_passed": True,
            "labour_minutes": 90,
        },
        "sign-off": {"signature": png_data_url(), "signed_by_name": "王工"},
        "reopen": {"reason": "客户验收不通过"},
        "close": {"note": "已归档"},
        "cancel": {"reason": "客户撤回"},
        "charging": {"charging_type": "C", "reason": "经核实在保修期内"},
        "quote": {
            "labour_hours": "1.50",
            "lines": [{"part_code": "BRG-6205", "description": "主轴轴承", "quantity": 1, "unit_price": "85.50"}],
        },
        "accept-quote": {"decided_by_name": "王工", "via": "phone"},
        "decline-quote": {"reason": "价格太高", "decided_by_name": "王工", "via": "phone"},
        "payment": {"state": "collected", "amount": "350.00"},
    }[action]


def expected_status(action: str, state: str, role: str) -> int:
    holder = role in ACTION_ROLES[action]
    # Engineers see only their own jobs: never engineer_other, and nobody before dispatch.
    visible = role != "engineer_other" and not (role == "engineer" and state in ("registered", "cancelled"))
    if action in LOOKUP_FIRST and not visible:
        return 404
    if not holder:
        return 403
    if not visible:
        return 404
    return 200 if state in ALLOWED_FROM[action] else 409


@pytest.fixture
def table_world(staff, make_user, customer, old_unit, api_as, fee_drafter) -> dict[str, Any]:
    manager = staff["cs_manager"]
    standard = quotes.fee_standard_create(
        actor=fee_drafter, labour_rate=Decimal("120.00"), callout_fee=Decimal("80.00")
    )
    quotes.fee_standard_approve(actor=manager, version=standard.version)
    users = {role: actor.user for role, actor in staff.items()}
    users["engineer_other"] = users.pop("engineer2")
    users["customer"] = make_user("customer", username="portal1", customer_id=customer.pk)
    users["finance"] = make_user("finance", username="fin1")
    users["vp"] = make_user("vp", username="vp1")
    return {"staff": staff, "unit": old_unit, "customer": customer, "clients": {r: api_as(users[r]) for r in ROLES}}


def build(world: dict[str, Any], state: str) -> ServiceRequest:
    """A request of the world in `state`, made through the services the way the case runs."""
    s = world["staff"]
    request = services.service_request_create(
        actor=s["agent"],
        customer_id=world["customer"].pk,
        serial=world["unit"].serial,
        channel="phone",
        priority="serious",
        fault="主轴异响，无法加工",
    )
    number = request.number
    eng = s["engineer"]
    steps: list[tuple[str, Any]] = [
        ("cancelled", lambda: services.service_request_cancel(actor=s["agent"], number=number, reason="重复登记")),
        ("registered", None),
        ("dispatched", lambda: services.service_request_dispatch(actor=s["team_lead"], number=number, engineer="eng1")),
        (
            "booked",
            lambda: services.service_request_book(
                actor=eng, number=number, visit_at=timezone.now() + dt.timedelta(hours=2)
            ),
        ),
        ("", lambda: services.service_request_arrive(actor=eng, number=number)),
        (
            "quoted",
            lambda: quotes.quote_offer(
                actor=eng,
                number=number,
                labour_hours=Decimal("2"),
                lines=[{"part_code": "BRG-6205", "description": "主轴轴承", "quantity": 1, "unit_price": "85.50"}],
            ),
        ),
        ("declined", lambda: quotes.quote_decline(actor=eng, number=number, reason="价格太高", via="phone")),
        ("on_site", lambda: quotes.quote_accept(actor=eng, number=number, decided_by_name="王工", via="phone")),
        ("waiting_parts", lambda: services.service_request_wait_parts(actor=eng, number=number, reason="轴承缺货")),
        ("in_depot", lambda: services.service_request_to_depot(actor=eng, number=number, reason="返厂")),
        (
            "completed",
            lambda: services.service_request_complete(
                actor=eng, number=number, resolution="on_site", work_summary="更换轴承", self_check_passed=True
            ),
        ),
        (
            "signed",
            lambda: services.service_request_sign_off(
                actor=eng, number=number, signature=png_data_url(), signed_by_name="王工"
            ),
        ),
        ("closed", lambda: _invoice_and_close(s, number)),
    ]
    # Branches end the path: cancelled (from registered), declined (from quoted), waiting_parts and
    # in_depot (from on site); the main path runs on to closed.
    branches = {"cancelled", "declined", "waiting_parts", "in_depot"}
    for name, step in steps:
        if name in branches and name != state:
            continue
        if step is not None:
            step()
        if name == state:
            break
    request.refresh_from_db()
    assert request.state == state
    return request


def _invoice_and_close(s: dict[str, Any], number: str) -> None:
    """B1: a paid request closes once its fee is invoiced (issue 13, fault 5)."""
    quote = Quote.objects.get(request__number=number, state="accepted")
    quotes.quote_payment_record(
        actor=s["cs_manager"], number=number, state="invoiced", amount=quote.total, invoice_number="FP0001"
    )
    services.service_request_close(actor=s["cs_manager"], number=number)


def _snapshot(number: str) -> tuple[str, int, int]:
    request = ServiceRequest.objects.get(number=number)
    return request.state, request.version, Event.objects.count()


CASES = [pytest.param(action, state, id=f"{action}-from-{state}") for action in ACTION_ROLES for state in STATES]


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "state"), CASES)
def test_s1_s16_b1_action_from_state_by_role(action: str, state: str, table_world: dict[str, Any]) -> None:
    # given a request in `state`
    request = build(table_world, state)
    expected = {role: expected_status(action, state, role) for role in ROLES}
    actual: dict[str, int] = {}
    problems: list[str] = []
    for role in ROLES:
        savepoint = transaction.savepoint()
        before = _snapshot(request.number)
        # when the role calls the action
        response = table_world["clients"][role].post(f"service-requests/{request.number}/{action}", body(action))
        actual[role] = response.status_code
        after = _snapshot(request.number)
        data = response.json()
        # then a refusal changed nothing, and a success moved the request as the table says
        if response.status_code >= 400:
            if after != before:
                problems.append(f"{role}: refused with {response.status_code} but changed {before} → {after}")
            if response.status_code == 409:
                code = REFUSAL_CODE.get((action, state), "invalid_transition")
                if data["code"] != code:
                    problems.append(f"{role}: 409 {data['code']} instead of {code}")
        elif response.status_code == 200:
            target = TARGET[action] or state
            bump = 0 if action == "payment" else 1
            if (data["state"], data["version"]) != (target, before[1] + bump):
                problems.append(
                    f"{role}: answered {data['state']} v{data['version']}, not {target} v{before[1] + bump}"
                )
            if after[:2] != (target, before[1] + bump) or after[2] <= before[2]:
                problems.append(f"{role}: stored {after}, expected {target} v{before[1] + bump} with new events")
        transaction.savepoint_rollback(savepoint)
    assert actual == expected
    assert problems == []
