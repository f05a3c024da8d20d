"""Deadlines of one service request never contradict each other (S6, S7, S8, S10, C9, X2).

Issue 13 point 5 and faults 3, 4 and 10: the response is never due after the arrival (the 24-hour
emergency line applies to both), the S10 clock is the substitute-equipment deadline and never
pauses, consulting/software/training requests have none, an off-site check-in needs an approved
off-site trip, and dispatch is recorded as the hand-over it is, not as an escalation.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.accounts.models import Region, ServicePoint
from aftersales.calendars.services import IntervalData, calendar_create
from aftersales.clocks.choices import ClockKind
from aftersales.clocks.models import Clock, ClockSegment
from aftersales.core.errors import Conflict
from aftersales.core.models import Event
from aftersales.policies.services import policy_set
from aftersales.service import services
from aftersales.service.models import ServiceRequest
from aftersales.service.services import quotes
from tests.installed_base.factories import CustomerFactory, UnitFactory

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
TIERS = ("same_city", "same_province", "remote")
PRIORITIES = ("urgent", "serious", "general")
# CN (office hours Mon–Fri 09:00–18:00, holidays and make-up days), 7×24, and a service point's own
# calendar on CN with a lunch break and Saturday mornings.
CALENDARS = ("CN", "24x7", "SP-LUNCH")
LUNCH_SAT = (
    [IntervalData(d, dt.time(9), dt.time(12)) for d in range(5)]
    + [IntervalData(d, dt.time(13), dt.time(18)) for d in range(5)]
    + [IntervalData(5, dt.time(9), dt.time(12))]
)


def clocks_of(request: ServiceRequest) -> dict[str, Clock]:
    return {c.kind: c for c in Clock.objects.filter(subject_type="service.servicerequest", subject_id=str(request.pk))}


@pytest.fixture
def world(staff: dict[str, Any], make_user: Any, actor_of: Any) -> dict[str, Any]:
    """A customer per region tier with a unit in and out of warranty; a service point per calendar."""
    admin = actor_of(make_user("admin", username="cal_admin"))
    calendar_create(actor=admin, code="SP-LUNCH", name="午休服务站", base_code="CN", intervals=LUNCH_SAT)
    units: dict[tuple[str, bool], Any] = {}
    home = Region.objects.get(code="SH")
    # C9 tiers follow the serving point (all points below are in SH): its city, its province, elsewhere.
    regions = {
        "same_city": home,
        "same_province": Region.objects.create(code="T-PROV", name="同省城市", province=home.province),
        "remote": Region.objects.create(code="T-REMOTE", name="外省城市", province="外省"),
    }
    for tier in TIERS:
        region = regions[tier]
        customer = CustomerFactory(region=region)
        # In warranty from 2024-12-15 to 2026-12-15: over every received time drawn below.
        units[tier, True] = UnitFactory(customer=customer, acceptance_date=dt.date(2024, 12, 15))
        units[tier, False] = UnitFactory(customer=customer, acceptance_date=dt.date(2019, 3, 1))
    from aftersales.calendars.models import WorkCalendar

    for code in CALENDARS:
        ServicePoint.objects.create(
            code=f"P-{code.upper()}", name=code, region=home, calendar=WorkCalendar.objects.get(code=code)
        )
    return {"units": units, "actor": staff["team_lead"]}  # a team lead may enter any time received (S1)


def register(world: dict[str, Any], *, priority: str, tier: str, in_warranty: bool, calendar: str, received: Any):
    unit = world["units"][tier, in_warranty]
    return services.service_request_create(
        actor=world["actor"],
        customer_id=unit.customer_id,
        serial=unit.serial,
        channel="phone",
        priority=priority,
        fault="设备无法使用",
        received_at=received,
        service_point_code=f"P-{calendar.upper()}",
    )


# Received times from 2025 to November 2026 (the statutory data covers 2025–2026), biased towards the
# awkward ones: late at night, weekends, the eves of and days inside Spring Festival and National Day.
FIRST = dt.datetime(2025, 1, 1, tzinfo=TZ)
minutes = st.integers(0, int((dt.datetime(2026, 11, 30, tzinfo=TZ) - FIRST).total_seconds() // 60))
any_time = minutes.map(lambda m: FIRST + dt.timedelta(minutes=m))
awkward_days = st.sampled_from(
    [
        dt.date(2025, 1, 27),  # Monday before Spring Festival 2025 (28 Jan – 4 Feb off)
        dt.date(2025, 1, 31),  # inside it
        dt.date(2025, 2, 8),  # a make-up Saturday
        dt.date(2025, 9, 30),  # eve of National Day
        dt.date(2025, 10, 4),  # inside it
        dt.date(2026, 2, 14),  # Saturday, the start of Spring Festival 2026
        dt.date(2026, 9, 30),
        dt.date(2026, 10, 3),
        dt.date(2026, 10, 10),  # make-up Saturday after National Day 2026
        dt.date(2026, 11, 7),  # a plain Saturday
        dt.date(2026, 11, 8),  # a plain Sunday
        dt.date(2026, 11, 13),  # a plain Friday
    ]
)
awkward_hours = st.sampled_from([dt.time(0, 5), dt.time(8, 59), dt.time(11, 50), dt.time(17, 45), dt.time(22, 0)])
awkward_time = st.builds(lambda d, t: dt.datetime.combine(d, t, tzinfo=TZ), awkward_days, awkward_hours)


@settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    priority=st.sampled_from(PRIORITIES),
    tier=st.sampled_from(TIERS),
    in_warranty=st.booleans(),
    calendar=st.sampled_from(CALENDARS),
    received=st.one_of(any_time, awkward_time),
)
def test_s6_respond_is_never_due_after_arrive_whatever_the_priority_tier_calendar_and_time(
    world, priority, tier, in_warranty, calendar, received
):
    request = register(
        world, priority=priority, tier=tier, in_warranty=in_warranty, calendar=calendar, received=received
    )

    clocks = clocks_of(request)
    respond, arrive, substitute = clocks["respond"], clocks["arrive"], clocks["solve"]
    assert respond.due_at is not None
    assert arrive.due_at is not None
    assert received <= respond.due_at <= arrive.due_at, (respond.calendar_code, respond.due_at, arrive.due_at)
    # No solution target is set by policy: the only other clock is S10's, the substitute-equipment
    # deadline, in calendar days from receipt whatever the calendar.
    assert set(clocks) == {"respond", "arrive", "solve"}
    assert (substitute.rule, substitute.target_unit) == ("S10", "days")
    assert substitute.due_at == received + dt.timedelta(days=3)
    # The 24-hour line is one rule for both clocks: both around the clock, or both on the calendar.
    assert request.in_warranty is in_warranty
    emergency = priority == "urgent" and in_warranty and tier == "same_city"
    assert (arrive.target_unit == "hours") is emergency
    assert respond.calendar_code == ("24x7" if emergency else calendar)
    assert arrive.calendar_code == calendar


def test_s6_urgent_saturday_night_in_the_city_is_answered_and_attended_the_same_night(world):
    """The case users met: received Saturday 22:00 the arrival was due 23:00 but the response Monday 09:30."""
    received = dt.datetime(2026, 11, 7, 22, 0, tzinfo=TZ)

    request = register(world, priority="urgent", tier="same_city", in_warranty=True, calendar="CN", received=received)

    clocks = clocks_of(request)
    assert clocks["respond"].due_at == dt.datetime(2026, 11, 7, 22, 30, tzinfo=TZ)
    assert clocks["arrive"].due_at == dt.datetime(2026, 11, 7, 23, 0, tzinfo=TZ)
    assert (clocks["respond"].calendar_code, clocks["respond"].policy_key) == ("24x7", "S6.respond_minutes")


def test_s6_a_general_request_on_saturday_night_waits_for_office_hours_for_both(world):
    received = dt.datetime(2026, 11, 7, 22, 0, tzinfo=TZ)

    request = register(world, priority="general", tier="same_city", in_warranty=True, calendar="CN", received=received)

    clocks = clocks_of(request)
    assert clocks["respond"].due_at == dt.datetime(2026, 11, 9, 9, 30, tzinfo=TZ)  # Monday 09:30
    assert clocks["respond"].due_at <= clocks["arrive"].due_at


def test_s10_clock_is_labelled_as_the_substitute_equipment_deadline(world):
    """Issue 13: an urgent remote request showed arrival due 12-16 and "solution" due 12-10."""
    received = dt.datetime(2026, 11, 6, 10, 0, tzinfo=TZ)
    request = register(world, priority="urgent", tier="remote", in_warranty=True, calendar="CN", received=received)
    clocks = clocks_of(request)
    assert clocks["solve"].due_at < clocks["arrive"].due_at  # lend a substitute by then, whether or not on site

    with translation.override("zh-hans"):
        assert clocks["solve"].get_kind_display() == "备用机"
        assert str(ClockKind.SOLVE.label) == "备用机"
    with translation.override("en"):
        assert clocks["solve"].get_kind_display() == "Substitute equipment"


def test_s10_clock_label_on_the_request_page(world, client, staff):
    received = dt.datetime(2026, 11, 6, 10, 0, tzinfo=TZ)
    request = register(world, priority="urgent", tier="remote", in_warranty=True, calendar="CN", received=received)
    client.force_login(staff["team_lead"].user)

    response = client.get(request.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    page = response.content.decode()
    assert "备用机" in page
    assert "解决 ·" not in page


# --- fault 3: S10 -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["consulting", "software", "training"])
def test_s10_consulting_software_and_training_requests_have_no_substitute_clock(kind, new_request):
    request = new_request(kind=kind)

    assert "solve" not in clocks_of(request)
    assert set(clocks_of(request)) == {"respond"}


@pytest.mark.parametrize("kind", ["repair", "installation", "quality_feedback"])
def test_s10_other_kinds_keep_their_substitute_clock(kind, new_request):
    assert "solve" in clocks_of(new_request(kind=kind))


def _on_site(staff: dict[str, Any], request: ServiceRequest) -> None:
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=request.number)


@pytest.mark.parametrize("pauses", [False, True])
def test_s10_waiting_for_parts_never_pauses_the_substitute_clock(pauses, staff, new_request, make_user, actor_of):
    """Fault 3: the 3 days are for exactly this wait. Even with S9.parts_wait_pauses on."""
    if pauses:
        policy_set(actor=actor_of(make_user("admin", username="pol_admin")), key="S9.parts_wait_pauses", value=True)
    request = new_request()
    _on_site(staff, request)
    due_before = clocks_of(request)["solve"].due_at

    services.service_request_wait_parts(actor=staff["engineer"], number=request.number, reason="轴承缺货")

    substitute = clocks_of(request)["solve"]
    assert (substitute.state, substitute.due_at) == ("running", due_before)
    assert not ClockSegment.objects.filter(clock=substitute, kind="paused").exists()
    assert not Event.objects.filter(action="clock.paused").exists()
    services.service_request_parts_arrived(actor=staff["engineer"], number=request.number)
    assert clocks_of(request)["solve"].state == "running"


def test_parts_wait_policy_is_off_by_default_and_validated(staff, make_user, actor_of):
    from aftersales.core.errors import ValidationFailed
    from aftersales.policies.selectors import policy_get

    assert policy_get("S9.parts_wait_pauses").value is False
    admin = actor_of(make_user("admin", username="pol_admin2"))
    with pytest.raises(ValidationFailed):
        policy_set(actor=admin, key="S9.parts_wait_pauses", value="yes")


def test_waiting_for_the_customer_pauses_response_and_arrival_but_not_the_substitute_clock(
    staff, new_request, old_unit, fee_drafter
):
    """B1: a quotation offered before anyone is on site: the customer's wait pauses S6, never S10."""
    standard = quotes.fee_standard_create(actor=fee_drafter, labour_rate=Decimal("200.00"), callout_fee=Decimal("100"))
    quotes.fee_standard_approve(actor=staff["cs_manager"], version=standard.version)
    request = new_request(serial=old_unit.serial)
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")

    quotes.quote_offer(
        actor=staff["engineer"],
        number=request.number,
        labour_hours=Decimal("1"),
        lines=[{"part_code": "", "description": "检测", "quantity": 1, "unit_price": Decimal("10")}],
    )

    states = {k: c.state for k, c in clocks_of(request).items()}
    assert states == {"respond": "paused", "arrive": "paused", "solve": "running"}


