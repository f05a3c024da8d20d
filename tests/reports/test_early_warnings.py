"""Q3 early warning of recurring problems: detection table (thresholds at the boundary, per window, by
symptom and by part), idempotency, new cases, notifying quality, closing with a reason or a corrective
action (K14, standing on no complaint), version conflicts, the API, the pages and the home queue."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client

from aftersales.accounts.selectors import actor_for
from aftersales.complaints.models import CorrectiveAction
from aftersales.core.errors import Conflict, PermissionDenied, ValidationFailed
from aftersales.core.models import Event
from aftersales.notifications.models import Notification
from aftersales.policies.services import policy_set
from aftersales.reports import warnings
from aftersales.reports.models import EarlyWarning
from tests.reports.conftest import add_part, at, make_request

DAY = dt.date(2026, 11, 20)  # detection day: month 2026-11, quarter 2026 Q4, year 2026


def _requests(world: dict[str, Any], n: int, day: str = "2026-11-05", *, symptom: int = 0, unit: int = 0) -> list[Any]:
    return [
        make_request(world, at(day, 9 + i % 8), symptom_code=world["symptoms"][symptom], unit=world["units"][unit])
        for i in range(n)
    ]


@pytest.fixture
def quality(make_user: Any) -> Any:
    return make_user("quality", username="quality_q3")


def _thresholds(make_user: Any, month: int, quarter: int, year: int) -> None:
    admin = actor_for(make_user("admin", username="admin_q3"))
    for window, value in (("month", month), ("quarter", quarter), ("year", year)):
        policy_set(actor=admin, key=f"Q3.warning_{window}", value=value, note="test")


@pytest.mark.parametrize(
    ("cases", "windows"),
    [
        (2, set()),  # below every threshold (month 3, quarter 5, year 10: the SPEC/seed defaults)
        (3, {"month"}),  # exactly the month's threshold: raised
        (4, {"month"}),
        (5, {"month", "quarter"}),  # exactly the quarter's
        (10, {"month", "quarter", "year"}),  # exactly the year's
    ],
)
def test_thresholds_at_the_boundary_per_window(
    world: dict[str, Any], quality: Any, cases: int, windows: set[str]
) -> None:
    _requests(world, cases)
    warnings.warnings_detect(on=DAY)
    found = EarlyWarning.objects.filter(kind="symptom")
    assert {w.window for w in found} == windows
    for w in found:
        assert (w.count, w.product_id, w.symptom_id) == (cases, world["products"][0].pk, world["symptoms"][0].pk)
        assert w.case_links.count() == cases


def test_threshold_is_policy_data(world: dict[str, Any], quality: Any, make_user: Any) -> None:
    _thresholds(make_user, 2, 50, 100)
    _requests(world, 2)
    warnings.warnings_detect(on=DAY)
    (w,) = EarlyWarning.objects.all()
    assert (w.window, w.threshold, w.count) == ("month", 2, 2)


def test_only_the_same_product_and_symptom_in_the_same_period_count(world: dict[str, Any], quality: Any) -> None:
    _requests(world, 2)  # product 0, symptom 0, November
    _requests(world, 1, symptom=1)  # another symptom
    _requests(world, 1, unit=1)  # another product
    _requests(world, 1, day="2026-10-31")  # October: another month (same quarter: 3 of 5)
    make_request(world, at("2026-11-06"), unit=world["units"][0])  # no symptom recorded
    warnings.warnings_detect(on=DAY)
    assert not EarlyWarning.objects.exists()
    _requests(world, 1, day="2026-11-30")  # the month's third
    warnings.warnings_detect(on=DAY)
    assert list(EarlyWarning.objects.values_list("window", "period_start", "period_end", "count")) == [
        ("month", dt.date(2026, 11, 1), dt.date(2026, 11, 30), 3)
    ]


def test_the_same_part_replaced_raises_a_part_warning(world: dict[str, Any], quality: Any) -> None:
    requests = [make_request(world, at(f"2026-11-0{i + 1}")) for i in range(3)]
    for r in requests:
        add_part(world, r, "ps-12 ", "电源板")  # keyed as "PS-12"
    add_part(world, requests[0], "PS-12", "电源板")  # twice on one request: still one case
    add_part(world, make_request(world, at("2026-11-04"), unit=world["units"][1]), "PS-12", "电源板")  # other product
    warnings.warnings_detect(on=DAY)
    (w,) = EarlyWarning.objects.filter(kind="part")
    assert (w.part_key, w.part_label, w.count, w.product_id, w.window) == (
        "PS-12",
        "电源板",
        3,
        world["products"][0].pk,
        "month",
    )


def test_detection_is_idempotent_and_adds_new_cases(world: dict[str, Any], quality: Any) -> None:
    _requests(world, 3)
    first = warnings.warnings_detect(on=DAY)
    assert (first.raised, first.updated) == (1, 0)
    again = warnings.warnings_detect(on=DAY)
    assert (again.raised, again.updated) == (0, 0)
    assert EarlyWarning.objects.count() == 1
    assert Notification.objects.filter(user=quality).count() == 1  # quality told once
    note = Notification.objects.get(user=quality)
    assert "3" in note.title
    assert "/reports/early-warnings/" in note.url
    _requests(world, 1, day="2026-11-21")
    later = warnings.warnings_detect(on=dt.date(2026, 11, 22))
    assert (later.raised, later.updated) == (0, 1)
    (w,) = EarlyWarning.objects.all()
    assert (w.count, w.case_links.count(), w.version) == (4, 4, 2)
    assert Notification.objects.filter(user=quality).count() == 1
    actions = list(Event.objects.filter(subject_type="reports.earlywarning").values_list("action", flat=True))
    assert actions == ["earlywarning.raised", "earlywarning.cases_added"]


def test_the_previous_period_is_completed_early_in_the_next(world: dict[str, Any], quality: Any) -> None:
    _requests(world, 3, day="2026-10-30")
    warnings.warnings_detect(on=dt.date(2026, 11, 1))  # the 1st: October is detected as the previous month
    assert list(EarlyWarning.objects.values_list("window", "period_start")) == [("month", dt.date(2026, 10, 1))]


def test_close_with_a_reason_and_refusals(world: dict[str, Any], quality: Any, make_user: Any) -> None:
    _requests(world, 3)
    warnings.warnings_detect(on=DAY)
    w = EarlyWarning.objects.get()
    q = actor_for(quality)
    with pytest.raises(PermissionDenied):
        warnings.warning_close(actor=actor_for(make_user("analyst")), warning_id=w.pk, reason="已知问题")
    with pytest.raises(ValidationFailed):
        warnings.warning_close(actor=q, warning_id=w.pk, reason="  ")
    with pytest.raises(Conflict):
        warnings.warning_close(actor=q, warning_id=w.pk, reason="已知问题", version=w.version + 1)
    closed = warnings.warning_close(actor=q, warning_id=w.pk, reason="供应商批次问题，已更换批次", version=w.version)
    assert (closed.state, closed.close_reason, closed.capa_id) == ("closed", "供应商批次问题，已更换批次", None)
    with pytest.raises(Conflict):
        warnings.warning_close(actor=q, warning_id=w.pk, reason="again")
    # a closed warning still collects its period's new cases, and stays closed
    _requests(world, 1)
    warnings.warnings_detect(on=DAY)
    w.refresh_from_db()
    assert (w.state, w.count) == ("closed", 4)


def test_close_with_a_corrective_action_on_the_warning(world: dict[str, Any], quality: Any) -> None:
    _requests(world, 3)
    warnings.warnings_detect(on=DAY)
    w = EarlyWarning.objects.get()
    closed = warnings.warning_link_capa(
        actor=actor_for(quality), warning_id=w.pk, measures="主轴轴承改用新供应商并加严来料检验", version=w.version
    )
    capa = CorrectiveAction.objects.get()
    assert closed.capa_id == capa.pk
    assert closed.state == "closed"
    assert capa.complaint is None
    assert "主轴异响" in capa.topic
    assert capa.state == "planned"
    assert capa.owner == quality
    assert Event.objects.filter(action="complaint.capa_planned", subject_id=str(capa.pk)).exists()


def test_close_with_an_existing_corrective_action_or_refuse_a_missing_one(world: dict[str, Any], quality: Any) -> None:
    _requests(world, 3)
    warnings.warnings_detect(on=DAY)
    w = EarlyWarning.objects.get()
    q = actor_for(quality)
    with pytest.raises(ValidationFailed):
        warnings.warning_link_capa(actor=q, warning_id=w.pk, capa_id=999999)
    with pytest.raises(ValidationFailed):  # a new action needs its measures
        warnings.warning_link_capa(actor=q, warning_id=w.pk, measures="")
    w.refresh_from_db()
    assert w.state == "open"
    assert not CorrectiveAction.objects.exists()
    from aftersales.complaints.services import capa_plan_on_topic

    capa = capa_plan_on_topic(actor=q, topic="主轴异响", measures="更换轴承")
    warnings.warning_link_capa(actor=q, warning_id=w.pk, capa_id=capa.pk)
    w.refresh_from_db()
    assert (w.state, w.capa_id) == ("closed", capa.pk)


def test_api_list_detail_close_and_capa(world: dict[str, Any], quality: Any, api_as: Any) -> None:
    _requests(world, 5)
    warnings.warnings_detect(on=DAY)
    api = api_as(quality)
    body = api.get("early-warnings", state="open").json()
    assert sorted(i["window"] for i in body) == ["month", "quarter"]
    month = next(i for i in body if i["window"] == "month")
    assert (month["count"], month["threshold"], month["period"], month["product"]) == (5, 3, "2026-11", "XK-0001")
    detail = api.get(f"early-warnings/{month['id']}").json()
    assert len(detail["cases"]) == 5
    stale = api.post(f"early-warnings/{month['id']}/close", {"reason": "已处理", "version": 99})
    assert stale.status_code == 409
    done = api.post(f"early-warnings/{month['id']}/close", {"reason": "已处理", "version": month["version"]})
    assert done.status_code == 200
    assert done.json()["state"] == "closed"
    quarter = next(i for i in body if i["window"] == "quarter")
    linked = api.post(f"early-warnings/{quarter['id']}/capa", {"measures": "更换轴承供应商"})
    assert linked.status_code == 200
    assert linked.json()["capa"] is not None
    assert api.get("early-warnings", state="open").json() == []
    assert len(api.get("early-warnings", state="closed").json()) == 2
    assert api.get("early-warnings", state="bogus").status_code == 422
    assert api_as("analyst").post(f"early-warnings/{month['id']}/close", {"reason": "x"}).status_code == 403


def test_pages_list_filter_export_detail_and_close(world: dict[str, Any], quality: Any) -> None:
    _requests(world, 3)
    _requests(world, 3, unit=1, symptom=1)
    warnings.warnings_detect(on=DAY)
    client = Client()
    client.force_login(quality)
    page = client.get("/reports/early-warnings/", {"state": "open", "product": "CK"}).content.decode()
    assert "CK-0002" in page
    assert "XK-0001" not in page
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get("/reports/early-warnings/", {"export": "xlsx"}).streaming_content))
    )
    assert book.active.max_row >= 3  # title/header rows + two warnings
    w = EarlyWarning.objects.get(product=world["products"][0])
    detail = client.get(f"/reports/early-warnings/{w.pk}/").content.decode()
    assert detail.count('data-number="') == 3
    assert "主轴异响" in detail
    home = client.get("/").content.decode()
    assert "/reports/early-warnings/?state=open" in home
    response = client.post(
        f"/reports/early-warnings/{w.pk}/",
        {"action": "close", "close-version": w.version, "close-reason": "已知批次问题"},
    )
    assert response.status_code == 302
    w.refresh_from_db()
    assert w.state == "closed"


def test_the_capa_raised_on_a_warning_is_carried_out_verified_and_shown(
    world: dict[str, Any], quality: Any, make_user: Any, api_as: Any
) -> None:
    """K14 on a Q3 warning (docs/decisions/0040): the owner (no statistics reader) is told, opens the
    warning and carries the action out; quality is told and verifies; not effective sends it back; the
    warning shows the action's state throughout; nobody verifies their own action."""
    _requests(world, 3)
    warnings.warnings_detect(on=DAY)
    w = EarlyWarning.objects.get()
    owner = make_user("agent", username="capa_owner")
    checker = make_user("quality", username="quality_checker")
    api = api_as(quality)
    linked = api.post(f"early-warnings/{w.pk}/capa", {"measures": "更换轴承供应商", "owner": owner.username})
    assert linked.status_code == 200, linked.content
    assert (linked.json()["state"], linked.json()["capa_state"]) == ("closed", "planned")
    assert Notification.objects.filter(user=owner, url__contains=f"/reports/early-warnings/{w.pk}/").exists()
    assert api.post(f"early-warnings/{w.pk}/capa/verify", {}).status_code == 409  # not carried out yet
    page = Client()
    page.force_login(owner)
    shown = page.get(f"/reports/early-warnings/{w.pk}/")
    assert shown.status_code == 200
    assert 'id="warning-capa-done"' in shown.content.decode()
    assert 'id="warning-cases"' not in shown.content.decode()  # the owner sees the action, not the cases
    assert page.get("/reports/early-warnings/").status_code == 403
    assert api_as(owner).get(f"early-warnings/{w.pk}").status_code == 200
    done = page.post(f"/reports/early-warnings/{w.pk}/", {"action": "capa_done", "capa_done-note": "已更换供应商"})
    assert done.status_code == 302
    capa = CorrectiveAction.objects.get()
    assert (capa.state, capa.done_note) == ("done", "已更换供应商")
    assert Event.objects.filter(action="complaint.capa_done", subject_id=str(capa.pk)).exists()
    assert Notification.objects.filter(user=checker, url__contains=f"/reports/early-warnings/{w.pk}/").exists()
    assert api_as(owner).post(f"early-warnings/{w.pk}/capa/verify", {}).status_code == 403  # not quality
    again = api_as(checker).post(f"early-warnings/{w.pk}/capa/verify", {"effective": False})
    assert again.status_code == 422  # not effective needs the reason
    back = api_as(checker).post(f"early-warnings/{w.pk}/capa/verify", {"effective": False, "note": "仍有异响"})
    assert (back.status_code, back.json()["capa_state"]) == (200, "planned")
    assert api_as(owner).post(f"early-warnings/{w.pk}/capa/done", {"note": "再次整改"}).json()["capa_state"] == "done"
    verified = api_as(checker).post(f"early-warnings/{w.pk}/capa/verify", {"effective": True, "note": "有效"})
    assert (verified.status_code, verified.json()["capa_state"]) == (200, "verified")
    capa.refresh_from_db()
    assert (capa.state, capa.verified_by) == ("verified", checker)
    q = Client()
    q.force_login(quality)
    assert "warning-capa-state" in q.get(f"/reports/early-warnings/{w.pk}/").content.decode()
    assert api.post(f"early-warnings/{w.pk}/capa/done", {}).status_code == 409  # verified: nothing more


