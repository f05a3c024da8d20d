"""Returns pages and printable forms (R1–R4, K7): who may open them, what they show, what their forms do.

Each page through the Django test client (Chinese, the default language); every refused action
leaves the return as it was. The PDFs are checked with poppler: pdftotext (the Chinese text and
the three copy labels are there), pdffonts (every font embedded, a CJK font among them).
"""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.returns import services
from aftersales.returns.models import DiscountCertificate, ReturnRequest
from tests.returns.conftest import days_ago

pytestmark = pytest.mark.django_db

LIST = reverse("returns:return_list")
CREATE = reverse("returns:return_create")
CERTIFICATE_CREATE = reverse("returns:certificate_create")
COPY_LABELS = ("仓储部联", "财务部联", "销售部联")


def _client(actor: Any) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


@pytest.fixture
def as_role(staff: dict[str, Any]) -> Any:
    return lambda role: _client(staff[role])


def _detail(number: str) -> str:
    return reverse("returns:return_detail", args=[number])


def _note(number: str) -> str:
    return reverse("returns:return_note_pdf", args=[number])


def _field_errors(html: str, field: str) -> list[str]:
    return [unescape(m) for m in re.findall(rf'data-field-error="{re.escape(field)}">([^<]*)<', html)]


def _approved(staff: dict[str, Any], new_return: Any, **kwargs: Any) -> ReturnRequest:
    found = new_return(**kwargs)
    return services.return_request_approve(
        actor=staff["sales_manager"], number=found.number, disposition="restock", basis="合同第 5 条"
    )


def _poppler(tmp_path: Path, pdf: bytes, tool: str, *args: str) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])], capture_output=True, text=True, check=True
    ).stdout


def _assert_chinese_pdf(tmp_path: Path, pdf: bytes, *texts: str) -> str:
    assert pdf.startswith(b"%PDF")
    text = _poppler(tmp_path, pdf, "pdftotext", "-layout")
    for expected in texts:
        assert expected in text, expected
    fonts = [line.split() for line in _poppler(tmp_path, pdf, "pdffonts").splitlines()[2:]]
    assert fonts, "no fonts in the PDF"
    assert all(cols[-5] == "yes" for cols in fonts), fonts  # emb column
    assert any("CJK" in cols[0] or "WenQuanYi" in cols[0] for cols in fonts), fonts
    return text


# --- list and menu ---------------------------------------------------------------------------


def test_list_filters_by_state_and_customer_text(as_role: Any, staff: Any, new_return: Any, other_customer: Any):
    first = new_return()
    second = _approved(staff, new_return, customer_id=other_customer.pk)
    client = as_role("warehouse")
    page = client.get(LIST).content.decode()
    assert first.number in page
    assert second.number in page
    assert "退换货" in page  # the title and the menu entry
    approved = client.get(LIST, {"state": "approved"}).content.decode()
    assert second.number in approved
    assert first.number not in approved
    by_name = client.get(LIST, {"q": other_customer.name}).content.decode()
    assert second.number in by_name
    assert first.number not in by_name


def test_pages_are_for_holders_of_the_view_permission(as_role: Any, new_return: Any, client: Client):
    found = new_return()
    assert as_role("engineer").get(LIST).status_code == 403
    assert as_role("engineer").get(_detail(found.number)).status_code == 403
    assert as_role("engineer").get(CREATE).status_code == 403
    assert as_role("warehouse").get(CREATE).status_code == 403  # reads, does not ask
    assert as_role("sales").get(CERTIFICATE_CREATE).status_code == 403  # only the VP signs (R4)
    assert as_role("sales").get(_detail("TH000000000")).status_code == 404
    assert client.get(LIST).status_code == 302  # anonymous → login
    assert "退换货" not in as_role("engineer").get("/").content.decode()


# --- the request form (R1) -------------------------------------------------------------------


def _create_data(target: Any, **kwargs: Any) -> dict[str, Any]:
    data = {
        "customer": target.code,
        "kind": "return",
        "condition": "wrong_model_unopened",
        "model": "XK-100",
        "wanted_model": "XK-200",
        "order_number": "SO-9",
        "ship_date": days_ago(2).isoformat(),
        "quantity": "3",
        "unit_price": "500.00",
        "reason": "型号订错",
        "unopened": "on",
    }
    data.update(kwargs)
    return {k: v for k, v in data.items() if v is not None}


def test_create_registers_the_request_and_opens_its_page(as_role: Any, customer: Any):
    response = as_role("sales").post(CREATE, _create_data(customer))
    assert response.status_code == 302
    found = ReturnRequest.objects.get()
    assert response["Location"] == _detail(found.number)
    assert (found.value, found.state, found.condition) == (Decimal("1500.00"), "requested", "wrong_model_unopened")
    page = as_role("sales").get(_detail(found.number)).content.decode()
    assert "退库产品申请单" in page
    assert "已申请" in page
    # K7: 1500 yuan is decided by the VP; the explanation says why.
    assert re.search(r'id="approval-role">副总经理<', page)
    assert "1500.00" in page
    assert "K7" in page