# --- fault 4: S8 off-site arrival ------------------------------------------------------------------


@pytest.fixture
def offsite_request(staff: dict[str, Any]) -> ServiceRequest:
    """A customer in 苏州 served by the 上海 service point (eng1 works from 上海)."""
    suzhou = Region.objects.create(code="SZ", name="苏州", province="江苏", tier="same_province")
    customer = CustomerFactory(region=suzhou)
    unit = UnitFactory(customer=customer, acceptance_date=dt.date(2025, 1, 10))
    request = services.service_request_create(
        actor=staff["agent"],
        customer_id=customer.pk,
        serial=unit.serial,
        channel="phone",
        fault="主轴异响",
        service_point_code="SP-SH",
    )
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    return ServiceRequest.objects.get(pk=request.pk)


def test_s8_off_site_arrival_without_an_approved_trip_is_refused_and_changes_nothing(staff, offsite_request):
    version = offsite_request.version
    with translation.override("zh-hans"), pytest.raises(Conflict) as caught:
        services.service_request_arrive(actor=staff["engineer"], number=offsite_request.number)

    assert caught.value.code == "offsite_not_approved"
    assert "苏州" in str(caught.value.message)
    assert "上海" in str(caught.value.message)
    assert "异地" in str(caught.value.message) or "批准" in str(caught.value.message)
    request = ServiceRequest.objects.get(pk=offsite_request.pk)
    assert (request.state, request.version, request.arrived_at) == ("dispatched", version, None)
    assert clocks_of(request)["arrive"].state == "running"


