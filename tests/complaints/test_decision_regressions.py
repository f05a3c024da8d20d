"""Issue 13 point 13: a complaint decision has no default disposition (the decider chooses it, a clear
Chinese error otherwise), and the approver's queue (page and API) shows the customer, a summary and the
disposition actually decided (换货 stayed 退货 before)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from aftersales.approvals.models import Approval
from aftersales.complaints import services
from aftersales.core.errors import ValidationFailed
from tests.complaints.test_views import _client, _detail, _field_errors

pytestmark = pytest.mark.django_db
QUEUE = reverse("approvals:approval_queue")


def test_no_default_disposition_on_the_page_and_a_chinese_error(staff, new_complaint):
    c = new_complaint()
    services.complaint_contact(actor=staff["agent"], number=c.number)
    c.refresh_from_db()
    client = _client(staff["agent"])
    html = client.get(_detail(c.number)).content.decode()
    select = re.search(r'<select name="decide-disposition"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    options = re.findall(r"<option[^>]*>", select.group(1))
    assert 'value=""' in options[0]  # the first option chooses nothing
    assert not any("selected" in option for option in options[1:])  # no disposition chosen beforehand
    response = client.post(
        _detail(c.number),
        {"action": "decide", "decide-version": c.version, "decide-decision": "换一台新的", "decide-amount": "0"},
    )
    assert response.status_code == 422
    assert _field_errors(response.content.decode(), "decide-disposition") == ["请选择处理方式（退货、换货、指导……）。"]
    c.refresh_from_db()
    assert (c.state, c.disposition, c.decision) == ("contacted", "", "")


def test_no_default_disposition_in_the_service_and_the_api(staff, new_complaint, api_as):
    c = new_complaint()
    services.complaint_contact(actor=staff["agent"], number=c.number)
    with pytest.raises(ValidationFailed) as exc:
        services.complaint_decide(actor=staff["agent"], number=c.number, disposition="", decision="换货")
    assert "disposition" in exc.value.fields
    answer = api_as(staff["agent"].user).post(f"complaints/{c.number}/decide", {"decision": "换货"})
    assert answer.status_code == 422
    c.refresh_from_db()
    assert (c.state, c.disposition) == ("contacted", "")


def test_the_gm_queue_shows_the_exchange_decided_with_customer_and_summary(staff, new_complaint, customer, api_as):
    c = new_complaint(description="设备外壳开裂，客户要求换一台新设备")
    services.complaint_contact(actor=staff["agent"], number=c.number)
    services.complaint_decide(
        actor=staff["agent"], number=c.number, disposition="exchange", decision="换新机", amount=Decimal("6000")
    )
    approval = Approval.objects.get(subject_id=str(c.pk))
    assert (approval.required_role, approval.purpose) == ("gm", "exchange")
    html = _client(staff["gm"]).get(QUEUE).content.decode()
    row = html[html.index(f'data-approval="{approval.pk}"') :]
    row = row[: row.index("</tr>")]
    assert customer.name in row
    assert "设备外壳开裂" in row
    assert 'data-disposition="exchange"' in row
    assert "换货" in row
    assert "退货" not in row
    items = api_as(staff["gm"].user).get("approvals?mine=waiting").json()["items"]
    mine = next(item for item in items if item["id"] == approval.pk)
    assert (mine["customer_name"], mine["disposition"], mine["purpose"]) == (customer.name, "exchange", "exchange")
    assert mine["summary"].startswith("设备外壳开裂")
