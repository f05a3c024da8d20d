"""The service case API end to end: exact bodies, typed errors, scope, charging type, clocks (S1–S16, B1)."""

from __future__ import annotations

import base64
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone, translation

from aftersales.accounts.models import Region, ServicePoint, User
from aftersales.approvals.models import Approval
from aftersales.core.models import Event
from aftersales.service import services
from aftersales.service.choices import RequestState
from aftersales.service.models import ServiceRequest, ServiceTask
from aftersales.service.services import quotes
from tests.installed_base.factories import ContractFactory, CustomerFactory, UnitFactory

pytestmark = pytest.mark.django_db

# Wednesday before National Day 2026 (CN: 1–7 October off, Saturday 10 October a make-up working day).
RECEIVED = "2026-09-30T10:00:00+08:00"


def png_data_url() -> str:
    """A small PNG from the signature pad, as a data URL."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def zh(message: str) -> str:
    """The message as the API renders it for a request without Accept-Language (zh-hans)."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


def ts(value: Any) -> str:
    return DjangoJSONEncoder().default(value)


def user_ref(user: Any) -> dict[str, Any]:
    return {"id": user.pk, "username": user.username, "display_name": user.display_name}


def events_of(request: ServiceRequest) -> list[str]:
    return list(
        Event.objects.filter(subject_type="service.servicerequest", subject_id=str(request.pk)).values_list(
            "action", flat=True
        )
    )


@pytest.fixture
def clients(staff, api_as) -> dict[str, Any]:
    return {role: api_as(actor.user) for role, actor in staff.items()}


@pytest.fixture
def fee_standard(staff, fee_drafter) -> Any:
    """B2: labour 120.00 yuan an hour, call-out 80.00, drafted by finance, approved by the manager."""
    manager = staff["cs_manager"]
    standard = quotes.fee_standard_create(
        actor=fee_drafter, labour_rate=Decimal("120.00"), callout_fee=Decimal("80.00")
    )
    return quotes.fee_standard_approve(actor=manager, version=standard.version)


def register(client: Any, **fields: Any) -> Any:
    body = {"channel": "phone", "priority": "general", "fault": "主轴异响，无法加工", "received_at": RECEIVED}
    body.update(fields)
    return client.post("service-requests", body)


def clock_rows(body: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {
        c["kind"]: (c["rule"], c["state"], c["explanation"]["policy_key"], c["explanation"]["target"], c["due_at"])
        for c in body["clocks"]
    }


# --- POST /service-requests (S1, S2, S4) -------------------------------------------------------


def test_s1_register_answers_201_with_the_register_entry(clients, customer, unit):
    response = register(
        clients["agent"],
        customer=customer.pk,
        serial=unit.serial,
        priority="serious",
        symptom="主轴异响",
        contact_name="王工",
        phone="13800138000",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    sr = ServiceRequest.objects.get()
    agent = User.objects.get(username="agent1")
    clocks = body.pop("clocks")
    assert body == {
        "number": sr.number,
        "state": "registered",
        "open": True,
        "customer": {"id": customer.pk, "code": customer.code, "name": customer.name},
        "serial": unit.serial,
        "model": unit.product.model,
        "channel": "phone",
        "priority": "serious",
        "kind": "repair",
        "fault": "主轴异响，无法加工",
        "received_at": "2026-09-30T02:00:00Z",
        "service_point": "SP-SH",
        "charging_type": "C",
        "engineer": None,
        "visit_at": None,
        "version": 1,
        "contact_name": "王工",
        "phone": "13800138000",
        "address": "上海市闵行区申富路 88 号",
        "symptom": "主轴异响",
        "symptom_code": None,
        "received_by": user_ref(agent),
        "region_tier": "same_city",
        "in_warranty": True,
        "contract_number": "",
        "charging_basis": sr.charging_basis,
        "charging_override_reason": "",
        "calendar_code": "CN",
        "dispatched_at": None,
        "carried_over_on": None,
        "confirmed_fault": "",
        "arrived_at": None,
        "unit_location": "customer",
        "resolution": "",
        "work_summary": "",
        "labour_minutes": None,
        "cause_code": None,
        "confirmed_symptom_code": None,
        "self_check_passed": False,
        "completed_at": None,
        "signed": False,
        "signed_by_name": "",
        "signed_at": None,
        "closed_at": None,
        "closed_by": None,
        "end_reason": "",
        "repeat_of": None,
        "steps": [],
        "parts": [],
        "approvals": [],
        "tasks": [],
        "quote": None,
        # C3: the agent may open this (open) file, so the file's contact for a visit comes along
        "visit_contact": {"contact_name": "", "phone": "021-64001234", "address": "上海市闵行区申富路 88 号"},
        "created_at": ts(sr.created_at),
        "updated_at": ts(sr.updated_at),
    }
    assert sr.number.startswith("FW")
    assert len(sr.number) == 14
    assert "2027-01-14" in sr.charging_basis
    assert [c["kind"] for c in clocks] == ["respond", "arrive", "solve"]
    assert set(clocks[0]) == {
        "id",
        "kind",
        "rule",
        "state",
        "status",
        "started_at",
        "due_at",
        "warn_at",
        "stopped_at",
        "paused_seconds",
        "outcome",
        "margin_seconds",
        "escalation_level",
        "explanation",
    }
    assert events_of(sr) == ["servicerequest.registered"]
    # GET answers the same body (times in UTC either way)
    again = clients["agent"].get(f"service-requests/{sr.number}").json()
    again.pop("clocks")
    assert again == body


@pytest.fixture
def contract_unit(customer):
    """Out of warranty since 2021, covered by a service contract for 2026 (S4 B)."""
    unit = UnitFactory(customer=customer, acceptance_date=dt.date(2019, 3, 1), production_date=dt.date(2019, 1, 1))
    ContractFactory(
        customer=customer,
        units=[unit],
        number="HT20260001",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
    )
    return unit


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("in_warranty", ("C", True, "")),
        ("contract", ("B", False, "HT20260001")),
        ("neither", ("A", False, "")),
        ("unregistered", ("A", False, "")),
    ],
)
def test_s4_charging_type_is_derived_from_warranty_and_contract(
    case, expected, clients, customer, unit, old_unit, contract_unit
):
    serial = {"in_warranty": unit.serial, "contract": contract_unit.serial, "neither": old_unit.serial}.get(case, "")
    fields = {"serial": serial} if serial else {"model": "XK-9999"}

    response = register(clients["agent"], customer=customer.pk, **fields)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["charging_type"], body["in_warranty"], body["contract_number"]) == expected
    assert body["charging_override_reason"] == ""
    if case == "unregistered":
        assert (body["serial"], body["model"]) == (None, "XK-9999")
        assert body["charging_basis"] == zh(
            "The unit is not registered, so no warranty or contract can be shown: paid service."
        )


