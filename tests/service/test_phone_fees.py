"""Issue 13 (point 3, faults 2 and 5): paid service on the engineer's phone (B1).

The quotation is built from the parts recorded on the job, the customer accepts and signs on the phone
(labelled as the customer, never an approver), cash is collected on site up to the policy limit and
confirmed by finance, a paid request closes only once its fee is collected or invoiced, and finance
lists the outstanding fees. Fault 2: the pickup receipt and the repair tag print the charging type.
"""

from __future__ import annotations

import base64
import io
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from aftersales.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.models import Event
from aftersales.notifications.models import Notification
from aftersales.policies.selectors import policy_get
from aftersales.service import documents, services
from aftersales.service.models import Quote, ServiceRequest
from aftersales.service.services import depot
from aftersales.service.services.quotes import (
    fee_standard_approve,
    fee_standard_create,
    quote_accept,
    quote_cash_collect,
    quote_cash_confirm,
    quote_offer,
    quote_payment_record,
)

D = Decimal
pytestmark = pytest.mark.django_db


def _png() -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


@pytest.fixture
def fee(staff: dict[str, Any], fee_drafter: Any) -> Any:
    standard = fee_standard_create(actor=fee_drafter, labour_rate=D("200.00"), callout_fee=D("100.00"))
    return fee_standard_approve(actor=staff["cs_manager"], version=standard.version)


@pytest.fixture
def finance(make_user: Any, actor_of: Any) -> Any:
    return actor_of(make_user("finance", username="fin1", display_name="李会计"))


@pytest.fixture
def paid_request(staff: dict[str, Any], new_request: Any, old_unit: Any) -> ServiceRequest:
    """Out of warranty (charging type A), eng1 on site, one part recorded (2 × 85.50)."""
    request = new_request(serial=old_unit.serial, contact_name="王建国")
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=request.number)
    services.service_request_part_add(
        actor=staff["engineer"],
        number=request.number,
        part_code="bj-6205",
        part_name="主轴轴承 6205",
        quantity=2,
        unit_price=D("85.50"),
    )
    return ServiceRequest.objects.get(pk=request.pk)


def _accepted(staff: dict[str, Any], request: ServiceRequest, hours: str = "1.5") -> Quote:
    quote = quote_offer(
        actor=staff["engineer"], number=request.number, labour_hours=D(hours), lines=[], recorded_parts=True
    )
    return quote_accept(
        actor=staff["engineer"], number=quote.number, decided_by_name="王建国", via="onsite", signature=_png()
    )


def _complete_and_sign(staff: dict[str, Any], request: ServiceRequest) -> None:
    services.service_request_complete(
        actor=staff["engineer"],
        number=request.number,
        resolution="on_site",
        work_summary="更换主轴轴承，试机正常",
        self_check_passed=True,
    )
    services.service_request_sign_off(
        actor=staff["engineer"], number=request.number, signature=_png(), signed_by_name="王建国"
    )


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the quotation from the recorded parts -------------------------------------------------------


def test_b1_quote_from_the_recorded_parts_needs_no_retyping(staff, fee, paid_request):
    quote = quote_offer(
        actor=staff["engineer"],
        number=paid_request.number,
        labour_hours=D("1.5"),
        lines=[{"part_code": "", "description": "润滑脂", "quantity": 1, "unit_price": D("12.35")}],
        recorded_parts=True,
    )
    lines = list(quote.lines.values_list("part_code", "description", "quantity", "unit_price", "amount"))
    assert lines == [
        ("BJ-6205", "主轴轴承 6205", 2, D("85.50"), D("171.00")),
        ("", "润滑脂", 1, D("12.35"), D("12.35")),
    ]
    # 1.5 h × 200 + 100 call-out + 171.00 + 12.35
    assert (quote.parts_amount, quote.total) == (D("183.35"), D("583.35"))
    event = Event.objects.get(action="quote.offered")
    assert event.data["recorded_parts"] is True


