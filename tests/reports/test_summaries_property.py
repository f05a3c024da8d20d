"""Q1/Q4: after any sequence of changes to requests, parts and clocks, the maintained facts and day
counts equal a full recount from the base tables (Hypothesis)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.reports.maintain import summaries_rebuild, summaries_recount, summaries_stored
from tests.reports.conftest import add_part, at, make_request, stopped_clock

DAYS = ["2026-10-31", "2026-11-01", "2026-11-15", "2026-11-30"]
PARTS = [("P-1", "主轴轴承"), ("p-1 ", "主轴轴承"), ("P-2", "液压泵"), ("P-3", "伺服驱动器")]

operations = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.integers(0, 3), st.integers(0, 1)),
        st.tuples(st.just("product"), st.integers(0, 20), st.integers(0, 1)),
        st.tuples(st.just("symptom"), st.integers(0, 20), st.integers(0, 2)),
        st.tuples(st.just("engineer"), st.integers(0, 20), st.integers(0, 2)),
        st.tuples(st.just("point"), st.integers(0, 20), st.integers(0, 1)),
        st.tuples(st.just("moved"), st.integers(0, 20), st.integers(0, 3)),
        st.tuples(st.just("part"), st.integers(0, 20), st.integers(0, 3)),
        st.tuples(st.just("unpart"), st.integers(0, 20), st.integers(0, 3)),
        st.tuples(st.just("clock"), st.integers(0, 20), st.integers(0, 2)),
        st.tuples(st.just("complete"), st.integers(0, 20), st.integers(0, 1)),
        st.tuples(st.just("delete"), st.integers(0, 20), st.integers(0, 0)),
        st.tuples(st.just("open"), st.integers(0, 20), st.integers(0, 1)),
        st.tuples(st.just("complaint"), st.integers(0, 20), st.integers(0, 2)),
        st.tuples(st.just("relink"), st.integers(0, 20), st.integers(0, 2)),
    ),
    min_size=1,
    max_size=25,
)


def _apply(world: dict[str, Any], op: tuple[str, int, int]) -> None:
    from aftersales.service.models import PartUsed, ServiceRequest

    name, target, choice = op
    if name == "relink":  # a complaint's service request changes: its clocks count for the new one
        from aftersales.complaints.models import Complaint

        complaints = list(Complaint.objects.order_by("pk"))
        if complaints:
            complaint = complaints[target % len(complaints)]
            requests = list(ServiceRequest.objects.order_by("pk"))
            complaint.service_request = requests[choice % len(requests)] if requests and choice else None
            complaint.save()
        return
    if name == "create":
        make_request(world, at(DAYS[target], 23 if choice else 1), unit=world["units"][choice])
        return
    requests = list(ServiceRequest.objects.order_by("pk"))
    if not requests:
        return
    request = requests[target % len(requests)]
    if name == "product":
        request.unit = world["units"][choice]
    elif name == "symptom":
        request.symptom_code = None if choice == 2 else world["symptoms"][choice]
    elif name == "engineer":
        request.engineer = None if choice == 2 else world["engineers"][choice]
    elif name == "point":
        request.service_point = world["points"][choice]
    elif name == "moved":
        request.received_at = at(DAYS[choice], 12)
    elif name == "part":
        add_part(world, request, *PARTS[choice], price="10")
        return
    elif name == "unpart":
        PartUsed.objects.filter(request=request, part_code=PARTS[choice][0]).delete()
        return
    elif name == "clock":
        kind = ["respond", "arrive", "solve"][choice]
        stopped_clock(request, kind, due_at=at("2026-11-15"), stopped_at=at(DAYS[choice]), consumed=600)
        return
    elif name == "complete":
        request.completed_at = at("2026-11-20") if choice else None
        request.resolution = "on_site" if choice else ""
        request.labour_minutes = 30
    elif name == "open":
        request.open = bool(choice)
    elif name == "complaint":  # a complaint about this request (or none) with a close clock stopped on a day
        from aftersales.complaints.models import Complaint

        complaint = Complaint.objects.create(
            number=f"TS2026P{Complaint.objects.count() + 1:05d}",
            customer=request.customer,
            complaint_class="quality",
            channel="phone",
            description="漏油",
            received_at=at("2026-11-01"),
            registered_by=world["agent"],
            service_request=request if choice else None,
        )
        stopped_clock(complaint, "close", due_at=at("2026-11-15"), stopped_at=at(DAYS[choice + 1]))
        return
    elif name == "delete":
        from aftersales.clocks.models import Clock
        from aftersales.complaints.models import Complaint

        for complaint in Complaint.objects.filter(service_request=request):  # protected: unlinked first
            complaint.service_request = None
            complaint.save()

        Clock.objects.filter(subject_type="service.servicerequest", subject_id=str(request.pk)).delete()
        request.delete()
        return
    request.save()


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_maintained_summaries_equal_a_full_recount(world: dict[str, Any], ops: list[tuple[str, int, int]]) -> None:
    from aftersales.clocks.models import Clock
    from aftersales.complaints.models import Complaint
    from aftersales.service.models import ServiceRequest

    Clock.objects.all().delete()
    Complaint.objects.all().delete()
    ServiceRequest.objects.all().delete()
    for op in ops:
        _apply(world, op)
    counts, facts, clocks, groups = summaries_recount()
    stored_counts, stored_facts, stored_clocks, stored_groups = summaries_stored()
    assert set(stored_counts.items()) ^ set(counts.items()) == set()
    assert stored_facts == facts
    assert stored_clocks == clocks
    assert stored_groups == groups


def test_rebuild_equals_the_maintained_summaries(world: dict[str, Any]) -> None:
    first = make_request(world, at("2026-11-01"))
    add_part(world, first, "P-1", "主轴轴承")
    make_request(world, at("2026-11-02"), engineer=world["engineers"][0])
    stopped_clock(first, "respond", due_at=at("2026-11-01", 12), stopped_at=at("2026-11-01", 11))
    first.completed_at, first.resolution, first.labour_minutes = at("2026-11-03"), "on_site", 30
    first.save()
    add_part(world, first, "P-2", "液压泵", price="12.34")
    before = summaries_stored()
    assert summaries_rebuild() == {"requests": 2, "clocks": 1, "day_counts": 16}
    assert summaries_stored() == before  # the SQL recount of the group counts equals the maintained ones
    assert before[0][("part", dt.date(2026, 11, 1), "P-1")] == 1
    point = str(world["points"][0].pk)
    assert before[3][("service_point", dt.date(2026, 11, 1), point, "done")] == (1, 1, 1234)
    assert before[3][("all", dt.date(2026, 11, 1), "", "clock:respond")] == (1, 1, 0)


def test_rebuild_command_and_check(world: dict[str, Any]) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from aftersales.reports.models import DayCount

    make_request(world, at("2026-11-01"))
    out = StringIO()
    call_command("reports_rebuild", "--check", stdout=out)
    assert "match" in out.getvalue()
    DayCount.objects.filter(dim="channel").update(count=5)  # a change that bypassed the maintenance
    with pytest.raises(CommandError, match="day counts: 1 differ"):
        call_command("reports_rebuild", "--check")
    call_command("reports_rebuild", stdout=StringIO())
    call_command("reports_rebuild", "--check", stdout=StringIO())