def test_s4_charging_override_with_a_reason_is_recorded(clients, customer, unit):
    response = register(
        clients["agent"], customer=customer.pk, serial=unit.serial, charging_type="A", charging_reason="客户人为损坏"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["charging_type"], body["in_warranty"], body["charging_override_reason"]) == ("A", True, "客户人为损坏")
    sr = ServiceRequest.objects.get()
    event = Event.objects.get(subject_type="service.servicerequest", action="servicerequest.registered")
    assert (event.data["charging_type"], sr.charging_type) == ("A", "A")


def test_s4_charging_override_without_a_reason_is_refused(clients, customer, unit):
    events = Event.objects.count()

    response = register(clients["agent"], customer=customer.pk, serial=unit.serial, charging_type="A")

    assert response.status_code == 422
    message = zh("Give the reason for changing the charging type (S4).")
    assert response.json() == {
        "code": "validation_failed",
        "message": message,
        "fields": {"charging_reason": [message]},
    }
    assert ServiceRequest.objects.count() == 0
    assert Event.objects.count() == events


def test_s4_charging_changed_later_with_a_reason(clients, new_request):
    sr = new_request()

    response = clients["team_lead"].post(
        f"service-requests/{sr.number}/charging", {"charging_type": "A", "reason": "客户人为损坏", "version": 1}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["charging_type"], body["charging_override_reason"], body["version"]) == ("A", "客户人为损坏", 2)
    event = Event.objects.filter(action="servicerequest.charging_changed").get()
    assert (event.rule, event.data) == ("S4", {"charging_type": ["C", "A"], "reason": "客户人为损坏"})


def test_s4_charging_change_without_a_reason_is_422(clients, new_request):
    sr = new_request()
    events = Event.objects.count()

    response = clients["team_lead"].post(f"service-requests/{sr.number}/charging", {"charging_type": "A", "reason": ""})

    assert response.status_code == 422
    assert (response.json()["code"], list(response.json()["fields"])) == ("validation_failed", ["reason"])
    sr.refresh_from_db()
    assert (sr.charging_type, sr.version, Event.objects.count()) == ("C", 1, events)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("received_at", "2026-09-30T10:00:00"),  # no offset
        ("received_at", 1790000000),
        ("channel", "telegram"),
        ("priority", "high"),
        ("customer", "1"),
        ("surprise", "x"),
    ],
)
def test_s1_register_refuses_malformed_input(field, value, clients, customer, unit):
    fields = {"customer": customer.pk, "serial": unit.serial, field: value}
    response = register(clients["agent"], **fields)

    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert list(response.json()["fields"]) == [field]
    assert ServiceRequest.objects.count() == 0


