"""Q4: every KPI definition on hand-built cases, boundaries included."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from aftersales.reports.facts import attained, consumed_seconds, first_time_fix, labour_rate_at
from aftersales.reports.selectors import kpis, percentile
from tests.reports.conftest import add_part, at, make_request, stopped_clock

DUE = dt.datetime(2026, 11, 3, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("stopped", "due", "expected"),
    [
        (DUE, DUE, True),  # exactly at due: attained
        (DUE - dt.timedelta(seconds=1), DUE, True),
        (DUE + dt.timedelta(seconds=1), DUE, False),  # one second late
        (DUE + dt.timedelta(days=3), None, True),  # no deadline to miss
    ],
)
def test_sla_attained_at_or_before_due(stopped: dt.datetime, due: dt.datetime | None, expected: bool) -> None:
    assert attained(stopped, due) is expected


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([], 0.5, None),
        ([7], 0.5, 7),
        ([7], 0.9, 7),
        ([1, 2], 0.5, 1),  # nearest rank: ceil(0.5 × 2) = 1st
        ([3, 1, 2], 0.5, 2),
        ([1, 2, 3, 4], 0.5, 2),
        (list(range(1, 11)), 0.9, 9),  # ceil(0.9 × 10) = 9th
        (list(range(1, 12)), 0.9, 10),  # ceil(0.9 × 11) = 10th
        (list(range(1, 101)), 0.9, 90),
    ],
)
def test_percentile_is_nearest_rank(values: list[int], q: float, expected: int | None) -> None:
    assert percentile(values, q) == expected


@pytest.mark.parametrize(
    ("resolution", "visits", "repeated", "expected"),
    [
        ("on_site", {"servicerequest.on_site": 1}, False, True),
        ("remote", {}, False, True),  # solved on the phone: no visit needed
        ("board_swap", {"servicerequest.on_site": 1}, False, True),
        ("on_site", {"servicerequest.on_site": 2}, False, False),  # a second visit (or a reopen)
        ("on_site", {"servicerequest.on_site": 1, "servicerequest.waiting_parts": 1}, False, False),
        ("depot", {"servicerequest.on_site": 1, "servicerequest.in_depot": 1}, False, False),
        ("unsolved", {"servicerequest.on_site": 1}, False, False),
        ("on_site", {"servicerequest.on_site": 1}, True, False),  # an S15 repeat within the window
    ],
)
def test_first_time_fix(resolution: str, visits: dict[str, int], repeated: bool, expected: bool) -> None:
    assert first_time_fix(resolution, visits, repeated=repeated) is expected


def test_business_time_is_target_minus_margin() -> None:
    assert consumed_seconds(3600, 600) == 3000
    assert consumed_seconds(3600, -600) == 4200  # breached by ten minutes
    assert consumed_seconds(3600, None) is None


def test_labour_rate_in_force_at_completion() -> None:
    rates = [(DUE, Decimal("100")), (DUE + dt.timedelta(days=10), Decimal("120"))]
    assert labour_rate_at(rates, DUE - dt.timedelta(seconds=1)) == 0
    assert labour_rate_at(rates, DUE) == Decimal("100")  # approved at that very moment: in force
    assert labour_rate_at(rates, DUE + dt.timedelta(days=11)) == Decimal("120")


def _kpi(world: dict[str, Any], by: str = "service_point", day_from: str = "2026-11-01", day_to: str = "2026-11-30"):
    from aftersales.accounts.selectors import actor_for

    actor = actor_for(world["engineers"][0].__class__.objects.get(username="quality_r"))
    found = kpis(actor, date_from=dt.date.fromisoformat(day_from), date_to=dt.date.fromisoformat(day_to), by=by)
    return {k.key: k for k in found}


@pytest.fixture
def quality(make_user: Any) -> Any:
    return make_user("quality", username="quality_r")


def test_kpis_on_hand_built_requests(world: dict[str, Any], quality: Any) -> None:
    from aftersales.service.models import FeeStandard

    FeeStandard.objects.create(
        version=1, state="approved", labour_rate=Decimal("120"), created_by=world["agent"], approved_at=at("2026-10-01")
    )
    point_a, point_b = world["points"]
    # Response times 10, 20, 30, 40 minutes at point A: median 20 (nearest rank), p90 40.
    requests = []
    for i, minutes in enumerate([10, 20, 30, 40]):
        r = make_request(world, at("2026-11-02", 9, i))
        stopped_clock(r, "respond", due_at=at("2026-11-02", 12), stopped_at=at("2026-11-02", 11), consumed=minutes * 60)
        requests.append(r)
    # One completed at the first visit with 90 labour minutes and two parts: cost 180 + 2 × 50 = 280.
    first = requests[0]
    first.completed_at, first.resolution, first.labour_minutes = at("2026-11-03"), "on_site", 90
    first.save()
    add_part(world, first, "P-1", "主轴轴承", quantity=2, price="50")
    stopped_clock(first, "solve", due_at=at("2026-11-05"), stopped_at=at("2026-11-03"), consumed=120 * 60)
    # One completed in the depot: not a first-time fix, labour only 60 minutes = 120.
    second = requests[1]
    second.completed_at, second.resolution, second.labour_minutes = at("2026-11-04"), "depot", 60
    second.save()
    # SLA at point B: arrival clocks stopped exactly at due (attained) and one second late (breached).
    late = make_request(world, at("2026-11-02"), service_point=point_b)
    stopped_clock(late, "arrive", due_at=at("2026-11-02", 15), stopped_at=at("2026-11-02", 15))
    stopped_clock(late, "arrive", due_at=at("2026-11-02", 15), stopped_at=at("2026-11-02", 15, 0, 1))
    # A request received in October does not count in November; its clock stopped in November does.
    october = make_request(world, at("2026-10-31", 23, 59), service_point=point_b)
    stopped_clock(october, "respond", due_at=at("2026-11-01", 1), stopped_at=at("2026-11-01", 0, 30), consumed=60)

    found = _kpi(world)
    a, b = found[str(point_a.pk)], found[str(point_b.pk)]
    assert a.requests == 4
    assert (a.response_minutes_median, a.response_minutes_p90) == (20.0, 40.0)
    assert (a.resolution_minutes_median, a.resolution_minutes_p90) == (120.0, 120.0)
    assert a.first_time_fix_rate == 0.5
    assert a.repair_cost == 200.0  # (280 + 120) / 2 completed
    assert a.sla_attainment == {"respond": 1.0, "solve": 1.0}
    assert b.requests == 1
    assert b.sla_attainment == {"arrive": 0.5, "respond": 1.0}
    assert b.response_minutes_median is None  # the October request's response is October's figure
    # October alone: the one request, its response of one minute.
    october_kpis = _kpi(world, day_from="2026-10-01", day_to="2026-10-31")
    assert october_kpis[str(point_b.pk)].response_minutes_median == 1.0


def test_repeat_repair_is_not_a_first_time_fix(world: dict[str, Any], quality: Any) -> None:
    first = make_request(world, at("2026-11-02"), completed_at=at("2026-11-02", 15), resolution="remote")
    assert _kpi(world)[str(world["points"][0].pk)].first_time_fix_rate == 1.0
    make_request(world, at("2026-11-20"), repeat_of=first)  # S15 flagged the new one as a repeat
    assert _kpi(world)[str(world["points"][0].pk)].first_time_fix_rate == 0.0


def test_complaints_closed_on_time_and_satisfaction(world: dict[str, Any], quality: Any) -> None:
    from aftersales.complaints.models import Complaint
    from aftersales.followup.models import ServiceRating

    request = make_request(world, at("2026-11-02"), engineer=world["engineers"][0], completed_at=at("2026-11-02", 16))
    complaint = Complaint.objects.create(
        number="TS202611T001",
        customer=world["customer"],
        complaint_class="quality",
        channel="phone",
        description="漏油",
        received_at=at("2026-11-03"),
        registered_by=world["agent"],
        service_request=request,
    )
    stopped_clock(complaint, "close", due_at=at("2026-11-20"), stopped_at=at("2026-11-20"))  # exactly at due
    other = Complaint.objects.create(
        number="TS202611T002",
        customer=world["customer"],
        complaint_class="quality",
        channel="phone",
        description="漏油",
        received_at=at("2026-11-03"),
        registered_by=world["agent"],
        service_request=request,
    )
    stopped_clock(other, "close", due_at=at("2026-11-20"), stopped_at=at("2026-11-21"))
    ServiceRating.objects.create(
        request=request,
        customer=world["customer"],
        engineer=world["engineers"][0],
        channel="phone",
        attitude="very_satisfied",
        skill="satisfied",
        arrival_time="average",
        promises_kept="poor",
        recorded_by=world["agent"],
        created_at=at("2026-11-10"),
    )
    found = _kpi(world, by="engineer")[str(world["engineers"][0].pk)]
    assert found.complaints_closed_on_time == 0.5
    assert found.sla_attainment == {"close": 0.5}
    assert found.satisfaction == 0.5  # two of the four items satisfied or better
