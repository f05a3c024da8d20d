"""X5 risk register: likelihood × impact on the policy scales, owner picked by name, audited edits,
version conflicts refused, the heat map, the list with its export, overdue reviews notify the owner."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client

from aftersales.accounts.selectors import actor_for
from aftersales.core.errors import Conflict, PermissionDenied, ValidationFailed
from aftersales.core.models import Event
from aftersales.notifications.models import Notification
from aftersales.policies.services import policy_set
from aftersales.reports import risks
from aftersales.reports.models import Risk

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    return {
        "rep": make_user("mgmt_rep", username="rep_x5", display_name="王代表"),
        "owner": make_user("quality", username="owner_x5", display_name="李质量"),
        "analyst": make_user("analyst", username="analyst_x5"),
    }


def _create(people: dict[str, Any], **kwargs: Any) -> Risk:
    values: dict[str, Any] = {
        "title": "关键供应商断供",
        "likelihood": 3,
        "impact": 4,
        "owner": "owner_x5",
        "mitigation": "开发第二供应商",
        "review_on": dt.date(2026, 12, 31),
    }
    values.update(kwargs)
    return risks.risk_create(actor=actor_for(people["rep"]), **values)


def test_create_update_audited_and_stale_version_refused(people: dict[str, Any]) -> None:
    risk = _create(people)
    assert (risk.score, risk.owner, risk.version) == (12, people["owner"], 1)
    rep = actor_for(people["rep"])
    changed = risks.risk_update(
        actor=rep, risk_id=risk.pk, version=1, title=risk.title, likelihood=2, impact=4, owner="owner_x5",
        mitigation="已签第二供应商", review_on=dt.date(2027, 3, 31),
    )  # fmt: skip
    assert (changed.likelihood, changed.version) == (2, 2)
    event = Event.objects.get(action="risk.changed")
    assert event.data["likelihood"] == [3, 2]
    assert event.data["review_on"] == ["2026-12-31", "2027-03-31"]
    with pytest.raises(Conflict):  # someone else saved meanwhile: the stale edit is refused, nothing changes
        risks.risk_update(
            actor=rep, risk_id=risk.pk, version=1, title="x", likelihood=1, impact=1, owner="owner_x5",
            review_on=dt.date(2027, 1, 1),
        )  # fmt: skip
    risk.refresh_from_db()
    assert (risk.title, risk.likelihood, risk.version) == ("关键供应商断供", 2, 2)


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("likelihood", {"likelihood": 6}),  # above the 5-level scale
        ("impact", {"impact": 0}),
        ("owner", {"owner": "nobody"}),
        ("title", {"title": " "}),
    ],
)
def test_invalid_values_refused(people: dict[str, Any], field: str, values: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as raised:
        _create(people, **values)
    assert field in raised.value.fields
    assert not Risk.objects.exists()


def test_scales_are_policy_data(people: dict[str, Any], make_user: Any) -> None:
    admin = actor_for(make_user("admin", username="admin_x5"))
    policy_set(actor=admin, key="X5.likelihood_levels", value=3, note="三级")
    with pytest.raises(ValidationFailed):
        _create(people, likelihood=4)
    _create(people, likelihood=3, impact=5)
    heat = risks.risk_heat_map(actor_for(people["analyst"]))
    assert (heat.likelihood_levels, heat.impact_levels) == (3, 5)
    assert heat.cells[2][4] == 1
    assert sum(map(sum, heat.cells)) == 1


def test_only_keepers_edit(people: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        risks.risk_create(
            actor=actor_for(people["analyst"]), title="x", likelihood=1, impact=1, owner="owner_x5",
            review_on=dt.date(2027, 1, 1),
        )  # fmt: skip


def test_overdue_review_notifies_the_owner_once_per_review_date(people: dict[str, Any]) -> None:
    risk = _create(people, review_on=dt.date(2026, 11, 30))
    _create(people, title="已关闭的风险", review_on=dt.date(2026, 11, 1), closed=True)
    assert risks.risk_reviews_overdue_notify(today=dt.date(2026, 11, 30)) == 0  # due today: not overdue yet
    assert risks.risk_reviews_overdue_notify(today=dt.date(2026, 12, 1)) == 1
    assert risks.risk_reviews_overdue_notify(today=dt.date(2026, 12, 2)) == 0
    (note,) = Notification.objects.filter(user=people["owner"])
    assert "关键供应商断供" in note.title
    assert note.url.endswith(f"/reports/risks/{risk.pk}/")
    risks.risk_update(
        actor=actor_for(people["rep"]), risk_id=risk.pk, version=risk.version, title=risk.title, likelihood=3,
        impact=4, owner="owner_x5", review_on=dt.date(2026, 12, 15),
    )  # fmt: skip
    assert risks.risk_reviews_overdue_notify(today=dt.date(2026, 12, 16)) == 1  # the new date, once


def test_pages_heat_map_list_export_and_edit(people: dict[str, Any]) -> None:
    risk = _create(people)
    _create(people, title="核心工程师流失", likelihood=3, impact=4)
    client = Client()
    client.force_login(people["rep"])
    page = client.get("/reports/risks/").content.decode()
    assert 'data-heatmap="risk-heat"' in page
    assert "关键供应商断供" in page
    assert "李质量" in page
    assert "<script>" not in page.replace('<script src="', "")  # no inline script: the CSP stays strict
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get("/reports/risks/", {"export": "xlsx"}).streaming_content))
    )
    values = [c.value for row in book.active.iter_rows() for c in row]
    assert "关键供应商断供" in values
    assert "核心工程师流失" in values
    form = {
        "version": 1, "title": risk.title, "likelihood": 1, "impact": 4, "owner": "owner_x5",
        "mitigation": "已解决", "review_on": "2027-06-30",
    }  # fmt: skip
    assert client.post(f"/reports/risks/{risk.pk}/", form).status_code == 302
    stale = client.post(f"/reports/risks/{risk.pk}/", form)  # version 1 again: refused
    assert stale.status_code == 409
    risk.refresh_from_db()
    assert (risk.likelihood, risk.version) == (1, 2)
    reader = Client()
    reader.force_login(people["analyst"])
    assert reader.get("/reports/risks/").status_code == 200
    assert reader.post(f"/reports/risks/{risk.pk}/", form).status_code == 403