def test_s1_register_refuses_a_future_received_time(clients, customer, unit):
    response = register(
        clients["agent"], customer=customer.pk, serial=unit.serial, received_at="2099-01-01T10:00:00+08:00"
    )

    assert response.status_code == 422
    message = zh("The time received cannot be in the future.")
    assert response.json() == {"code": "validation_failed", "message": message, "fields": {"received_at": [message]}}


def test_s1_serial_or_model_is_required(clients, customer):
    response = register(clients["agent"], customer=customer.pk)

    assert response.status_code == 422
    message = zh("Give the unit's serial number, or its model when it is not registered.")
    assert response.json() == {"code": "validation_failed", "message": message, "fields": {"serial": [message]}}


def test_s1_portal_user_registers_for_their_own_organisation(make_user, api_as, customer, unit):
    portal = api_as(make_user("customer", username="portal1", customer_id=customer.pk))

    response = register(portal, customer=customer.pk, serial=unit.serial, channel="phone", received_at=None)

    assert response.status_code == 201, response.content
    assert (response.json()["channel"], response.json()["received_by"]["username"]) == ("web", "portal1")
    other = CustomerFactory()
    assert register(portal, customer=other.pk, model="XK-1", received_at=None).status_code == 404
    assert ServiceRequest.objects.count() == 1


@pytest.mark.parametrize("role", ["engineer", "engineer2"])
def test_s1_engineers_cannot_register(role, clients, customer, unit):
    response = register(clients[role], customer=customer.pk, serial=unit.serial)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert ServiceRequest.objects.count() == 0


# --- clocks (S6, C9, S10) ----------------------------------------------------------------------


@pytest.fixture
def tier_unit(db):
    """A unit in warranty of a customer whose region is `tier` from the service point serving it (C9).

    The tier is computed from where the point is (issue 13, fault 9), not read from the region: the
    region records a contradicting tier on purpose.
    """

    def _make(tier: str) -> Any:
        region = Region.objects.create(code="R-CUST", name="昆明", province="云南", tier="same_province")
        if tier == "same_city":  # the region has its own point
            ServicePoint.objects.create(code="SP-KM", name="昆明办事处", region=region)
        elif tier == "same_province":  # served from a point elsewhere in its province
            other = Region.objects.create(code="R-DL", name="大理", province="云南", tier="same_city")
            ServicePoint.objects.create(code="SP-DL", name="大理维修点", region=other)
        else:  # no point in the province: the service centre in another province serves it
            centre = Region.objects.create(code="R-HQ", name="北京", province="北京", tier="same_city")
            ServicePoint.objects.create(code="SP-HQ", name="北京服务中心", region=centre, kind="headquarters")
        customer = CustomerFactory(region=region, phone="0871-1234567", address="云南省昆明市")
        return UnitFactory(customer=customer, acceptance_date=dt.date(2025, 1, 15))

    return _make


def test_s6_urgent_in_warranty_same_city_must_be_on_site_within_one_hour(clients, customer, unit):
    response = register(clients["agent"], customer=customer.pk, serial=unit.serial, priority="urgent")

    assert clock_rows(response.json()) == {
        "respond": (
            "S6",
            "running",
            "S6.respond_minutes",
            {"amount": 30, "unit": "working_minutes", "seconds": 1800},
            "2026-09-30T02:30:00Z",
        ),
        "arrive": (
            "S6",
            "running",
            "S6.urgent_arrive_hours",
            {"amount": 1, "unit": "hours", "seconds": 3600},
            "2026-09-30T03:00:00Z",  # 11:00 in Shanghai
        ),
        "solve": (
            "S10",
            "running",
            "S10.substitute_after_days",
            {"amount": 3, "unit": "days", "seconds": 259200},
            "2026-10-03T02:00:00Z",  # three calendar days, holidays or not
        ),
    }


@pytest.mark.parametrize(
    ("tier", "priority", "target", "due"),
    [
        # Wed 30 Sep 10:00 + 3 working days: Thu 8 Oct, Fri 9 Oct, Sat 10 Oct (make-up day) → 10:00.
        # Working time spanned: 8 h (30 Sep) + 9 h + 9 h + 1 h = 27 h.
        ("same_province", "serious", {"amount": 3, "unit": "working_days", "seconds": 97200}, "2026-10-10T02:00:00Z"),
        # + 7 working days: 8, 9, 10, 12, 13, 14, 15 Oct → Thu 15 Oct 10:00; 8 h + 6 × 9 h + 1 h = 63 h.
        ("remote", "serious", {"amount": 7, "unit": "working_days", "seconds": 226800}, "2026-10-15T02:00:00Z"),
        # Urgent but remote: the one-hour rule is for the service city only (S6).
        ("remote", "urgent", {"amount": 7, "unit": "working_days", "seconds": 226800}, "2026-10-15T02:00:00Z"),
    ],
)
def test_s6_c9_arrival_clock_by_region_tier(tier, priority, target, due, clients, tier_unit):
    unit = tier_unit(tier)

    response = register(clients["agent"], customer=unit.customer_id, serial=unit.serial, priority=priority)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["region_tier"] == tier
    assert clock_rows(body)["arrive"] == ("S6", "running", f"C9.tiers:{tier}", target, due)


