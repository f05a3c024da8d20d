"""Issue 13, point 1: the home page is the user's work queues, counted, each linked to the list that
shows exactly its rows; each role sees only the queues it works. Point 3: the panel and the bell are
served alone for htmx to poll."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from aftersales.clocks.models import Clock
from aftersales.notifications.services import notify_users
from aftersales.service import services
from aftersales.service.models import ServiceRequest
from aftersales.web.queues import home_queues


def _png() -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _queues(actor: Any) -> dict[str, Any]:
    return {q.key: q for q in home_queues(actor)}


def _page(user: Any, url: str = "/") -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _numbers(html: str) -> set[str]:
    """The request numbers a list page links to."""
    return set(re.findall(r'href="/service/requests/(FW\d+)/"', html))


def _signed(staff: dict[str, Any], new_request: Any) -> ServiceRequest:
    request = new_request()
    engineer = staff["engineer"]
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    services.service_request_book(
        actor=engineer, number=request.number, visit_at=timezone.now() + dt.timedelta(hours=2)
    )
    services.service_request_arrive(actor=engineer, number=request.number)
    services.service_request_complete(
        actor=engineer,
        number=request.number,
        resolution="on_site",
        work_summary="更换主轴轴承，试机正常",
        self_check_passed=True,
        labour_minutes=90,
    )
    return services.service_request_sign_off(
        actor=engineer, number=request.number, signature=_png(), signed_by_name="王工"
    )


@pytest.fixture
def day(staff: dict[str, Any], new_request: Any) -> dict[str, Any]:
    """A working day: 2 new requests (1 urgent), 1 carried over, 2 jobs of eng1, 1 of eng2, 1 signed."""
    lead = staff["team_lead"]
    new = [new_request(priority="urgent"), new_request()]
    carried = new_request()
    ServiceRequest.objects.filter(pk=carried.pk).update(carried_over_on=timezone.localdate() - dt.timedelta(days=1))
    jobs = [new_request(), new_request()]
    for job in jobs:
        services.service_request_dispatch(actor=lead, number=job.number, engineer="eng1")
    other = new_request()
    services.service_request_dispatch(actor=lead, number=other.number, engineer="eng2")
    signed = _signed(staff, new_request)
    return {"new": new, "carried": carried, "jobs": jobs, "other": other, "signed": signed}


@pytest.mark.django_db
def test_the_team_lead_sees_dispatch_carried_over_countersign_and_approvals(staff, day):
    queues = _queues(staff["team_lead"])

    assert list(queues) == [
        "to_dispatch",
        "carried_over",
        "to_countersign",
        "approvals",
        "requests_overdue",
        "complaints_overdue",
        "complaints_to_contact",
        "followup_due",
        "callbacks_due",  # V2 (issue 15)
        "consultation_followups_due",  # C8 (issue 15)
    ]
    assert (queues["to_dispatch"].count, queues["to_dispatch"].tone) == (2, "danger")
    assert queues["to_dispatch"].hint == "1 件紧急"
    assert (queues["carried_over"].count, queues["carried_over"].tone) == (1, "danger")
    assert queues["to_countersign"].count == 1
    assert queues["requests_overdue"].count == 0
    assert "my_jobs" not in queues  # not an engineer


@pytest.mark.django_db
def test_each_queue_links_to_the_list_of_exactly_its_rows(staff, day):
    lead = staff["team_lead"].user
    queues = _queues(staff["team_lead"])

    board = _page(lead, queues["to_dispatch"].url)
    assert _numbers(board) == {r.number for r in [*day["new"], day["carried"]]}
    assert queues["to_dispatch"].count + queues["carried_over"].count == len(_numbers(board))
    countersign = _page(lead, queues["to_countersign"].url)
    assert _numbers(countersign) == {day["signed"].number}

    # one breached clock on one job: the overdue queue counts it once and its list shows it alone
    job = day["jobs"][0]
    Clock.objects.filter(subject_type="service.servicerequest", subject_id=str(job.pk), state="running").update(
        due_at=timezone.now() - dt.timedelta(minutes=5), warn_at=timezone.now() - dt.timedelta(minutes=30)
    )
    overdue = _queues(staff["team_lead"])["requests_overdue"]
    assert (overdue.count, overdue.tone) == (1, "danger")
    assert _numbers(_page(lead, overdue.url)) == {job.number}


@pytest.mark.django_db
def test_the_engineer_sees_their_own_jobs_with_their_clocks(staff, day):
    queues = _queues(staff["engineer"])

    assert list(queues) == ["my_jobs", "depot_to_receive", "my_requisitions", "old_parts_to_return"]
    assert queues["my_jobs"].count == 3  # two dispatched to them and the signed one (open until countersigned)
    assert _queues(staff["engineer2"])["my_jobs"].count == 1
    page = _page(staff["engineer"].user)
    assert 'href="/service/engineer/"' in page
    assert 'href="/service/board/"' not in page

    job = day["jobs"][0]
    Clock.objects.filter(subject_type="service.servicerequest", subject_id=str(job.pk), state="running").update(
        due_at=timezone.now() - dt.timedelta(minutes=5)
    )
    mine = _queues(staff["engineer"])["my_jobs"]
    assert (mine.tone, mine.hint) == ("danger", "1 件已超时")

    # a second job past its warning time, not yet due: at risk, counted once however many clocks warned;
    # a stopped clock past due counts for nothing
    warned = day["jobs"][1]
    clocks = Clock.objects.filter(subject_type="service.servicerequest", subject_id=str(warned.pk))
    stopped, *warning = clocks.filter(state="running").values_list("pk", flat=True)
    assert warning
    clocks.filter(pk__in=warning).update(
        warn_at=timezone.now() - dt.timedelta(minutes=5), due_at=timezone.now() + dt.timedelta(hours=1)
    )
    clocks.filter(pk=stopped).update(
        state="stopped", warn_at=timezone.now() - dt.timedelta(hours=2), due_at=timezone.now() - dt.timedelta(hours=1)
    )
    mine = _queues(staff["engineer"])["my_jobs"]
    assert (mine.tone, mine.hint) == ("danger", "1 件已超时 · 1 件即将超时")


@pytest.mark.django_db
def test_the_agent_sees_complaints_and_callbacks_not_dispatch(staff, day, customer):
    from aftersales.complaints.services import complaint_register

    complaint_register(
        actor=staff["agent"],
        customer_id=customer.pk,
        complaint_class="quality",
        channel="phone",
        description="设备外壳开裂",
    )

    queues = _queues(staff["agent"])

    assert list(queues) == ["complaints_to_contact", "followup_due", "callbacks_due", "consultation_followups_due"]
    assert queues["complaints_to_contact"].count == 1
    assert queues["complaints_to_contact"].url == "/complaints/?state=registered"
    page = _page(staff["agent"].user)
    assert page.index('id="home-queues"') < page.index('id="full-menu"')  # the queues come first


@pytest.mark.django_db
def test_the_manager_home_page_shows_the_countersign_count_and_polls(staff, day, settings):
    settings.AFTERSALES_LIVE_REFRESH_SECONDS = 12
    page = _page(staff["cs_manager"].user)

    card = re.search(r'data-queue="to_countersign".*?data-count="(\d+)"', page, re.S)
    assert card is not None
    assert card.group(1) == "1"
    assert 'hx-get="/queues/"' in page
    assert 'hx-trigger="every 12s"' in page
    assert 'hx-get="/notifications/bell/"' in page


@pytest.mark.django_db
def test_the_panel_and_the_bell_are_served_alone(staff, day, client):
    assert client.get("/queues/").status_code == 302  # anonymous: to the sign-in page
    assert client.get("/notifications/bell/").status_code == 302

    panel = _page(staff["team_lead"].user, "/queues/")
    assert panel.lstrip().startswith('<section id="home-queues"')
    assert "<nav" not in panel

    lead = staff["team_lead"].user
    unread = lead.notifications.filter(read_at__isnull=True).count()  # the urgent request, the signed job
    notify_users(users=[lead], title="测试")
    bell = _page(lead, "/notifications/bell/")
    assert f'id="notification-unread">{unread + 1}<' in bell


@pytest.mark.django_db
def test_the_dispatch_board_polls_its_waiting_list(staff, day, settings):
    settings.AFTERSALES_LIVE_REFRESH_SECONDS = 7
    page = _page(staff["team_lead"].user, "/service/board/")

    assert re.search(
        r'id="board-live" data-live hx-get="/service/board/" hx-trigger="every 7s" hx-select="#board-live"', page
    )


@pytest.mark.django_db
def test_the_queues_cost_a_fixed_number_of_queries_whatever_the_rows(staff, day, new_request):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            home_queues(staff["team_lead"])
        return len(captured)

    before = queries()
    for _ in range(3):
        new_request(priority="urgent")

    assert queries() == before  # one COUNT per figure, no query per row
    assert before <= 14
