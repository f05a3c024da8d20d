"""S11, S13, B1: the printable forms are real A4 PDFs in Chinese with embedded CJK fonts and the signature.

Checked with poppler: pdftotext (the Chinese text is there), pdffonts (every font embedded, a CJK
font among them — pdftotext alone would not notice tofu), pdfimages (the signature image is in).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from aftersales.service import documents, services
from aftersales.service.services import depot

pytestmark = pytest.mark.django_db


def signature_png() -> str:
    """A signature-like drawing: black strokes on a transparent background, as the signature pad sends it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 90), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(10, 70), (50, 15), (90, 75), (140, 20), (230, 60)], fill=(0, 0, 0, 255), width=5)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def closed_case(staff: dict[str, Any], new_request: Any) -> Any:
    """S1–S11 through the services: a step, a part, labour, the customer's signature, the countersignature."""
    request = new_request(fault="主轴异响，无法加工", contact_name="王建国")
    number = request.number
    services.service_request_dispatch(actor=staff["team_lead"], number=number, engineer="eng1")
    services.service_request_book(
        actor=staff["engineer"], number=number, visit_at=timezone.now() + dt.timedelta(hours=2)
    )
    services.service_request_arrive(actor=staff["engineer"], number=number)
    services.service_request_step_add(actor=staff["engineer"], number=number, text="清洁主轴，更换前端轴承")
    services.service_request_part_add(
        actor=staff["engineer"],
        number=number,
        part_code="BRG-7014",
        part_name="主轴轴承",
        quantity=2,
        unit_price=Decimal("860.00"),
        return_required=True,
    )
    services.service_request_complete(
        actor=staff["engineer"],
        number=number,
        resolution="on_site",
        work_summary="更换主轴轴承，试机正常",
        self_check_passed=True,
        labour_minutes=150,
    )
    services.service_request_sign_off(
        actor=staff["engineer"], number=number, signature=signature_png(), signed_by_name="王建国"
    )
    return services.service_request_close(actor=staff["cs_manager"], number=number)


def poppler(tmp_path: Path, pdf: bytes, tool: str, *args: str) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])], capture_output=True, text=True, check=True
    ).stdout


def assert_real_chinese_pdf(tmp_path: Path, pdf: bytes, *texts: str) -> str:
    assert pdf.startswith(b"%PDF-")
    text = poppler(tmp_path, pdf, "pdftotext", "-layout")
    for expected in texts:
        assert expected in text, expected
    fonts = [line.split() for line in poppler(tmp_path, pdf, "pdffonts").splitlines()[2:]]
    assert fonts, "no fonts in the PDF"
    # Columns: name type [type…] encoding emb sub uni object ID → emb is the 5th from the end.
    assert all(cols[-5] == "yes" for cols in fonts), fonts
    assert any("CJK" in cols[0] or "WenQuanYi" in cols[0] for cols in fonts), fonts
    info = poppler(tmp_path, pdf, "pdfinfo")
    assert "pts (A4)" in info
    return text


def image_count(tmp_path: Path, pdf: bytes) -> int:
    listing = poppler(tmp_path, pdf, "pdfimages", "-list").splitlines()[2:]
    return sum(1 for line in listing if line.split()[2] == "image")


def test_s11_voucher_and_repair_order_in_chinese_with_signature(tmp_path, staff, new_request):
    sr = closed_case(staff, new_request)
    with translation.override("zh-hans"):
        voucher = documents.voucher_pdf(sr)
        repair_order = documents.repair_order_pdf(sr)
        title_voucher, title_order = (
            str(translation.gettext("Service voucher")),
            str(translation.gettext("Repair order")),
        )
    for pdf, title in ((voucher, title_voucher), (repair_order, title_order)):
        text = assert_real_chinese_pdf(
            tmp_path,
            pdf,
            title,
            sr.number,
            sr.customer.name,
            "主轴异响，无法加工",
            "清洁主轴，更换前端轴承",  # work step
            "主轴轴承",  # part used
            "¥1,720.00",  # 2 × 860
            "2.50",  # labour hours
            "王建国",  # signed by
            "示例设备有限公司",  # company header (settings)
            "boss1",  # countersigned by
        )
        assert "C" in text  # charging type C (in warranty)
        assert image_count(tmp_path, pdf) == 1  # the customer's signature


def test_s11_voucher_without_signature_has_no_image(tmp_path, staff, new_request):
    sr = new_request()
    assert image_count(tmp_path, documents.voucher_pdf(sr)) == 0