def test_c9_same_city_tier_is_computed_from_the_regions_own_point(clients, tier_unit):
    unit = tier_unit("same_city")  # the region records "same_province": the point decides

    body = register(clients["agent"], customer=unit.customer_id, serial=unit.serial).json()

    assert (body["region_tier"], body["service_point"]) == ("same_city", "SP-KM")


def test_s6_urgent_out_of_warranty_in_the_city_uses_the_tier_days(clients, customer, old_unit):
    response = register(clients["agent"], customer=customer.pk, serial=old_unit.serial, priority="urgent")

    # Wed 30 Sep 10:00 + 1 working day → Thu 8 Oct 10:00 (8 h + 1 h of working time).
    assert clock_rows(response.json())["arrive"] == (
        "S6",
        "running",
        "C9.tiers:same_city",
        {"amount": 1, "unit": "working_days", "seconds": 32400},
        "2026-10-08T02:00:00Z",
    )


def test_s9_waiting_for_parts_pauses_nothing_and_parts_arrived_returns_to_work(clients, new_request):
    """S10: the substitute-equipment clock runs on while we wait for our own parts (fault 3)."""
    sr = new_request()
    n = sr.number
    clients["team_lead"].post(f"service-requests/{n}/dispatch", {"engineer": "eng1"})
    on_site = clients["engineer"].post(f"service-requests/{n}/arrive", {}).json()
    assert {c["kind"]: c["state"] for c in on_site["clocks"]} == {
        "respond": "stopped",
        "arrive": "stopped",
        "solve": "running",
    }
    due = {c["kind"]: c for c in on_site["clocks"]}["solve"]["due_at"]

    waiting = clients["engineer"].post(f"service-requests/{n}/wait-parts", {"reason": "轴承缺货", "version": 3})

    assert waiting.status_code == 200, waiting.content
    assert (waiting.json()["state"], waiting.json()["version"]) == ("waiting_parts", 4)
    solve = {c["kind"]: c for c in waiting.json()["clocks"]}["solve"]
    assert (solve["state"], solve["due_at"], solve["paused_seconds"]) == ("running", due, 0)

    resumed = clients["engineer"].post(f"service-requests/{n}/parts-arrived", {"version": 4})

    assert resumed.status_code == 200, resumed.content
    assert (resumed.json()["state"], resumed.json()["version"]) == ("on_site", 5)
    solve = {c["kind"]: c for c in resumed.json()["clocks"]}["solve"]
    assert [s["kind"] for s in solve["explanation"]["segments"]] == ["running"]
    assert (solve["state"], solve["due_at"], solve["paused_seconds"]) == ("running", due, 0)


def test_s13_parts_sent_to_the_depot_resume_the_clocks(clients, new_request, staff):
    sr = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=sr.number)
    services.service_request_wait_parts(actor=staff["engineer"], number=sr.number, reason="轴承缺货")

    response = clients["engineer"].post(f"service-requests/{sr.number}/to-depot", {"reason": "配件到返修中心"})

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "in_depot"  # not a paused state (choices.PAUSED_STATES)
    assert {c["kind"]: c["state"] for c in response.json()["clocks"]}["solve"] == "running"


# --- moves, versions, messages -----------------------------------------------------------------


def test_s11_invalid_transition_is_409_with_a_chinese_message(clients, new_request):
    sr = new_request()
    events = Event.objects.count()

    response = clients["cs_manager"].post(f"service-requests/{sr.number}/close", {})

    assert response.status_code == 409
    with translation.override("zh-hans"):
        message = translation.gettext("Cannot change the state from “%(current)s” to “%(target)s”.") % {
            "current": str(RequestState.REGISTERED.label),
            "target": str(RequestState.CLOSED.label),
        }
    assert response.json() == {"code": "invalid_transition", "message": message, "fields": {}}
    assert message.startswith("无法将状态从")
    sr.refresh_from_db()
    assert (sr.state, sr.version, Event.objects.count()) == ("registered", 1, events)