def test_b1_without_the_flag_the_recorded_parts_are_not_quoted(staff, fee, paid_request):
    quote = quote_offer(actor=staff["engineer"], number=paid_request.number, labour_hours=D("1"), lines=[])
    assert quote.lines.count() == 0
    assert quote.total == D("300.00")


def test_b1_desktop_quote_panel_prefills_the_recorded_parts(staff, fee, paid_request):
    page = _client(staff["engineer"].user).get(reverse("service:quote_page", args=[paid_request.number]))
    body = page.content.decode()
    assert 'value="BJ-6205"' in body
    assert 'value="主轴轴承 6205"' in body


# --- acceptance as the customer ------------------------------------------------------------------


def test_b1_customer_accepts_and_signs_on_the_phone(staff, fee, paid_request):
    client = _client(staff["engineer"].user)
    url = reverse("service:engineer_job", args=[paid_request.number])
    with translation.override("zh-hans"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "过保修期" in page  # the charge is explained in plain words
    assert 'id="action-quote"' in page
    response = client.post(url, {"action": "quote", "quote-version": paid_request.version, "quote-labour_hours": "1.5"})
    assert response.status_code == 302
    quote = Quote.objects.get()
    assert (quote.state, quote.total, quote.lines.count()) == ("offered", D("571.00"), 1)
    request = ServiceRequest.objects.get(pk=paid_request.pk)
    assert request.state == "quoted"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="action-accept_quote"' in page
    assert "审批人" not in page  # the customer accepts: never called an approver
    assert "客户姓名" in page
    assert 'value="王建国"' in page  # the contact's name, prefilled
    response = client.post(
        url,
        {
            "action": "accept_quote",
            "accept_quote-version": request.version,
            "accept_quote-customer_name": "王建国",
            "accept_quote-signature": _png(),
        },
    )
    assert response.status_code == 302
    quote.refresh_from_db()
    assert (quote.state, quote.decided_via, quote.decided_by_name) == ("accepted", "onsite", "王建国")
    assert quote.signature_png
    assert ServiceRequest.objects.get(pk=paid_request.pk).state == "on_site"


def test_b1_acceptance_without_a_signature_changes_nothing(staff, fee, paid_request):
    quote = quote_offer(
        actor=staff["engineer"], number=paid_request.number, labour_hours=D("1"), lines=[], recorded_parts=True
    )
    request = ServiceRequest.objects.get(pk=paid_request.pk)
    response = _client(staff["engineer"].user).post(
        reverse("service:engineer_job", args=[request.number]),
        {"action": "accept_quote", "accept_quote-version": request.version, "accept_quote-customer_name": "王建国"},
    )
    assert response.status_code == 422
    assert Quote.objects.get(pk=quote.pk).state == "offered"


def test_b1_acceptance_labels_say_customer_not_approver():
    with translation.override("zh-hans"):
        for text in ("Customer's name", "customer who decided", "Customer's signature"):
            assert "审批" not in translation.gettext(text), text


# --- cash on site, up to the policy limit ---------------------------------------------------------


def test_b1_engineer_collects_cash_and_finance_confirms(staff, fee, paid_request, finance):
    quote = _accepted(staff, paid_request)
    collected = quote_cash_collect(actor=staff["engineer"], number=paid_request.number)
    assert (collected.payment_state, collected.collected_amount) == ("collected", D("571.00"))
    told = Notification.objects.get(user=finance.user)
    assert told.rule == "B1"
    assert paid_request.number in told.title
    with pytest.raises(PermissionDenied):
        quote_cash_confirm(actor=staff["engineer"], number=paid_request.number)
    confirmed = quote_cash_confirm(actor=finance, number=quote.number)
    assert confirmed.payment_state == "received"
    with pytest.raises(Conflict) as exc:
        quote_cash_confirm(actor=finance, number=quote.number)
    assert exc.value.code == "payment_already_recorded"
    moves = list(Event.objects.filter(action="quote.paid").values_list("data__payment_state", flat=True))
    assert moves == [["due", "collected"], ["collected", "received"]]
    assert Event.objects.filter(action="quote.received").exists()


def test_b1_cash_above_the_policy_limit_is_refused_and_changes_nothing(staff, fee, paid_request, finance):
    assert policy_get("B1.cash_limit").value == 2000
    quote = _accepted(staff, paid_request, hours="10")  # 10 h × 200 + 100 + 171 = 2271.00 > 2000
    with pytest.raises(Conflict) as exc:
        quote_cash_collect(actor=staff["engineer"], number=paid_request.number)
    assert exc.value.code == "cash_limit_exceeded"
    with pytest.raises(Conflict):  # finance cannot book it as cash either
        quote_payment_record(actor=finance, number=quote.number, state="collected", amount=D("2271.00"))
    assert Quote.objects.get(pk=quote.pk).payment_state == "due"
    assert not Event.objects.filter(action="quote.paid").exists()
    # above the limit finance invoices
    invoiced = quote_payment_record(
        actor=finance, number=quote.number, state="invoiced", amount=D("2271.00"), invoice_number="FP001"
    )
    assert invoiced.payment_state == "invoiced"


def test_b1_cash_limit_is_policy_data(staff, fee, paid_request, make_user, actor_of):
    from aftersales.policies.services import policy_set

    admin = actor_of(make_user("admin", username="admin1"))
    policy_set(actor=admin, key="B1.cash_limit", value=500, note="现金限额下调")
    _accepted(staff, paid_request)  # 571.00 > 500
    with pytest.raises(Conflict) as exc:
        quote_cash_collect(actor=staff["engineer"], number=paid_request.number)
    assert exc.value.code == "cash_limit_exceeded"
    assert "500" in str(exc.value.message)


def test_b1_cash_refusals(staff, fee, paid_request):
    with pytest.raises(Conflict) as exc:  # nothing accepted yet
        quote_cash_collect(actor=staff["engineer"], number=paid_request.number)
    assert exc.value.code == "quote_not_accepted"
    _accepted(staff, paid_request)
    with pytest.raises(ValidationFailed) as failed:  # only the whole agreed price
        quote_cash_collect(actor=staff["engineer"], number=paid_request.number, amount=D("500"))
    assert "amount" in failed.value.fields
    with pytest.raises(NotFound):  # another engineer's job: not even visible to them
        quote_cash_collect(actor=staff["engineer2"], number=paid_request.number)
    assert Quote.objects.get().payment_state == "due"


# --- close only when paid or invoiced (fault 5) ---------------------------------------------------


def test_fault5_a_paid_request_does_not_close_with_the_fee_still_due(staff, fee, paid_request, finance):
    _accepted(staff, paid_request)
    _complete_and_sign(staff, paid_request)
    with pytest.raises(Conflict) as exc:
        services.service_request_close(actor=staff["cs_manager"], number=paid_request.number)
    assert exc.value.code == "fee_outstanding"
    with translation.override("zh-hans"):
        with pytest.raises(Conflict) as exc:
            services.service_request_close(actor=staff["cs_manager"], number=paid_request.number)
        assert "尚未" in str(exc.value.message)
    assert ServiceRequest.objects.get(pk=paid_request.pk).state == "signed"
    quote_cash_collect(actor=staff["engineer"], number=paid_request.number)
    closed = services.service_request_close(actor=staff["cs_manager"], number=paid_request.number)
    assert closed.state == "closed"


def test_fault5_an_invoiced_fee_lets_the_request_close(staff, fee, paid_request, finance):
    quote = _accepted(staff, paid_request)
    _complete_and_sign(staff, paid_request)
    quote_payment_record(actor=finance, number=quote.number, state="invoiced", amount=quote.total, invoice_number="FP9")
    assert services.service_request_close(actor=staff["cs_manager"], number=paid_request.number).state == "closed"


def test_fault5_close_page_shows_the_chinese_error(staff, fee, paid_request):
    _accepted(staff, paid_request)
    _complete_and_sign(staff, paid_request)
    request = ServiceRequest.objects.get(pk=paid_request.pk)
    response = _client(staff["cs_manager"].user).post(
        reverse("service:request_detail", args=[request.number]),
        {"action": "close", "close-version": request.version, "close-note": ""},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 409
    assert "费用" in response.content.decode()
    assert ServiceRequest.objects.get(pk=paid_request.pk).state == "signed"


def test_fault5_engineer_records_cash_on_the_phone(staff, fee, paid_request, finance):
    _accepted(staff, paid_request)
    request = ServiceRequest.objects.get(pk=paid_request.pk)
    client = _client(staff["engineer"].user)
    url = reverse("service:engineer_job", args=[request.number])
    assert 'id="action-collect"' in client.get(url).content.decode()
    response = client.post(url, {"action": "collect", "collect-version": request.version})
    assert response.status_code == 302
    assert Quote.objects.get().payment_state == "collected"
    assert 'id="action-collect"' not in client.get(url).content.decode()


# --- finance's outstanding fees (page, API, Excel) -----------------------------------------------


def test_fault5_finance_lists_outstanding_fees(staff, fee, paid_request, finance, new_request, old_unit):
    _accepted(staff, paid_request)
    other = new_request(serial=old_unit.serial)
    services.service_request_dispatch(actor=staff["team_lead"], number=other.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=other.number)
    _accepted(staff, ServiceRequest.objects.get(pk=other.pk), hours="1")
    quote_cash_collect(actor=staff["engineer"], number=other.number)
    client = _client(finance.user)
    page = client.get(reverse("service:fees_outstanding"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = page.content.decode()
    assert page.status_code == 200
    assert reverse("service:request_detail", args=[paid_request.number]) in body
    assert reverse("service:request_detail", args=[other.number]) in body
    only_due = client.get(reverse("service:fees_outstanding"), {"payment_state": "due"}).content.decode()
    assert paid_request.number in only_due
    assert f'data-number="{other.number}"' not in only_due
    # finance confirms the cash from the list; the row leaves it
    quote = Quote.objects.get(request=other, state="accepted")
    response = client.post(reverse("service:fees_outstanding"), {"number": quote.number})
    assert response.status_code == 302
    assert Quote.objects.get(pk=quote.pk).payment_state == "received"
    assert f'data-number="{other.number}"' not in client.get(reverse("service:fees_outstanding")).content.decode()
    # the API
    api = client.get("/api/v1/service-fees/outstanding")
    assert api.status_code == 200
    rows = api.json()["items"]
    assert [(r["request"], r["payment_state"], r["agreed_price"]) for r in rows] == [
        (paid_request.number, "due", "571.00")
    ]
    # the Excel export
    export = client.get(reverse("service:fees_outstanding_export"))
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [v[0] for v in values] == [paid_request.number]


def test_fault5_outstanding_fees_are_finance_only(staff, fee, paid_request):
    client = _client(staff["engineer"].user)
    assert client.get(reverse("service:fees_outstanding")).status_code == 403
    assert client.get(reverse("service:fees_outstanding_export")).status_code == 403
    assert client.get("/api/v1/service-fees/outstanding").status_code == 403


# --- fault 2: the depot forms print the charging type ---------------------------------------------


def _pdf_text(tmp_path: Path, pdf: bytes) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_fault2_pickup_receipt_and_repair_tag_print_the_charging_type(tmp_path, staff, new_request, old_unit):
    request = new_request(serial=old_unit.serial, fault="控制板烧毁")
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    services.service_request_to_depot(actor=staff["engineer"], number=request.number, reason="现场无法修复")
    job = depot.depot_receive(actor=staff["engineer"], number=request.number, accessories="", condition="")
    with translation.override("zh-hans"):
        for pdf in (documents.pickup_receipt_pdf(job), documents.repair_tag_pdf(job)):
            text = _pdf_text(tmp_path, pdf)
            line = next(line for line in text.splitlines() if "收费类型" in line)
            assert "A 有偿" in line, line
