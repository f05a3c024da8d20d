"""Rules that run by themselves: S7 day-end carry-over, S10 substitute equipment, S14 monthly hand-in, S15 repeats."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from aftersales.clocks.sweep import clock_sweep
from aftersales.core.errors import Conflict, PermissionDenied
from aftersales.core.models import Event
from aftersales.notifications.models import Notification
from aftersales.service import events, services
from aftersales.service.models import RepairOrderHandIn, ServiceRequest, ServiceTask
from aftersales.service.services import rules

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def complete(staff: dict[str, Any], request: ServiceRequest) -> ServiceRequest:
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=request.number)
    return services.service_request_complete(
        actor=staff["engineer"],
        number=request.number,
        resolution="on_site",
        work_summary="更换轴承",
        self_check_passed=True,
        labour_minutes=60,
    )


# --- S10: not solved within 3 calendar days → one task to lend substitute equipment ----------


def test_s10_unsolved_after_three_days_raises_exactly_one_lend_task(staff, new_request):
    """The engineer is on site (response and arrival clocks stopped) but the fault is not solved."""
    request = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=request.number)
    start = request.received_at
    clock_sweep(start + dt.timedelta(days=3) - dt.timedelta(minutes=1))
    assert not ServiceTask.objects.filter(request=request).exists()
    clock_sweep(start + dt.timedelta(days=3, minutes=1))
    clock_sweep(start + dt.timedelta(days=3, minutes=2))  # a second sweep (or process) changes nothing
    clock_sweep(start + dt.timedelta(days=5))
    tasks = list(ServiceTask.objects.filter(request=request).values_list("kind", "rule", "done_at"))
    assert tasks == [("lend_substitute", "S10", None)]
    raised = Event.objects.filter(subject_id=str(request.pk), action=events.TASK_RAISED)
    assert [e.data for e in raised] == [{"task": "lend_substitute"}]


def test_s10_solved_within_three_days_raises_no_task(staff, new_request):
    request = new_request()
    complete(staff, request)
    clock_sweep(request.received_at + dt.timedelta(days=4))
    assert not ServiceTask.objects.filter(request=request).exists()


# --- S15: repeat faults on a unit are flagged --------------------------------------------------


def test_s15_same_unit_same_symptom_within_window_is_flagged(staff, new_request):
    first = complete(staff, new_request(symptom="主轴异响"))
    again = new_request(symptom="主轴异响")
    assert again.repeat_of_id == first.pk
    flagged = Event.objects.get(subject_id=str(again.pk), action=events.REQUEST_REPEAT)
    assert flagged.data == {"repeat_of": first.number, "symptom": "主轴异响", "window_days": 90}
    assert flagged.rule == "S15"


def test_s15_other_symptom_or_outside_window_is_not_flagged(staff, new_request):
    first = complete(staff, new_request(symptom="主轴异响"))
    other = new_request(symptom="漏油")
    assert other.repeat_of_id is None
    ServiceRequest.objects.filter(pk=first.pk).update(completed_at=timezone.now() - dt.timedelta(days=91))
    late = new_request(symptom="主轴异响")
    assert late.repeat_of_id is None
    assert not Event.objects.filter(action=events.REQUEST_REPEAT).exists()


def test_s15_open_previous_request_is_not_a_repeat(staff, new_request):
    new_request(symptom="主轴异响")  # registered, never completed
    assert new_request(symptom="主轴异响").repeat_of_id is None


# --- S7: day-end carry-over, scheduled daily at 00:05 ------------------------------------------


def test_s7_carry_over_moves_yesterdays_undispatched_requests_once(staff, new_request):
    yesterday = timezone.now() - dt.timedelta(days=1)
    waiting = new_request(received_at=yesterday)
    dispatched = new_request(received_at=yesterday)
    services.service_request_dispatch(actor=staff["team_lead"], number=dispatched.number, engineer="eng1")
    today_request = new_request()
    assert rules.service_requests_carry_over() == 1
    assert rules.service_requests_carry_over() == 0  # idempotent within the day
    today = timezone.localdate()
    assert ServiceRequest.objects.get(pk=waiting.pk).carried_over_on == today
    assert ServiceRequest.objects.get(pk=dispatched.pk).carried_over_on is None
    assert ServiceRequest.objects.get(pk=today_request.pk).carried_over_on is None
    from aftersales.service.selectors import dispatch_board

    board = dispatch_board(staff["team_lead"])
    assert [r.number for r in board] == [waiting.number, today_request.number]  # carried over on top


def test_s7_s14_daily_jobs_are_scheduled_in_local_time():
    from aftersales.core.periodic import next_run_after

    jobs = settings.AFTERSALES_PERIODIC_JOBS
    assert jobs["aftersales.service.tasks.carry_over_task"] == "5 0 * * *"
    assert jobs["aftersales.service.tasks.handins_overdue_task"] == "10 0 * * *"
    after = dt.datetime(2026, 11, 23, 18, 0, tzinfo=SHANGHAI)
    assert next_run_after("5 0 * * *", after) == dt.datetime(2026, 11, 24, 0, 5, tzinfo=SHANGHAI)
    assert next_run_after("5 0 * * *", dt.datetime(2026, 11, 24, 0, 5, tzinfo=SHANGHAI)) == dt.datetime(
        2026, 11, 25, 0, 5, tzinfo=SHANGHAI
    )
    assert next_run_after(60, after) == after + dt.timedelta(minutes=1)


def test_s7_carry_over_task_runs_the_service(staff, new_request):
    from aftersales.service.tasks import carry_over_task

    new_request(received_at=timezone.now() - dt.timedelta(days=1))
    assert carry_over_task.call() == {"carried_over": 1}


# --- S14: repair points hand in their repair orders monthly, by the 25th -----------------------


@pytest.fixture
def repair_points(city: Any) -> dict[str, Any]:
    from aftersales.accounts.models import ServicePoint

    return {
        "north": ServicePoint.objects.create(code="RP-N", name="北区维修点", region=city, kind="repair_point"),
        "south": ServicePoint.objects.create(code="RP-S", name="南区维修点", region=city, kind="repair_point"),
    }


def test_s14_plan_creates_one_handin_per_repair_point_idempotently(repair_points):
    created = rules.handin_plan(period="2026-02")
    assert sorted((h.service_point.code, h.period, h.due_on) for h in created) == [
        ("RP-N", "2026-02", dt.date(2026, 2, 25)),
        ("RP-S", "2026-02", dt.date(2026, 2, 25)),
    ]  # the office SP-SH of the city fixture is not a repair point
    assert rules.handin_plan(period="2026-02") == []
    assert RepairOrderHandIn.objects.count() == 2


def test_s14_submit_counts_the_points_requests_completed_that_month(
    staff, new_request, repair_points, make_user, actor_of
):
    period = rules.period_of(timezone.localdate())
    done = complete(staff, new_request(service_point_code="RP-N"))
    last_month = complete(staff, new_request(service_point_code="RP-N"))
    ServiceRequest.objects.filter(pk=last_month.pk).update(completed_at=timezone.now() - dt.timedelta(days=40))
    complete(staff, new_request(service_point_code="RP-S"))  # another point
    new_request(service_point_code="RP-N")  # not completed
    assert done.completed_at is not None

    north_engineer = actor_of(make_user("engineer", username="eng_n", service_point_id=repair_points["north"].pk))
    south_engineer = actor_of(make_user("engineer", username="eng_s", service_point_id=repair_points["south"].pk))
    with pytest.raises(PermissionDenied):
        rules.handin_submit(actor=south_engineer, service_point_code="RP-N", period=period)
    handin = rules.handin_submit(actor=north_engineer, service_point_code="rp-n", period=period)
    assert (handin.order_count, handin.handed_in_by_id, handin.period) == (1, north_engineer.pk, period)
    event = Event.objects.get(action=events.HANDIN_SUBMITTED)
    assert (event.data["point"], event.data["orders"], event.rule) == ("RP-N", 1, "S14")
    with pytest.raises(Conflict):
        rules.handin_submit(actor=north_engineer, service_point_code="RP-N", period=period)
    assert RepairOrderHandIn.objects.get(pk=handin.pk).order_count == 1
    assert Event.objects.filter(action=events.HANDIN_SUBMITTED).count() == 1


def test_s14_overdue_handins_notify_the_heads_of_after_sales_once(staff, repair_points):
    on_the_26th = dt.datetime(2026, 12, 26, 9, 0, tzinfo=SHANGHAI)
    on_the_25th = dt.datetime(2026, 12, 25, 9, 0, tzinfo=SHANGHAI)
    assert rules.handins_overdue_notify(now=on_the_25th) == []  # due today: not late yet
    rules.handin_submit(actor=staff["team_lead"], service_point_code="RP-S", period="2026-12")
    reported = rules.handins_overdue_notify(now=on_the_26th)
    assert [(h.service_point.code, h.period) for h in reported] == [("RP-N", "2026-12")]
    notes = list(Notification.objects.values_list("user__username", "rule"))
    assert notes == [("boss1", "S14")]  # the cs_manager, once
    assert "RP-N" in Notification.objects.get().body
    assert rules.handins_overdue_notify(now=on_the_26th + dt.timedelta(days=1)) == []
    assert Notification.objects.count() == 1


def test_s14_overdue_task_runs_the_service(staff, repair_points):
    from aftersales.service.tasks import handins_overdue_task

    result = handins_overdue_task.call()
    assert set(result) == {"overdue_reported"}


def test_s14_handins_page_lists_and_submits_once(staff, repair_points):
    from django.test import Client

    rules.handin_plan(period="2026-02")
    client = Client()
    client.force_login(staff["team_lead"].user)
    url = reverse("service:handins")

    page = client.get(url).content.decode()
    assert page.count('data-period="2026-02"') == 2
    assert "北区维修点" in page

    response = client.post(url, {"service_point": "RP-N", "period": "2026-02"})
    assert response.status_code == 302
    handin = RepairOrderHandIn.objects.get(service_point__code="RP-N", period="2026-02")
    assert handin.handed_in_at is not None
    events = Event.objects.count()

    again = client.post(url, {"service_point": "RP-N", "period": "2026-02"})
    assert again.status_code == 409
    assert "已上交" in again.content.decode()
    assert Event.objects.count() == events


def test_s14_handins_page_is_closed_to_roles_without_service_work(make_user):
    from django.test import Client

    client = Client()
    client.force_login(make_user("finance", username="fin1"))
    assert client.get(reverse("service:handins")).status_code == 403