def test_s7_stale_version_is_409_and_changes_nothing(clients, new_request):
    sr = new_request()
    assert (
        clients["team_lead"]
        .post(f"service-requests/{sr.number}/dispatch", {"engineer": "eng1", "version": 1})
        .status_code
        == 200
    )
    events = Event.objects.count()

    response = clients["cs_manager"].post(f"service-requests/{sr.number}/dispatch", {"engineer": "eng2", "version": 1})

    assert response.status_code == 409
    assert response.json()["code"] == "version_conflict"
    sr.refresh_from_db()
    assert (sr.state, sr.version, sr.engineer.username, Event.objects.count()) == ("dispatched", 2, "eng1", events)


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("step", {"text": "清洁主轴"}),
        ("parts", {"part_code": "BRG-6205", "part_name": "主轴轴承", "quantity": 1, "unit_price": "85.50"}),
        ("request-approval", {"kind": "support", "reason": "需要技术部支持"}),
    ],
)
def test_s9_a_record_added_from_a_stale_page_is_409_and_adds_nothing(clients, new_request, action, body):
    sr = new_request()
    clients["team_lead"].post(f"service-requests/{sr.number}/dispatch", {"engineer": "eng1"})
    clients["engineer"].post(f"service-requests/{sr.number}/arrive", {})
    events = Event.objects.count()

    response = clients["engineer"].post(f"service-requests/{sr.number}/{action}", {**body, "version": 2})

    assert response.status_code == 409
    assert response.json()["code"] == "version_conflict"
    sr.refresh_from_db()
    assert (sr.version, sr.steps.count(), sr.parts.count(), Approval.objects.count()) == (3, 0, 0, 0)
    assert Event.objects.count() == events


def test_s7_dispatch_to_someone_who_is_not_an_engineer_is_422(clients, new_request):
    sr = new_request()

    response = clients["team_lead"].post(f"service-requests/{sr.number}/dispatch", {"engineer": "agent1"})

    assert response.status_code == 422
    message = zh("%(name)s is not an active engineer.") % {"name": "agent1"}
    assert response.json() == {"code": "validation_failed", "message": message, "fields": {"engineer": [message]}}
    sr.refresh_from_db()
    assert (sr.state, sr.version) == ("registered", 1)


def test_s1_s11_in_warranty_case_through_the_api(clients, new_request):
    sr = new_request()
    n = sr.number
    eng = clients["engineer"]

    assert (
        clients["team_lead"].post(f"service-requests/{n}/dispatch", {"engineer": "eng1", "version": 1}).status_code
        == 200
    )
    booked = eng.post(
        f"service-requests/{n}/book", {"visit_at": "2026-12-01T14:00:00+08:00", "confirmed_fault": "主轴轴承磨损"}
    ).json()
    assert (booked["state"], booked["visit_at"], booked["confirmed_fault"]) == (
        "booked",
        "2026-12-01T06:00:00Z",
        "主轴轴承磨损",
    )
    assert eng.post(f"service-requests/{n}/arrive", {"version": 3}).json()["state"] == "on_site"
    stepped = eng.post(f"service-requests/{n}/step", {"text": "清洁主轴，更换轴承"}).json()
    assert [(s["text"], s["author"]["username"]) for s in stepped["steps"]] == [("清洁主轴，更换轴承", "eng1")]
    parts = eng.post(
        f"service-requests/{n}/parts",
        {
            "part_code": "brg-6205",
            "part_name": "主轴轴承",
            "quantity": 2,
            "unit_price": "85.50",
            "return_required": True,
        },
    ).json()
    assert [
        (p["part_code"], p["part_name"], p["quantity"], p["unit_price"], p["return_required"]) for p in parts["parts"]
    ] == [("BRG-6205", "主轴轴承", 2, "85.50", True)]
    done = eng.post(
        f"service-requests/{n}/complete",
        {
            "resolution": "on_site",
            "work_summary": "更换主轴轴承，试机正常",
            "self_check_passed": True,
            "labour_minutes": 90,
        },
    ).json()
    assert (done["state"], done["resolution"], done["labour_minutes"], done["self_check_passed"]) == (
        "completed",
        "on_site",
        90,
        True,
    )
    signed = eng.post(f"service-requests/{n}/sign-off", {"signature": png_data_url(), "signed_by_name": "王工"}).json()
    assert (signed["state"], signed["signed"], signed["signed_by_name"]) == ("signed", True, "王工")
    closed = clients["cs_manager"].post(f"service-requests/{n}/close", {"note": "已归档", "version": signed["version"]})

    assert closed.status_code == 200, closed.content
    body = closed.json()
    assert (body["state"], body["open"], body["closed_by"]["username"], body["version"]) == (
        "closed",
        False,
        "boss1",
        9,
    )
    assert {c["kind"]: c["state"] for c in body["clocks"]} == {
        "respond": "stopped",
        "arrive": "stopped",
        "solve": "stopped",
    }
    assert events_of(sr) == [
        "servicerequest.registered",
        "servicerequest.dispatched",
        "servicerequest.booked",
        "servicerequest.on_site",
        "servicerequest.step",
        "servicerequest.part_used",
        "servicerequest.completed",
        "servicerequest.signed",
        "servicerequest.closed",
    ]


