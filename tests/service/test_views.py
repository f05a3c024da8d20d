"""Service case pages (S1–S16): intake, list, dispatch board, request page, engineer screen.

Each page through the Django test client: who may open it, what it shows, what its forms do,
and on every refused action that nothing changed.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from aftersales.approvals.models import Approval
from aftersales.service import services
from aftersales.service.models import ServiceRequest, ServiceTask

INTAKE = reverse("service:request_create")
LIST = reverse("service:request_list")
BOARD = reverse("service:board")
JOBS = reverse("service:engineer_jobs")


def _png() -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _client(actor: Any) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


@pytest.fixture
def as_role(staff: dict[str, Any]) -> Any:
    return lambda role: _client(staff[role])


def _detail(number: str) -> str:
    return reverse("service:request_detail", args=[number])


def _job(number: str) -> str:
    return reverse("service:engineer_job", args=[number])


def _field_errors(html: str, field: str) -> list[str]:
    return [unescape(m) for m in re.findall(rf'data-field-error="{re.escape(field)}">([^<]*)<', html)]


def _intake_data(customer: Any, unit: Any, **kwargs: Any) -> dict[str, Any]:
    data = {
        "customer": customer.pk,
        "unit": unit.serial if unit else "",
        "model": "",
        "channel": "phone",
        "priority": "serious",
        "kind": "repair",
        "symptom": "主轴异响",
        "fault": "主轴异响，无法加工",
        "contact_name": "李工",
        "phone": "13800138000",
        "address": "上海市闵行区申富路 88 号",
        "received_at": "",
    }
    data.update(kwargs)
    return data


# --- access ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_open_for_their_roles(as_role, new_request):
    sr = new_request()
    assert as_role("agent").get(INTAKE).status_code == 200
    assert as_role("agent").get(LIST).status_code == 200
    assert as_role("agent").get(_detail(sr.number)).status_code == 200
    assert as_role("team_lead").get(BOARD).status_code == 200
    assert as_role("cs_manager").get(_detail(sr.number)).status_code == 200
    assert as_role("engineer").get(JOBS).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "url"),
    [("engineer", INTAKE), ("agent", BOARD), ("engineer", BOARD), ("agent", JOBS), ("team_lead", JOBS)],
)
def test_pages_are_403_without_their_permission(as_role, role, url):
    assert as_role(role).get(url).status_code == 403


@pytest.mark.django_db
def test_pages_send_anonymous_visitors_to_the_login(new_request):
    sr = new_request()
    for url in (INTAKE, LIST, BOARD, JOBS, _detail(sr.number), _job(sr.number)):
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


@pytest.mark.django_db
def test_request_of_another_engineer_is_404(staff, as_role, new_request):
    sr = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")
    assert as_role("engineer2").get(_detail(sr.number)).status_code == 404
    assert as_role("engineer2").get(_job(sr.number)).status_code == 404
    assert as_role("engineer").get(_job(sr.number)).status_code == 200
    assert as_role("agent").get(_detail("FW000000009999")).status_code == 404


@pytest.mark.django_db
def test_menu_shows_the_service_entries_by_permission(as_role):
    agent = as_role("agent").get(LIST).content.decode()
    assert "服务登记" in agent
    assert "服务单" in agent
    assert "派工看板" not in agent
    assert "我的工单" not in agent
    lead = as_role("team_lead").get(LIST).content.decode()
    assert "派工看板" in lead
    assert "我的工单" not in lead
    engineer = as_role("engineer").get(JOBS).content.decode()
    assert "我的工单" in engineer
    assert "服务登记" not in engineer


# --- intake (S1–S5) --------------------------------------------------------------------------


@pytest.mark.django_db
def test_s1_intake_finds_the_caller_by_phone_in_any_format_or_name(staff, as_role, city):
    from aftersales.customers.services import customer_create

    caller = customer_create(actor=staff["agent"], name="华东精密机械有限公司", phone="021-64005678", region_id=city.pk)
    client = as_role("agent")
    for query in ("+86 21 6400 5678", "64005678", "精密机械"):
        html = client.get(INTAKE, {"q": query}).content.decode()
        assert f"{INTAKE}?customer={caller.pk}" in html, query


@pytest.mark.django_db
def test_s1_intake_prefills_the_customer_and_lists_units_with_their_charging_type(as_role, customer, unit):
    html = as_role("agent").get(INTAKE, {"customer": customer.pk}).content.decode()
    assert f'data-unit="{unit.serial}"' in html
    assert 'value="021-64001234"' in html  # phone prefilled from the file
    assert "上海市闵行区申富路 88 号" in html
    assert f'<option value="{unit.serial}" selected>' in html  # the only unit is chosen


@pytest.mark.django_db
def test_s1_s4_intake_registers_and_shows_number_charging_basis_and_clocks(as_role, customer, unit):
    response = as_role("agent").post(f"{INTAKE}?customer={customer.pk}", _intake_data(customer, unit))
    sr = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail(sr.number)
    assert (sr.state, sr.charging_type, sr.priority, sr.unit_id, sr.phone) == (
        "registered",
        "C",
        "serious",
        unit.pk,
        "13800138000",
    )
    html = as_role("agent").get(response["Location"]).content.decode()
    assert sr.number in html
    assert 'data-charging="C"' in html
    assert sr.charging_basis
    assert sr.charging_basis in html
    assert html.count("data-clock=") == 3
    assert 'data-state="registered"' in html


@pytest.mark.django_db
def test_s1_intake_back_registration_keeps_the_received_time(as_role, customer, unit):
    as_role("agent").post(INTAKE, _intake_data(customer, unit, received_at="2026-01-05T09:30"))
    received = timezone.localtime(ServiceRequest.objects.get().received_at)
    assert (received.date(), received.hour, received.minute) == (dt.date(2026, 1, 5), 9, 30)


@pytest.mark.django_db
def test_s1_intake_errors_are_shown_in_chinese_next_to_the_field_and_nothing_is_created(as_role, customer, unit):
    response = as_role("agent").post(INTAKE, _intake_data(customer, unit, fault=""))
    html = response.content.decode()
    assert response.status_code == 422
    assert _field_errors(html, "fault") == ["这个字段是必填项。"]
    assert ServiceRequest.objects.count() == 0


@pytest.mark.django_db
def test_s1_intake_without_unit_or_model_names_the_unit_field_and_creates_nothing(as_role, customer, unit):
    response = as_role("agent").post(INTAKE, _intake_data(customer, None))
    assert response.status_code == 422
    with translation.override("zh-hans"):
        expected = str(translation.gettext("Give the unit's serial number, or its model when it is not registered."))
    assert _field_errors(response.content.decode(), "unit") == [expected]
    assert ServiceRequest.objects.count() == 0


@pytest.mark.django_db
def test_s1_intake_refuses_a_received_time_in_the_future_next_to_the_field(as_role, customer, unit):
    future = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = as_role("agent").post(INTAKE, _intake_data(customer, unit, received_at=future))
    assert response.status_code == 422
    with translation.override("zh-hans"):
        expected = translation.gettext("The time received cannot be in the future.")
    assert _field_errors(response.content.decode(), "received_at") == [expected]
    assert ServiceRequest.objects.count() == 0


@pytest.mark.django_db
def test_s1_intake_with_a_typed_model_registers_a_paid_request(as_role, customer):
    response = as_role("agent").post(INTAKE, _intake_data(customer, None, model="XK-7132"))
    sr = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert (sr.unit_id, sr.model_text, sr.charging_type) == (None, "XK-7132", "A")


# --- list ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_filters_by_state_and_engineer(staff, as_role, new_request):
    first = new_request()
    second = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=second.number, engineer="eng1")
    client = as_role("agent")
    html = client.get(LIST).content.decode()
    assert first.number in html
    assert second.number in html
    html = client.get(LIST, {"state": "dispatched"}).content.decode()
    assert second.number in html
    assert first.number not in html
    html = client.get(LIST, {"engineer": "eng2"}).content.decode()
    assert second.number not in html
    assert first.number not in html
    html = client.get(LIST, {"overdue": "on"}).content.decode()  # every clock is still on time
    assert second.number not in html
    assert first.number not in html
    html = client.get(LIST, {"q": first.number}).content.decode()
    assert first.number in html
    assert second.number not in html


# --- dispatch board (S7) ---------------------------------------------------------------------


@pytest.mark.django_db
def test_s7_board_suggests_the_engineer_of_the_service_point_and_dispatches(staff, as_role, new_request):
    sr = new_request()
    client = as_role("team_lead")
    html = client.get(BOARD).content.decode()
    options = re.findall(r'<option value="(eng\d)"( selected)?>([^<]*)</option>', html)
    assert [value for value, _selected, _label in options] == ["eng1", "eng2"]
    assert "同服务网点" in options[0][2]
    # the clearly best engineer is preselected, with the reason on demand
    assert [value for value, selected, _label in options if selected] == ["eng1"]
    assert 'class="best-reason' in html
    response = client.post(
        BOARD, {"action": "dispatch", "number": sr.number, "version": sr.version, "engineer": "eng1"}
    )
    assert response.status_code == 302
    sr.refresh_from_db()
    assert (sr.state, sr.engineer.username) == ("dispatched", "eng1")
    assert f'data-number="{sr.number}"' not in client.get(BOARD).content.decode()


@pytest.mark.django_db
def test_s7_board_puts_carried_over_requests_on_top_with_a_badge(as_role, new_request):
    later = new_request()
    carried = new_request(received_at=timezone.now() - dt.timedelta(days=1))
    ServiceRequest.objects.filter(pk=carried.pk).update(carried_over_on=timezone.localdate())
    html = as_role("team_lead").get(BOARD).content.decode()
    assert html.index(f'data-number="{carried.number}"') < html.index(f'data-number="{later.number}"')
    assert html.count("carried-over") == 1


@pytest.mark.django_db
def test_s7_board_dispatch_to_a_non_engineer_shows_the_error_and_changes_nothing(as_role, new_request):
    sr = new_request()
    response = as_role("team_lead").post(
        BOARD, {"action": "dispatch", "number": sr.number, "version": sr.version, "engineer": "agent1"}
    )
    assert response.status_code == 422
    assert _field_errors(response.content.decode(), "engineer")
    sr.refresh_from_db()
    assert (sr.state, sr.engineer_id) == ("registered", None)


@pytest.mark.django_db
def test_s8_board_lists_pending_approvals_and_approves(staff, as_role, new_request):
    sr = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")
    approval = services.approval_request(actor=staff["engineer"], number=sr.number, kind="offsite", reason="去苏州")
    client = as_role("team_lead")
    assert f'data-approval="{approval.pk}"' in client.get(BOARD).content.decode()
    response = client.post(BOARD, {"action": "approve", "approval": approval.pk, "note": "同意"})
    assert response.status_code == 302
    approval.refresh_from_db()
    assert (approval.state, approval.decision_note) == ("approved", "同意")
    again = client.post(BOARD, {"action": "refuse", "approval": approval.pk})
    assert again.status_code == 409
    approval.refresh_from_db()
    assert approval.state == "approved"


@pytest.mark.django_db
def test_s10_board_lists_open_tasks_and_marks_them_done(as_role, new_request):
    sr = new_request()
    task = ServiceTask.objects.create(request=sr, kind=ServiceTask.Kind.LEND_SUBSTITUTE, rule="S10")
    client = as_role("team_lead")
    assert f'data-task="{task.pk}"' in client.get(BOARD).content.decode()
    assert client.post(BOARD, {"action": "task_done", "task": task.pk, "note": "借出 BY-001"}).status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None
    assert task.note == "借出 BY-001"


# --- request page ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_request_page_shows_actions_by_role(as_role, new_request):
    sr = new_request()
    lead = as_role("team_lead").get(_detail(sr.number)).content.decode()
    assert 'id="action-dispatch"' in lead
    assert 'id="action-cancel"' in lead
    assert 'id="action-charging"' in lead
    assert 'id="action-close"' not in lead  # nothing to countersign yet
    agent = as_role("agent").get(_detail(sr.number)).content.decode()
    assert 'id="action-dispatch"' not in agent
    assert 'id="action-charging"' not in agent
    assert 'id="action-cancel"' in agent
    assert 'id="action-desk_customer_unavailable"' in agent  # 客户暂不方便 (0024)
    # every action form carries the request's version
    assert len(re.findall(r'<form method="post" class="action-form"', lead)) == 4
    assert sorted(re.findall(rf'name="(\w+)-version" value="{sr.version}"', lead)) == [
        "cancel",
        "charging",
        "desk_customer_unavailable",
        "dispatch",
    ]


@pytest.mark.django_db
def test_version_conflict_gives_a_clear_message_and_does_not_overwrite(staff, as_role, new_request):
    sr = new_request()
    stale = sr.version
    services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")
    response = as_role("team_lead").post(
        _detail(sr.number), {"action": "cancel", "cancel-version": stale, "cancel-reason": "客户撤回"}
    )
    assert response.status_code == 409
    with translation.override("zh-hans"):
        expected = translation.gettext(
            "Someone else changed this request in the meantime (version %(theirs)s, yours %(yours)s). Reload it."
        ) % {"theirs": stale + 1, "yours": stale}
    assert expected in response.content.decode()
    sr.refresh_from_db()
    assert (sr.state, sr.end_reason, sr.engineer.username) == ("dispatched", "", "eng1")


@pytest.mark.django_db
def test_s4_dispatcher_overrides_the_charging_type_with_a_reason(as_role, new_request):
    sr = new_request()
    client = as_role("team_lead")
    missing = client.post(
        _detail(sr.number), {"action": "charging", "charging-version": sr.version, "charging-charging_type": "A"}
    )
    assert missing.status_code == 422
    assert _field_errors(missing.content.decode(), "charging-reason") == ["这个字段是必填项。"]
    response = client.post(
        _detail(sr.number),
        {
            "action": "charging",
            "charging-version": sr.version,
            "charging-charging_type": "A",
            "charging-reason": "客户自行拆机损坏",
        },
    )
    assert response.status_code == 302
    sr.refresh_from_db()
    assert (sr.charging_type, sr.charging_override_reason) == ("A", "客户自行拆机损坏")


@pytest.mark.django_db
def test_action_without_permission_is_403_and_changes_nothing(as_role, new_request):
    sr = new_request()
    response = as_role("agent").post(
        _detail(sr.number), {"action": "dispatch", "dispatch-version": sr.version, "dispatch-engineer": "eng1"}
    )
    assert response.status_code == 403
    sr.refresh_from_db()
    assert sr.state == "registered"


# --- engineer screen and closing (S7–S11) ----------------------------------------------------


@pytest.mark.django_db
def test_s7_s11_engineer_screen_through_to_the_managers_countersignature(staff, as_role, new_request):
    sr = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")
    engineer = as_role("engineer")
    jobs = engineer.get(JOBS).content.decode()
    assert f'data-number="{sr.number}"' in jobs

    def act(action: str, **fields: Any) -> Any:
        current = ServiceRequest.objects.get(pk=sr.pk)
        data = {"action": action, f"{action}-version": current.version}
        data.update({f"{action}-{key}": value for key, value in fields.items()})
        return engineer.post(_job(sr.number), data)

    visit = timezone.localtime() + dt.timedelta(hours=2)
    assert act("book", visit_at=visit.strftime("%Y-%m-%dT%H:%M"), confirmed_fault="主轴轴承磨损").status_code == 302
    assert act("arrive").status_code == 302
    assert act("step", text="清洁主轴，更换轴承").status_code == 302
    # P3: the part is picked from the engineer's van stock (the catalogue), not typed
    from aftersales.parts.models import Part, Store
    from aftersales.parts.services.stock import stock_receive

    bearing = Part.objects.create(code="ZB-6205", name="轴承 6205")
    eng1 = staff["engineer"].user
    van = Store.objects.create(code="VAN-ENG1", name="随车库", kind="engineer", engineer=eng1, owner=eng1)
    stock_receive(actor=staff["engineer"], store=van, part=bearing, quantity=3)
    assert 'value="ZB-6205"' in engineer.get(_job(sr.number)).content.decode()
    assert act("part", part="ZB-6205", quantity=2).status_code == 302

    refused = act("complete", resolution="on_site", work_summary="更换轴承", labour_minutes=90)
    assert refused.status_code == 409
    with translation.override("zh-hans"):
        message = translation.gettext("The engineer's self-check must pass before the job is completed (S11).")
    assert _field_errors(refused.content.decode(), "complete-self_check_passed") == [message]
    assert ServiceRequest.objects.get(pk=sr.pk).state == "on_site"

    done = act("complete", resolution="on_site", work_summary="更换轴承", labour_minutes=90, self_check_passed="on")
    assert done.status_code == 302
    assert act("sign", signature=_png(), signed_by_name="王工").status_code == 302
    current = ServiceRequest.objects.get(pk=sr.pk)
    assert (current.state, current.signed_by_name, current.labour_minutes) == ("signed", "王工", 90)
    assert [p.part_code for p in current.parts.all()] == ["ZB-6205"]

    page = as_role("cs_manager").get(_detail(sr.number)).content.decode()
    assert 'id="action-close"' in page
    assert 'id="signature-image"' in page
    closed = as_role("cs_manager").post(
        _detail(sr.number), {"action": "close", "close-version": current.version, "close-note": "已回访"}
    )
    assert closed.status_code == 302
    current.refresh_from_db()
    assert (current.state, current.open, current.closed_by.username) == ("closed", False, "boss1")
    assert 'data-state="closed"' in as_role("agent").get(_detail(sr.number)).content.decode()


@pytest.mark.django_db
def test_s11_sign_without_a_drawing_is_refused(staff, as_role, new_request):
    sr = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=sr.number)
    services.service_request_complete(
        actor=staff["engineer"], number=sr.number, resolution="on_site", work_summary="更换轴承", self_check_passed=True
    )
    version = ServiceRequest.objects.get(pk=sr.pk).version
    response = as_role("engineer").post(
        _job(sr.number),
        {"action": "sign", "sign-version": version, "sign-signature": "", "sign-signed_by_name": "王工"},
    )
    assert response.status_code == 422
    assert 'id="action-error"' in response.content.decode()
    assert ServiceRequest.objects.get(pk=sr.pk).state == "completed"


@pytest.mark.django_db
def test_s9_engineer_asks_for_permission_on_the_phone_screen(staff, as_role, new_request):
    sr = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")
    version = ServiceRequest.objects.get(pk=sr.pk).version
    response = as_role("engineer").post(
        _job(sr.number),
        {
            "action": "approval",
            "approval-version": version,
            "approval-kind": "support",
            "approval-reason": "需要技术支持",
        },
    )
    assert response.status_code == 302
    approval = Approval.objects.get()
    assert (approval.kind, approval.state, approval.requested_by.username) == ("support", "pending", "eng1")
    detail = as_role("cs_manager").post(
        reverse("service:approval_decide", args=[sr.number]), {"action": "refuse", "approval": approval.pk}
    )
    assert detail.status_code == 302
    approval.refresh_from_db()
    assert approval.state == "refused"


@pytest.mark.django_db
def test_engineer_screen_shows_the_buttons_of_the_state(staff, as_role, new_request):
    sr = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")
    html = as_role("engineer").get(_job(sr.number)).content.decode()
    for action in ("book", "arrive", "step", "part", "approval", "to_depot", "complete"):
        assert f'id="action-{action}"' in html, action
    for action in ("sign", "reopen", "parts_arrived"):
        assert f'id="action-{action}"' not in html, action