def test_s8_off_site_arrival_api_answers_409_with_a_typed_body(staff, offsite_request, api_as):
    engineer = api_as(staff["engineer"].user)

    response = engineer.post(f"service-requests/{offsite_request.number}/arrive", {})

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "offsite_not_approved"
    assert "苏州" in body["message"]


def test_s8_a_pending_or_refused_trip_is_not_enough_an_approved_one_is(staff, offsite_request):
    number = offsite_request.number
    first = services.approval_request(actor=staff["engineer"], number=number, kind="offsite", reason="去苏州")
    with pytest.raises(Conflict):
        services.service_request_arrive(actor=staff["engineer"], number=number)  # pending
    services.approval_decide(actor=staff["cs_manager"], approval_id=first.pk, approve=False, note="先电话排查")
    with pytest.raises(Conflict):
        services.service_request_arrive(actor=staff["engineer"], number=number)  # refused
    second = services.approval_request(actor=staff["engineer"], number=number, kind="offsite", reason="电话无法解决")
    services.approval_decide(actor=staff["cs_manager"], approval_id=second.pk, approve=True)

    arrived = services.service_request_arrive(actor=staff["engineer"], number=number)

    assert arrived.state == "on_site"
    assert clocks_of(arrived)["arrive"].state == "stopped"