def test_s11_signature_must_be_a_png(clients, new_request, staff):
    sr = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=sr.number)
    services.service_request_complete(
        actor=staff["engineer"], number=sr.number, resolution="on_site", work_summary="好了", self_check_passed=True
    )

    response = clients["engineer"].post(
        f"service-requests/{sr.number}/sign-off",
        {"signature": "data:image/png;base64,aGVsbG8=", "signed_by_name": "王工"},
    )

    assert response.status_code == 422
    message = zh("The signature is not a valid image.")
    assert response.json() == {"code": "validation_failed", "message": message, "fields": {"signature": [message]}}
    sr.refresh_from_db()
    assert (sr.state, sr.version) == ("completed", 4)


def test_b1_paid_case_quote_accept_work_payment(clients, customer, old_unit, fee_standard, make_user, api_as):
    sr = register(clients["agent"], customer=customer.pk, serial=old_unit.serial, received_at=None).json()
    n = sr["number"]
    assert sr["charging_type"] == "A"
    clients["team_lead"].post(f"service-requests/{n}/dispatch", {"engineer": "eng1"})
    clients["engineer"].post(f"service-requests/{n}/arrive", {})
    refused = clients["engineer"].post(
        f"service-requests/{n}/complete",
        {"resolution": "on_site", "work_summary": "更换轴承", "self_check_passed": True},
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "quote_required")

    quoted = clients["engineer"].post(
        f"service-requests/{n}/quote",
        {
            "labour_hours": "1.50",
            "lines": [{"part_code": "BRG-6205", "description": "主轴轴承", "quantity": 1, "unit_price": "85.50"}],
            "note": "含上门费",
            "version": 3,
        },
    )

    assert quoted.status_code == 200, quoted.content
    body = quoted.json()
    quote = body["quote"]
    assert (body["state"], body["version"]) == ("quoted", 4)
    assert {c["kind"]: c["state"] for c in body["clocks"]}["solve"] == "running"  # S10 never pauses
    assert {k: quote[k] for k in ("state", "fee_standard", "labour_hours", "labour_amount")} == {
        "state": "offered",
        "fee_standard": 1,
        "labour_hours": "1.50",
        "labour_amount": "180.00",
    }
    assert (quote["callout_amount"], quote["parts_amount"], quote["total"]) == ("80.00", "85.50", "345.50")
    assert quote["lines"] == [
        {"part_code": "BRG-6205", "description": "主轴轴承", "quantity": 1, "unit_price": "85.50", "amount": "85.50"}
    ]

    portal = api_as(make_user("customer", username="portal1", customer_id=customer.pk))
    accepted = portal.post(
        f"service-requests/{n}/accept-quote",
        {"decided_by_name": "王工", "via": "portal", "agreed_price": "345.50", "payment_date": "2026-12-15"},
    )
    assert accepted.status_code == 200, accepted.content
    body = accepted.json()
    assert (body["state"], body["quote"]["state"], body["quote"]["decided_via"]) == ("on_site", "accepted", "portal")
    assert (body["quote"]["agreed_price"], body["quote"]["payment_date"]) == ("345.50", "2026-12-15")
    assert {c["kind"]: c["state"] for c in body["clocks"]}["solve"] == "running"

    done = clients["engineer"].post(
        f"service-requests/{n}/complete",
        {"resolution": "on_site", "work_summary": "更换轴承", "self_check_passed": True},
    )
    assert done.status_code == 200, done.content
    finance = api_as(make_user("finance", username="fin1"))
    paid = finance.post(
        f"service-requests/{n}/payment", {"state": "invoiced", "amount": "345.50", "invoice_number": "FP001"}
    )

    assert paid.status_code == 200, paid.content
    assert {k: paid.json()["quote"][k] for k in ("payment_state", "collected_amount", "invoice_number")} == {
        "payment_state": "invoiced",
        "collected_amount": "345.50",
        "invoice_number": "FP001",
    }
    again = finance.post(
        f"service-requests/{n}/payment", {"state": "invoiced", "amount": "345.50", "invoice_number": "FP002"}
    )
    assert (again.status_code, again.json()["code"]) == (409, "payment_already_recorded")


@pytest.mark.parametrize("amount", [345.5, "345.555", "-1.00", "abc"])
def test_b1_money_must_be_a_decimal_string(amount, clients, new_request, make_user, api_as):
    sr = new_request()
    finance = api_as(make_user("finance", username="fin1"))

    response = finance.post(f"service-requests/{sr.number}/payment", {"state": "collected", "amount": amount})

    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["amount"]


