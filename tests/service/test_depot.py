"""S13: depot repair — pickup receipt, in/out register in order, repair report, the unit's location."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.models import Event
from aftersales.service import events, selectors, services
from aftersales.service.models import DepotJob, DepotMovement, PartUsed, ServiceRequest
from aftersales.service.services import depot

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_depot(staff: dict[str, Any], new_request: Any) -> ServiceRequest:
    """A request whose unit the engineer took to the depot (state in_depot, unit with the engineer)."""
    request = new_request(fault="控制板烧毁，无法开机")
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    return services.service_request_to_depot(actor=staff["engineer"], number=request.number, reason="现场无法修复")


def moves(job: DepotJob) -> list[str]:
    return list(DepotMovement.objects.filter(job=job).order_by("at", "id").values_list("move", flat=True))


def depot_events(request: ServiceRequest) -> list[str]:
    return list(
        Event.objects.filter(subject_type="service.servicerequest", subject_id=str(request.pk))
        .filter(action__startswith="depotjob.")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_s13_depot_flow_receipt_register_report_return(staff, in_depot):
    engineer = staff["engineer"]
    assert in_depot.unit_location == "in_transit"
    job = depot.depot_receive(actor=engineer, number=in_depot.number, accessories="电源线一根", condition="外壳有划痕")
    assert re.fullmatch(r"SJ\d{8}0001", job.receipt_number)
    assert re.fullmatch(r"WK\d{8}0001", job.tag_number)
    assert job.receipt_number[2:10] == job.tag_number[2:10] == in_depot.number[2:10]
    assert moves(job) == ["picked_up", "received"]
    assert ServiceRequest.objects.get(pk=in_depot.pk).unit_location == "depot"

    depot.depot_move(actor=engineer, tag_number=job.tag_number, move="on_bench", note="上检测台")
    report = depot.depot_report(
        actor=engineer,
        tag_number=job.tag_number,
        report="更换主控板电源模块，老化测试 4 小时正常",
        labour_minutes=180,
        parts=[{"part_code": "pwr-24v", "part_name": "电源模块", "quantity": 1, "unit_price": "320.00"}],
    )
    assert (report.report, report.labour_minutes) == ("更换主控板电源模块，老化测试 4 小时正常", 180)
    part = PartUsed.objects.get(request=in_depot)
    assert (part.part_code, part.part_name, part.quantity, part.unit_price) == (
        "PWR-24V",
        "电源模块",
        1,
        Decimal("320.00"),
    )
    depot.depot_move(actor=engineer, tag_number=job.tag_number, move="repaired")
    assert ServiceRequest.objects.get(pk=in_depot.pk).unit_location == "depot"
    depot.depot_move(actor=engineer, tag_number=job.tag_number, move="returned", note="客户签收")

    job.refresh_from_db()
    assert moves(job) == ["picked_up", "received", "on_bench", "repaired", "returned"]
    assert job.returned_at is not None
    assert ServiceRequest.objects.get(pk=in_depot.pk).unit_location == "customer"
    assert (
        depot_events(in_depot)
        == [events.DEPOT_MOVED, events.DEPOT_MOVED, events.DEPOT_REPORTED] + [events.DEPOT_MOVED] * 2
    )
    rows = selectors.depot_register(engineer)
    assert [(r.job.tag_number, r.last_move, r.next_move, r.location) for r in rows] == [
        (job.tag_number, "returned", None, "customer")
    ]


def test_s13_move_out_of_order_is_refused_and_nothing_changes(staff, in_depot):
    job = depot.depot_receive(actor=staff["engineer"], number=in_depot.number)
    before = ServiceRequest.objects.get(pk=in_depot.pk)
    event_count = Event.objects.count()
    for wrong in ("repaired", "returned", "received", "picked_up"):
        with pytest.raises(Conflict) as info:
            depot.depot_move(actor=staff["engineer"], tag_number=job.tag_number, move=wrong)
        assert info.value.code == "invalid_transition"
    after = ServiceRequest.objects.get(pk=in_depot.pk)
    assert (after.version, after.unit_location) == (before.version, "depot")
    assert moves(job) == ["picked_up", "received"]
    assert Event.objects.count() == event_count
    with pytest.raises(ValidationFailed):
        depot.depot_move(actor=staff["engineer"], tag_number=job.tag_number, move="teleported")


def test_s13_receive_only_in_depot_state_and_only_once(staff, new_request, in_depot):
    registered = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=registered.number, engineer="eng1")
    with pytest.raises(Conflict):  # dispatched, not sent to the depot
        depot.depot_receive(actor=staff["engineer"], number=registered.number)
    assert not DepotJob.objects.filter(request=registered).exists()
    depot.depot_receive(actor=staff["engineer"], number=in_depot.number)
    with pytest.raises(Conflict):
        depot.depot_receive(actor=staff["engineer"], number=in_depot.number)
    assert DepotJob.objects.filter(request=in_depot).count() == 1


def test_s13_permissions_and_scope(staff, make_user, actor_of, in_depot):
    with pytest.raises(PermissionDenied):
        depot.depot_receive(actor=staff["agent"], number=in_depot.number)
    with pytest.raises(NotFound):  # another engineer does not see this job at all
        depot.depot_receive(actor=staff["engineer2"], number=in_depot.number)
    assert not DepotJob.objects.exists()
    warehouse = actor_of(make_user("warehouse", username="store1"))
    job = depot.depot_receive(actor=warehouse, number=in_depot.number)  # the depot keeper receives it
    with pytest.raises(NotFound):
        depot.depot_move(actor=staff["engineer2"], tag_number=job.tag_number, move="on_bench")
    assert moves(job) == ["picked_up", "received"]


def test_s13_report_validation_and_closed_after_return(staff, in_depot):
    engineer = staff["engineer"]
    job = depot.depot_receive(actor=engineer, number=in_depot.number)
    with pytest.raises(ValidationFailed):
        depot.depot_report(actor=engineer, tag_number=job.tag_number, report=" ", labour_minutes=30)
    with pytest.raises(ValidationFailed):
        depot.depot_report(
            actor=engineer,
            tag_number=job.tag_number,
            report="修复",
            labour_minutes=30,
            parts=[{"part_code": "X1", "part_name": "保险丝", "quantity": 0}],
        )
    assert not PartUsed.objects.exists()
    assert DepotJob.objects.get(pk=job.pk).report == ""
    for move in ("on_bench", "repaired"):
        depot.depot_move(actor=engineer, tag_number=job.tag_number, move=move)
    depot.depot_report(actor=engineer, tag_number=job.tag_number, report="更换保险丝", labour_minutes=20)
    depot.depot_move(actor=engineer, tag_number=job.tag_number, move="returned")
    with pytest.raises(Conflict):
        depot.depot_report(actor=engineer, tag_number=job.tag_number, report="补记", labour_minutes=10)
    with pytest.raises(Conflict):  # nothing follows "returned"
        depot.depot_move(actor=engineer, tag_number=job.tag_number, move="returned")


# --- the depot page ----------------------------------------------------------------------------


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_s13_depot_page_receive_move_and_refusal(staff, in_depot):
    client = client_for(staff["engineer"].user)
    page = client.get(reverse("service:depot_register"))
    assert page.status_code == 200
    assert in_depot.number in page.content.decode()

    response = client.post(
        reverse("service:depot_receive"), {"number": in_depot.number, "accessories": "遥控器", "condition": "完好"}
    )
    assert response.status_code == 302
    job = DepotJob.objects.get(request=in_depot)
    assert job.accessories == "遥控器"
    page = client.get(reverse("service:depot_register")).content.decode()
    assert job.tag_number in page
    assert reverse("service:depot_receipt_pdf", args=[job.receipt_number]) in page
    assert reverse("service:depot_tag_pdf", args=[job.tag_number]) in page

    # Out of order: 409, the message on the page, nothing written.
    version = ServiceRequest.objects.get(pk=in_depot.pk).version
    refused = client.post(reverse("service:depot_move", args=[job.tag_number]), {"move": "returned"})
    assert refused.status_code == 409
    assert 'id="depot-error"' in refused.content.decode()
    assert moves(job) == ["picked_up", "received"]
    assert ServiceRequest.objects.get(pk=in_depot.pk).version == version

    assert client.post(reverse("service:depot_move", args=[job.tag_number]), {"move": "on_bench"}).status_code == 302
    reported = client.post(
        reverse("service:depot_report", args=[job.tag_number]),
        {
            "report": "更换电源模块",
            "labour_minutes": "95",
            "part_code": ["PWR-24V", ""],
            "part_name": ["电源模块", ""],
            "quantity": ["1", ""],
            "unit_price": ["320", ""],
        },
    )
    assert reported.status_code == 302
    assert DepotJob.objects.get(pk=job.pk).labour_minutes == 95
    assert PartUsed.objects.filter(request=in_depot).count() == 1
    assert moves(job) == ["picked_up", "received", "on_bench"]


def test_s13_depot_page_needs_the_depot_permission(staff, in_depot):
    agent = client_for(staff["agent"].user)
    assert agent.get(reverse("service:depot_register")).status_code == 403
    assert agent.post(reverse("service:depot_receive"), {"number": in_depot.number}).status_code == 403
    assert not DepotJob.objects.exists()
    assert Client().get(reverse("service:depot_register")).status_code == 302


# --- fault 1 (issue 13): no return without the repair report; a returned unit is not "waiting" ----


def test_s13_return_without_the_repair_report_is_refused_and_the_report_can_still_be_written(staff, in_depot):
    engineer = staff["engineer"]
    job = depot.depot_receive(actor=engineer, number=in_depot.number)
    for move in ("on_bench", "repaired"):
        depot.depot_move(actor=engineer, tag_number=job.tag_number, move=move)
    event_count = Event.objects.count()

    with pytest.raises(Conflict) as info:
        depot.depot_move(actor=engineer, tag_number=job.tag_number, move="returned")

    assert info.value.code == "repair_report_required"
    job.refresh_from_db()
    assert (job.returned_at, moves(job)[-1], Event.objects.count()) == (None, "repaired", event_count)
    assert ServiceRequest.objects.get(pk=in_depot.pk).unit_location == "depot"
    depot.depot_report(actor=engineer, tag_number=job.tag_number, report="更换主板", labour_minutes=60)
    depot.depot_move(actor=engineer, tag_number=job.tag_number, move="returned")
    job.refresh_from_db()
    assert (job.report, job.returned_at is not None) == ("更换主板", True)


def test_s13_depot_page_says_the_report_is_missing_and_refuses_the_return(staff, in_depot):
    engineer = staff["engineer"]
    job = depot.depot_receive(actor=engineer, number=in_depot.number)
    for move in ("on_bench", "repaired"):
        depot.depot_move(actor=engineer, tag_number=job.tag_number, move=move)
    client = client_for(engineer.user)
    assert "report-missing" in client.get(reverse("service:depot_register")).content.decode()

    refused = client.post(reverse("service:depot_move", args=[job.tag_number]), {"move": "returned"})

    assert refused.status_code == 409
    assert "维修报表" in refused.content.decode() or "repair report" in refused.content.decode()
    assert DepotJob.objects.get(pk=job.pk).returned_at is None


def test_s13_a_returned_unit_is_not_listed_as_sent_but_not_received(staff, in_depot):
    engineer = staff["engineer"]
    assert [r.pk for r in selectors.depot_waiting_requests(engineer)] == [in_depot.pk]
    job = depot.depot_receive(actor=engineer, number=in_depot.number)
    assert list(selectors.depot_waiting_requests(engineer)) == []
    for move in ("on_bench", "repaired"):
        depot.depot_move(actor=engineer, tag_number=job.tag_number, move=move)
    depot.depot_report(actor=engineer, tag_number=job.tag_number, report="更换主板", labour_minutes=60)
    depot.depot_move(actor=engineer, tag_number=job.tag_number, move="returned")

    assert ServiceRequest.objects.get(pk=in_depot.pk).state == "in_depot"  # until it is completed
    assert list(selectors.depot_waiting_requests(engineer)) == []
    page = client_for(engineer.user).get(reverse("service:depot_register")).content.decode()
    waiting = page.split('id="depot-waiting"')[1].split("</table>")[0]
    assert in_depot.number not in waiting