def test_s8_a_support_approval_does_not_count_as_an_off_site_trip(staff, offsite_request):
    number = offsite_request.number
    support = services.approval_request(actor=staff["engineer"], number=number, kind="support", reason="需要技术支持")
    services.approval_decide(actor=staff["cs_manager"], approval_id=support.pk, approve=True)

    with pytest.raises(Conflict) as caught:
        services.service_request_arrive(actor=staff["engineer"], number=number)
    assert caught.value.code == "offsite_not_approved"


def test_s8_arrival_in_the_engineers_own_city_needs_no_approval(staff, new_request):
    request = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")

    assert services.service_request_arrive(actor=staff["engineer"], number=request.number).state == "on_site"


# --- fault 10: dispatch is not an escalation --------------------------------------------------------


def test_dispatch_records_the_clock_hand_over_not_an_escalation_reassignment(staff, new_request):
    request = new_request()

    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")

    assert not Event.objects.filter(action="clock.reassigned").exists()
    handed = Event.objects.filter(action="clock.owner_set")
    assert handed.count() == 3
    assert {e.data["owner"][1] for e in handed} == {"eng1"}
    from aftersales.core.events import ACTION_LABELS

    with translation.override("zh-hans"):
        label = str(ACTION_LABELS["clock.owner_set"])
    assert "升级" not in label
    assert label == "指派时钟负责人"