def test_b1_customer_declines_the_quote_and_the_request_ends(clients, customer, old_unit, fee_standard, staff):
    sr = register(clients["agent"], customer=customer.pk, serial=old_unit.serial, received_at=None).json()
    n = sr["number"]
    quotes.quote_offer(actor=staff["team_lead"], number=n, labour_hours=Decimal("1"), lines=[])

    response = clients["team_lead"].post(
        f"service-requests/{n}/decline-quote", {"reason": "价格太高", "decided_by_name": "王工", "via": "phone"}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["open"], body["end_reason"], body["quote"]["state"]) == (
        "declined",
        False,
        "价格太高",
        "declined",
    )
    assert {c["state"] for c in body["clocks"]} == {"stopped"}


# --- approvals and tasks (S8, S9, S10) ---------------------------------------------------------


def test_s9_leaving_unsolved_needs_an_approved_request(clients, new_request, staff):
    sr = new_request()
    n = sr.number
    services.service_request_dispatch(actor=staff["team_lead"], number=n, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=n)
    unsolved = {"resolution": "unsolved", "work_summary": "缺少专用工具", "self_check_passed": True}
    refused = clients["engineer"].post(f"service-requests/{n}/complete", unsolved)
    assert (refused.status_code, refused.json()["code"]) == (409, "unsolved_needs_permission")

    asked = clients["engineer"].post(
        f"service-requests/{n}/request-approval",
        {"kind": "leave_unsolved", "reason": "需返厂专用工具", "cost": "120.00"},
    )

    assert asked.status_code == 200, asked.content
    approval = Approval.objects.get()
    eng1 = User.objects.get(username="eng1")
    expected = {
        "id": approval.pk,
        "request": n,
        "kind": "leave_unsolved",
        "state": "pending",
        "reason": "需返厂专用工具",
        "cost": "120.00",
        "requested_by": user_ref(eng1),
        "decided_by": None,
        "decided_at": None,
        "decision_note": "",
        "created_at": ts(approval.created_at),
    }
    assert asked.json()["approvals"] == [expected]
    # the agent may not even see it (404); the engineer sees their own request but may not decide it
    assert clients["agent"].post(f"approvals/{approval.pk}/decide", {"decision": "approve"}).status_code == 404
    own = clients["engineer"].post(f"approvals/{approval.pk}/decide", {"decision": "approve"})
    assert (own.status_code, own.json()["code"]) == (403, "not_decider")

    decided = clients["team_lead"].post(f"approvals/{approval.pk}/decide", {"decision": "approve", "reason": "同意"})

    assert decided.status_code == 200, decided.content
    approval.refresh_from_db()
    body = decided.json()
    assert {k: body[k] for k in ("id", "kind", "subject_label", "rule", "amount", "note", "state")} == {
        "id": approval.pk,
        "kind": "leave_unsolved",
        "subject_label": n,
        "rule": "S9",
        "amount": "120.00",
        "note": "需返厂专用工具",
        "state": "approved",
    }
    assert (body["decided_by"], body["decided_at"], body["decision_note"]) == (
        user_ref(User.objects.get(username="lead1")),
        ts(approval.decided_at),
        "同意",
    )
    twice = clients["cs_manager"].post(f"approvals/{approval.pk}/decide", {"decision": "refuse"})
    assert (twice.status_code, twice.json()["code"]) == (409, "approval_already_decided")
    assert clients["team_lead"].post("approvals/999999/decide", {"decision": "approve"}).status_code == 404
    completed = clients["engineer"].post(f"service-requests/{n}/complete", unsolved)
    assert (completed.status_code, completed.json()["resolution"]) == (200, "unsolved")


def test_s10_lend_task_is_marked_done_once(clients, new_request):
    sr = new_request()
    task = services.task_raise(request=sr, kind=ServiceTask.Kind.LEND_SUBSTITUTE, rule="S10")
    assert clients["engineer2"].post(f"service-tasks/{task.pk}/done", {}).status_code == 403

    response = clients["team_lead"].post(f"service-tasks/{task.pk}/done", {"note": "已借出 BY-001"})

    assert response.status_code == 200, response.content
    task.refresh_from_db()
    assert response.json() == {
        "id": task.pk,
        "request": sr.number,
        "kind": "lend_substitute",
        "rule": "S10",
        "done_at": ts(task.done_at),
        "done_by": user_ref(User.objects.get(username="lead1")),
        "note": "已借出 BY-001",
        "created_at": ts(task.created_at),
    }
    twice = clients["cs_manager"].post(f"service-tasks/{task.pk}/done", {})
    assert (twice.status_code, twice.json()["code"]) == (409, "task_already_done")
    detail = clients["team_lead"].get(f"service-requests/{sr.number}").json()
    assert [t["note"] for t in detail["tasks"]] == ["已借出 BY-001"]