def test_r1_refusal_is_shown_in_chinese_on_the_fields_and_changes_nothing(as_role: Any, customer: Any):
    response = as_role("sales").post(CREATE, _create_data(customer, unopened=None, ship_date=days_ago(90).isoformat()))
    assert response.status_code == 422
    html = response.content.decode()
    assert _field_errors(html, "unopened") == ["R1：只有未拆封的产品才能退换为其他型号。"]
    assert _field_errors(html, "ship_date") == ["R1：发货已超过 30 天，不属于“刚发货”。"]
    assert ReturnRequest.objects.count() == 0


def test_unknown_customer_is_a_field_error(as_role: Any, customer: Any):
    response = as_role("sales").post(CREATE, _create_data(customer, customer="NO-SUCH"))
    assert response.status_code == 422
    assert _field_errors(response.content.decode(), "customer") == ["没有匹配的客户。"]
    assert ReturnRequest.objects.count() == 0


# --- the return page: approval, receiving, booking (K7, R2, R3) ------------------------------


def test_only_an_approver_of_the_right_level_sees_the_approval_forms(as_role: Any, new_return: Any):
    small = new_return()  # 2 × 100 = 200 yuan: the sales manager (or above)
    big = new_return(quantity=20, unit_price="500.00")  # 10000 yuan: the general manager
    assert 'id="action-approve"' in as_role("sales_manager").get(_detail(small.number)).content.decode()
    assert 'id="action-approve"' in as_role("gm").get(_detail(small.number)).content.decode()
    assert 'id="action-approve"' not in as_role("sales").get(_detail(small.number)).content.decode()
    big_page = as_role("sales_manager").get(_detail(big.number)).content.decode()
    assert 'id="action-approve"' not in big_page
    assert re.search(r'id="approval-role">总经理<', big_page)
    # Posting anyway is refused with the K7 message; nothing changes.
    response = as_role("sales_manager").post(
        _detail(big.number), {"action": "approve", "approve-disposition": "restock", "approve-version": big.version}
    )
    assert response.status_code == 403
    assert "总经理" in response.content.decode()
    assert ReturnRequest.objects.get(pk=big.pk).state == "requested"
    assert as_role("warehouse").post(_detail(small.number), {"action": "approve"}).status_code == 403


def test_approve_then_the_copies_and_the_note_link_appear(as_role: Any, new_return: Any):
    found = new_return()
    response = as_role("sales_manager").post(
        _detail(found.number),
        {
            "action": "approve",
            "approve-approved_quantity": "2",
            "approve-disposition": "restock",
            "approve-basis": "合同第 5 条",
            "approve-version": found.version,
        },
    )
    assert response.status_code == 302
    found.refresh_from_db()
    assert (found.state, found.approved_quantity, found.approval_role) == ("approved", 2, "sales_manager")
    page = as_role("warehouse").get(_detail(found.number)).content.decode()
    assert "产品退货单" in page
    for label in COPY_LABELS:
        assert label in page
    assert 'id="return-note-pdf"' in page
    assert 'id="action-receive"' in page
    assert 'id="action-book"' not in page


def test_stale_version_is_refused_and_changes_nothing(as_role: Any, staff: Any, new_return: Any):
    found = _approved(staff, new_return)
    response = as_role("warehouse").post(
        _detail(found.number), {"action": "receive", "receive-quantity": "2", "receive-version": found.version - 1}
    )
    assert response.status_code == 409
    assert "其他人已修改了此退货单" in response.content.decode()
    assert ReturnRequest.objects.get(pk=found.pk).state == "approved"


def test_r3_finance_is_refused_while_the_quantities_differ(as_role: Any, staff: Any, new_return: Any):
    found = _approved(staff, new_return)
    warehouse, finance = as_role("warehouse"), as_role("finance")
    receive = {"action": "receive", "receive-quantity": "1", "receive-version": found.version}
    assert warehouse.post(_detail(found.number), receive).status_code == 302
    page = finance.get(_detail(found.number)).content.decode()
    assert 'id="action-book"' in page
    assert 'id="quantity-warning"' in page
    found.refresh_from_db()
    response = finance.post(_detail(found.number), {"action": "book", "book-version": found.version})
    assert response.status_code == 409
    html = unescape(response.content.decode())
    assert "R3：实收数量 1 与批准数量 2 不一致" in html
    assert ReturnRequest.objects.get(pk=found.pk).state == "received"
    # The warehouse recounts; finance books.
    receive = {"action": "receive", "receive-quantity": "2", "receive-version": found.version}
    assert warehouse.post(_detail(found.number), receive).status_code == 302
    found.refresh_from_db()
    assert finance.post(_detail(found.number), {"action": "book", "book-version": found.version}).status_code == 302
    found.refresh_from_db()
    assert (found.state, found.received_quantity) == ("booked", 2)
    # An exchange then ships its replacement (the warehouse).
    assert 'id="action-reissue"' in warehouse.get(_detail(found.number)).content.decode()
    assert (
        warehouse.post(_detail(found.number), {"action": "reissue", "reissue-version": found.version}).status_code
        == 302
    )
    assert ReturnRequest.objects.get(pk=found.pk).state == "reissued"