def test_quality_does_not_verify_its_own_capa_on_a_warning(world: dict[str, Any], quality: Any) -> None:
    _requests(world, 3)
    warnings.warnings_detect(on=DAY)
    w = EarlyWarning.objects.get()
    q = actor_for(quality)
    warnings.warning_link_capa(actor=q, warning_id=w.pk, measures="加严来料检验")  # owner: quality itself
    warnings.warning_capa_done(actor=q, warning_id=w.pk, note="已加严")
    with pytest.raises(PermissionDenied):
        warnings.warning_capa_verify(actor=q, warning_id=w.pk)
    assert CorrectiveAction.objects.get().state == "done"


def test_a_warning_without_a_capa_has_no_capa_step(world: dict[str, Any], quality: Any) -> None:
    _requests(world, 3)
    warnings.warnings_detect(on=DAY)
    w = EarlyWarning.objects.get()
    with pytest.raises(Conflict):
        warnings.warning_capa_done(actor=actor_for(quality), warning_id=w.pk)


def test_a_complaints_capa_linked_to_a_warning_moves_through_its_complaint(
    world: dict[str, Any], quality: Any, make_user: Any
) -> None:
    """An existing action planned on a complaint, linked to the warning: carried out and verified from the
    warning through the complaint's own steps (its verification task is raised and done)."""
    from decimal import Decimal

    from aftersales.complaints.models import FollowUpTask
    from aftersales.complaints.services import capa_plan, complaint_register

    agent = actor_for(make_user("agent", username="agent_q3"))
    complaint = complaint_register(
        actor=agent, customer_id=world["customer"].pk, complaint_class="quality", channel="phone",
        description="主轴反复异响", amount_claimed=Decimal("0"),
    )  # fmt: skip
    capa = capa_plan(actor=agent, number=complaint.number, measures="更换主轴轴承批次")
    _requests(world, 3)
    warnings.warnings_detect(on=DAY)
    w = EarlyWarning.objects.get()
    q = actor_for(quality)
    warnings.warning_link_capa(actor=q, warning_id=w.pk, capa_id=capa.pk)
    assert warnings.warning_capa_done(actor=agent, warning_id=w.pk, note="已更换").capa.state == "done"
    assert FollowUpTask.objects.filter(corrective_action=capa, kind="capa_verify", done_at__isnull=True).exists()
    assert warnings.warning_capa_verify(actor=q, warning_id=w.pk, note="有效").capa.state == "verified"
    assert not FollowUpTask.objects.filter(corrective_action=capa, done_at__isnull=True).exists()