# --- lists, scope, the dispatch board (S7) -----------------------------------------------------


def test_s7_list_filters_and_pagination(clients, new_request, staff, customer):
    old = new_request(received_at=dt.datetime.fromisoformat(RECEIVED))  # its clocks are long overdue
    fresh = new_request(fault="控制面板黑屏")
    other_point = ServicePoint.objects.create(code="SP-BJ", name="北京办事处", region=customer.region)
    elsewhere = new_request(service_point_code="SP-BJ", model="XK-1", serial="")
    services.service_request_dispatch(actor=staff["team_lead"], number=fresh.number, engineer="eng1")
    lead = clients["team_lead"]

    def numbers(**params: Any) -> list[str]:
        response = lead.get("service-requests", **params)
        assert response.status_code == 200, response.content
        if "page_size" not in params:
            assert response.json()["count"] == len(response.json()["items"])
        return [item["number"] for item in response.json()["items"]]

    assert numbers() == [elsewhere.number, fresh.number, old.number]
    assert numbers(state="dispatched") == [fresh.number]
    assert numbers(engineer="eng1") == [fresh.number]
    assert numbers(service_point=other_point.code) == [elsewhere.number]
    assert numbers(overdue="true") == [old.number]
    assert numbers(q=fresh.number) == [fresh.number]
    assert numbers(page_size=1, page=2) == [fresh.number]
    assert lead.get("service-requests", page_size=1).json()["count"] == 3
    assert lead.get("service-requests", state="nonsense").status_code == 422
    # engineers see their own jobs only
    eng1 = clients["engineer"].get("service-requests").json()
    assert [i["number"] for i in eng1["items"]] == [fresh.number]
    assert clients["engineer2"].get("service-requests").json() == {"items": [], "count": 0, "count_exact": True}


def test_s7_engineers_and_portal_users_see_only_their_own(clients, new_request, staff, make_user, api_as):
    sr = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")
    stranger = api_as(make_user("customer", username="portal2", customer_id=CustomerFactory().pk))

    assert clients["engineer"].get(f"service-requests/{sr.number}").status_code == 200
    for client in (clients["engineer2"], stranger):
        response = client.get(f"service-requests/{sr.number}")
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "message": zh("Not found."), "fields": {}}
        assert client.get("service-requests").json() == {"items": [], "count": 0, "count_exact": True}
    assert clients["agent"].get("service-requests/FW000000000000").status_code == 404


def test_s7_dispatch_board_ranks_requests_and_engineers(clients, new_request, staff, customer):
    yesterday = new_request(priority="general", received_at=timezone.now() - dt.timedelta(days=2))
    services.service_requests_carry_over()  # S7: not dispatched by the end of its day
    general = new_request(priority="general")
    urgent = new_request(priority="urgent")
    dispatched = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=dispatched.number, engineer="eng1")

    response = clients["team_lead"].get("service-board")

    assert response.status_code == 200, response.content
    rows = response.json()
    # carried-over requests on top, then by priority (S7)
    assert [r["request"]["number"] for r in rows] == [yesterday.number, urgent.number, general.number]
    assert [r["carried_over"] for r in rows] == [True, False, False]
    rows = rows[1:]
    assert rows[0]["suggestions"] == [
        # eng1 works from the request's service point (score 0) but carries one open job (+10)
        {
            "username": "eng1",
            "display_name": "",
            "service_point": "SP-SH",
            "open_jobs": 1,
            "same_point": True,
            "score": 10,
        },
        {
            "username": "eng2",
            "display_name": "",
            "service_point": None,
            "open_jobs": 0,
            "same_point": False,
            "score": 200,
        },
    ]
    assert [c["kind"] for c in rows[0]["clocks"]] == ["respond", "arrive", "solve"]
    for role in ("agent", "engineer"):
        assert clients[role].get("service-board").status_code == 403


def test_s1_a_portal_user_gets_no_internal_notes_or_costs(clients, new_request, staff, customer, make_user, api_as):
    sr = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=sr.number)
    services.approval_request(
        actor=staff["engineer"], number=sr.number, kind="offsite", reason="去外地取配件", cost=Decimal("350.00")
    )
    portal = api_as(make_user("customer", username="portal9", customer_id=customer.pk))

    staff_body = clients["team_lead"].get(f"service-requests/{sr.number}").json()
    portal_body = portal.get(f"service-requests/{sr.number}").json()

    assert [a["cost"] for a in staff_body["approvals"]] == ["350.00"]
    assert portal_body["approvals"] == []
    assert portal_body["number"] == sr.number