def test_s13_pickup_receipt_and_repair_tag(tmp_path, staff, new_request):
    request = new_request(fault="控制板烧毁")
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    services.service_request_to_depot(actor=staff["engineer"], number=request.number, reason="现场无法修复")
    job = depot.depot_receive(
        actor=staff["engineer"], number=request.number, accessories="电源线一根", condition="外壳完好"
    )
    for pdf in (documents.pickup_receipt_pdf(job), documents.repair_tag_pdf(job)):
        assert_real_chinese_pdf(
            tmp_path, pdf, job.receipt_number, job.tag_number, request.number, "控制板烧毁", "电源线一根", "外壳完好"
        )


def make_quote(sr: Any, user: Any, *, with_signature: bool = True) -> Any:
    """A quotation row as the quote services would leave it (B1); the PDF renders whatever it holds."""
    from aftersales.service.models import FeeStandard, Quote, QuoteLine

    fee = FeeStandard.objects.create(
        version=1, state="approved", labour_rate=Decimal("200.00"), callout_fee=Decimal("150.00"), created_by=user,
        approved_by=user, approved_at=timezone.now(),
    )  # fmt: skip
    quote = Quote.objects.create(
        number="BJ202611230001",
        request=sr,
        fee_standard=fee,
        labour_hours=Decimal("3.00"),
        labour_amount=Decimal("600.00"),
        callout_amount=Decimal("150.00"),
        parts_amount=Decimal("1280.00"),
        total=Decimal("2030.00"),
        note="报价有效期 15 天",
        offered_by=user,
        decided_at=timezone.now() if with_signature else None,
        decided_by_name="李明" if with_signature else "",
        signature_png=base64.b64decode(signature_png().split(",", 1)[1]) if with_signature else None,
    )
    QuoteLine.objects.create(
        quote=quote, part_code="PCB-220", description="主控板", quantity=1, unit_price=Decimal("1280.00"),
        amount=Decimal("1280.00"),
    )  # fmt: skip
    return quote


def test_b1_quotation_pdf(tmp_path, staff, customer, old_unit, new_request):
    sr = new_request(serial=old_unit.serial)
    quote = make_quote(sr, staff["cs_manager"].user)
    pdf = documents.quotation_pdf(quote)
    assert_real_chinese_pdf(
        tmp_path, pdf, "BJ202611230001", "主控板", "¥1,280.00", "¥2,030.00", "报价有效期 15 天", "李明"
    )
    assert image_count(tmp_path, pdf) == 1


# --- the views: Content-Type, access through selectors.access_service_request ----------------


@pytest.fixture
def portal_users(make_user: Any, customer: Any) -> dict[str, Any]:
    from tests.installed_base.factories import CustomerFactory

    other = CustomerFactory(region=customer.region)
    return {
        "own": make_user("customer", username="portal_own", customer_id=customer.pk),
        "other": make_user("customer", username="portal_other", customer_id=other.pk),
    }


def get_as(user: Any, url: str) -> Any:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def test_s11_pdf_views_return_pdfs_and_check_access(staff, new_request, portal_users):
    sr = closed_case(staff, new_request)
    quote = make_quote(sr, staff["cs_manager"].user)
    urls = [
        reverse("service:request_voucher_pdf", args=[sr.number]),
        reverse("service:request_repair_order_pdf", args=[sr.number]),
        reverse("service:quote_pdf", args=[quote.number]),
    ]
    for url in urls:
        for user in (staff["engineer"].user, staff["cs_manager"].user, portal_users["own"]):
            response = get_as(user, url)
            assert response.status_code == 200, (url, user)
            assert response["Content-Type"] == "application/pdf"
            assert response.content.startswith(b"%PDF-")
        # Another organisation's portal user and an engineer not on the job: the same 404 as a missing number.
        assert get_as(portal_users["other"], url).status_code == 404
        assert get_as(staff["engineer2"].user, url).status_code == 404
        assert get_as(None, url).status_code == 302  # to the login page
    assert get_as(staff["cs_manager"].user, reverse("service:request_voucher_pdf", args=["FW000"])).status_code == 404
    assert get_as(staff["cs_manager"].user, reverse("service:quote_pdf", args=["BJ000"])).status_code == 404


def test_s13_depot_pdf_views(staff, new_request, portal_users):
    request = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    services.service_request_to_depot(actor=staff["engineer"], number=request.number)
    job = depot.depot_receive(actor=staff["engineer"], number=request.number)
    receipt = reverse("service:depot_receipt_pdf", args=[job.receipt_number])
    tag = reverse("service:depot_tag_pdf", args=[job.tag_number])
    for url in (receipt, tag, reverse("service:depot_tag_pdf", args=[job.receipt_number])):
        response = get_as(staff["engineer"].user, url)
        assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
        assert get_as(staff["engineer2"].user, url).status_code == 404
        assert get_as(portal_users["other"], url).status_code == 404
    assert get_as(staff["engineer"].user, reverse("service:depot_tag_pdf", args=["WK000"])).status_code == 404