# --- PDFs ------------------------------------------------------------------------------------


def test_return_note_pdf_has_three_labelled_copies_in_chinese(as_role: Any, staff: Any, new_return: Any, tmp_path):
    found = _approved(staff, new_return)
    response = as_role("finance").get(_note(found.number))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _assert_chinese_pdf(tmp_path, response.content, "产品退货单", found.number, "合同第 5 条", *COPY_LABELS)
    assert text.count("产品退货单") >= 3  # one page per copy
    info = _poppler(tmp_path, response.content, "pdfinfo")
    assert re.search(r"Pages:\s+3", info)
    assert "pts (A4)" in info


def test_return_note_pdf_is_404_for_others(as_role: Any, staff: Any, new_return: Any, make_user: Any, customer: Any):
    found = _approved(staff, new_return)
    requested = new_return()
    assert as_role("engineer").get(_note(found.number)).status_code == 404
    assert as_role("sales").get(_note(requested.number)).status_code == 404  # not approved: no note yet
    assert as_role("sales").get(_note("TH000000000")).status_code == 404
    portal = Client()
    portal.force_login(make_user("customer", customer_id=customer.pk))
    assert portal.get(_note(found.number)).status_code == 404


# --- R4: the sales discount certificate ------------------------------------------------------


def test_vp_issues_a_certificate_and_prints_it(as_role: Any, staff: Any, new_return: Any, customer: Any, tmp_path):
    found = _approved(staff, new_return)
    vp = as_role("vp")
    form = vp.get(CERTIFICATE_CREATE, {"return": found.number}).content.decode()
    assert "销货折扣证明单" in form
    assert customer.code in form
    response = vp.post(
        CERTIFICATE_CREATE,
        {
            "customer": customer.code,
            "amount": "300.00",
            "reason": "交货延误补偿",
            "return_number": found.number,
            "customer_signed": "on",
            "customer_signed_by_name": "王科长",
        },
    )
    assert response.status_code == 302
    certificate = DiscountCertificate.objects.get()
    assert response["Location"] == reverse("returns:certificate_detail", args=[certificate.number])
    page = vp.get(response["Location"]).content.decode()
    assert "王科长" in page
    assert "300.00" in page
    pdf = as_role("sales").get(reverse("returns:certificate_pdf", args=[certificate.number]))
    assert pdf.status_code == 200
    _assert_chinese_pdf(tmp_path, pdf.content, "销货折扣证明单", certificate.number, "王科长", "副总经理")
    assert as_role("engineer").get(reverse("returns:certificate_pdf", args=[certificate.number])).status_code == 404


def test_certificate_error_is_shown_on_its_field(as_role: Any, customer: Any):
    response = as_role("vp").post(
        CERTIFICATE_CREATE,
        {"customer": customer.code, "amount": "300.00", "reason": "补偿", "customer_signed": "on"},
    )
    assert response.status_code == 422
    assert _field_errors(response.content.decode(), "customer_signed_by_name")
    assert DiscountCertificate.objects.count() == 0


def test_a_certificate_above_the_vps_limit_waits_and_the_gm_signs_it_on_its_page(
    as_role: Any, customer: Any, staff: Any
):
    vp, gm = as_role("vp"), as_role("gm")
    response = vp.post(CERTIFICATE_CREATE, {"customer": customer.code, "amount": "6000.00", "reason": "质量索赔"})
    assert response.status_code == 302
    certificate = DiscountCertificate.objects.get()
    assert (certificate.state, certificate.signed_by_vp) == ("awaiting_approval", None)
    page = vp.get(response["Location"]).content.decode()
    assert "超出您的核决权限" in page
    assert re.search(r'id="approval-role">总经理<', page)
    assert 'id="certificate-decide"' not in page  # beyond the VP's authority, and his own request
    assert 'id="certificate-pdf"' not in page
    assert vp.get(reverse("returns:certificate_pdf", args=[certificate.number])).status_code == 404
    refused = vp.post(response["Location"], {"action": "approve"})
    assert refused.status_code == 403
    assert "总经理" in refused.content.decode()
    assert DiscountCertificate.objects.get().state == "awaiting_approval"
    assert 'id="certificate-decide"' in gm.get(response["Location"]).content.decode()
    assert gm.post(response["Location"], {"action": "approve", "note": "同意"}).status_code == 302
    certificate.refresh_from_db()
    assert (certificate.state, certificate.signed_by_vp) == ("issued", staff["gm"].user)
    assert gm.get(reverse("returns:certificate_pdf", args=[certificate.number])).status_code == 200


def test_the_return_page_says_who_must_approve_in_the_queue(as_role: Any, new_return: Any):
    found = new_return(quantity=3, unit_price="500.00")
    page = as_role("sales").get(_detail(found.number)).content.decode()
    assert 'id="approval-pending"' in page
    assert "副总经理" in page
