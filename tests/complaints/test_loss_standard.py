"""Issue 13 fault 8 (K8): the reward/penalty notice deducts by the loss and penalty standard
(客户投诉损失金额核算基准, 罚扣判定基准; policy K8.loss_standard: 10 % of the accountable loss, at most
2,000 yuan a case), not the whole customer loss, and explains it in plain language."""

from __future__ import annotations

import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from aftersales.complaints import services
from aftersales.policies.services import policy_set
from tests.complaints.conftest import at
from tests.complaints.test_reviews import closed
from tests.complaints.test_views import _client

pytestmark = pytest.mark.django_db


def _deductions(review):
    return {line["loss_amount"]: line["deduction"] for line in review.lines}


def test_a_50000_loss_gives_2000_and_a_5000_loss_gives_500(new_complaint, staff):
    closed(new_complaint, staff, on="2025-10-10 10:00", loss=Decimal("50000.00"))
    closed(new_complaint, staff, on="2025-10-11 10:00", loss=Decimal("5000.00"), person="sales", department="营销部")
    review = services.review_prepare(actor=staff["cs_manager"], period="2025-10")
    assert _deductions(review) == {"50000.00": "2000.00", "5000.00": "500.00"}
    assert [(n["responsible_person"], n["loss"], n["deduction"]) for n in review.notices] == [
        ("engineer", "50000.00", "2000.00"),
        ("sales", "5000.00", "500.00"),
    ]
    assert review.total_deductions == Decimal("2500.00")
    assert (review.loss_standard["share_percent"], review.loss_standard["cap_yuan"]) == (10, 2000)


def test_a_policy_change_changes_the_deduction(new_complaint, staff):
    closed(new_complaint, staff, on="2025-10-10 10:00", loss=Decimal("50000.00"))
    closed(new_complaint, staff, on="2025-10-11 10:00", loss=Decimal("5000.00"), person="sales", department="营销部")
    version = policy_set(
        actor=staff["admin"],
        key="K8.loss_standard",
        value={"share_percent": 20, "cap_yuan": 5000},
        note="新的罚扣判定基准",
        effective_from=at("2025-10-01 00:00"),
    )
    review = services.review_prepare(actor=staff["cs_manager"], period="2025-10")
    assert _deductions(review) == {"50000.00": "5000.00", "5000.00": "1000.00"}
    assert review.loss_standard["policy_version"] == version.number


def test_the_notice_explains_the_standard_in_plain_chinese(new_complaint, staff, tmp_path):
    closed(new_complaint, staff, on="2025-10-10 10:00", loss=Decimal("50000.00"))
    services.review_prepare(actor=staff["cs_manager"], period="2025-10")
    client = _client(staff["cs_manager"])
    html = client.get(reverse("complaints:review_detail", args=["2025-10"])).content.decode()
    assert "10%" in html
    assert "2000 元" in html
    pdf = client.get(reverse("complaints:review_notice_pdf", args=["2025-10"]))
    assert pdf.status_code == 200
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    compact = "".join(text.split())
    assert "10%" in compact
    assert "2000元" in compact
    assert "2,000.00" in compact
