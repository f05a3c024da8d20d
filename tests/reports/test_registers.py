"""Q7 registers: every intake by channel (service requests and complaints), dispatch records, the
expense report (fees, parts cost, travel from S8); filters, Excel export, and a constant number of
queries whatever the number of rows (no query per row)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.selectors import actor_for
from aftersales.approvals.models import Approval
from aftersales.complaints.models import Complaint
from aftersales.reports import registers
from aftersales.service.models import FeeStandard, Quote
from tests.reports.conftest import add_part, at, make_request

pytestmark = pytest.mark.django_db
NOV = {"date_from": dt.date(2026, 11, 1), "date_to": dt.date(2026, 11, 30)}


def _complaint(world: dict[str, Any], when: dt.datetime, number: str, channel: str = "letter") -> Complaint:
    return Complaint.objects.create(
        number=number, customer=world["customer"], complaint_class="quality", channel=channel, description="外壳开裂",
        received_at=when, registered_by=world["agent"],
    )  # fmt: skip


def _expenses(world: dict[str, Any], n: int) -> list[Any]:
    standard = FeeStandard.objects.first() or FeeStandard.objects.create(
        version=1, labour_rate=Decimal("100"), callout_fee=Decimal("50"), created_by=world["agent"]
    )
    made = []
    for i in range(n):
        r = make_request(
            world, at("2026-11-02"), completed_at=at("2026-11-03", 10 + i % 8), engineer=world["engineers"][0],
            dispatched_at=at("2026-11-02", 11),
        )  # fmt: skip
        add_part(world, r, "P-1", "轴承", quantity=2, price="30.00")
        add_part(world, r, "P-2", "皮带", quantity=1, price="15.50")
        Quote.objects.create(
            number=f"BJT{r.pk:06d}", request=r, state="accepted", fee_standard=standard, labour_hours=Decimal("1"),
            labour_amount=Decimal("100"), callout_amount=Decimal("50"), parts_amount=Decimal("75.5"),
            total=Decimal("225.50"), agreed_price=Decimal("200.00"), collected_amount=Decimal("200.00"),
            offered_by=world["agent"],
        )  # fmt: skip
        Quote.objects.create(
            number=f"BJX{r.pk:06d}", request=r, state="declined", fee_standard=standard, labour_hours=Decimal("1"),
            labour_amount=Decimal("1"), callout_amount=Decimal("1"), parts_amount=Decimal("1"), total=Decimal("999"),
            offered_by=world["agent"],
        )  # fmt: skip
        for state, amount in (("approved", "380.00"), ("refused", "999.00")):
            Approval.objects.create(
                subject_type="service.servicerequest", subject_id=str(r.pk), subject_label=r.number, kind="offsite", state=state,
                amount=Decimal(amount), requested_by=world["engineers"][0], rule="S8",
            )  # fmt: skip
        made.append(r)
    return made


def _analyst(make_user: Any) -> Any:
    return actor_for(make_user("analyst", username="analyst_q7"))


def test_intake_register(world: dict[str, Any], make_user: Any) -> None:
    make_request(world, at("2026-11-03"), channel="phone", contact_name="张工", phone="13800000000")
    make_request(world, at("2026-11-04"), channel="letter")
    make_request(world, at("2026-10-31", 23, 59), channel="letter")  # October: not listed
    _complaint(world, at("2026-11-05"), "TS202611050001", channel="letter")
    analyst = _analyst(make_user)
    rows = list(registers.intake_register(analyst, **NOV))
    assert [(r[0], r[3]) for r in rows] == [("complaint", "letter"), ("request", "letter"), ("request", "phone")]
    assert rows[2][5:7] == ("张工", "13800000000")
    letters = list(registers.intake_register(analyst, **NOV, channel="letter"))
    assert len(letters) == 2
    assert [r[0] for r in registers.intake_register(analyst, **NOV, kind="complaint")] == ["complaint"]
    assert len(list(registers.intake_register(analyst, **NOV, kind="request"))) == 2


def test_dispatch_register(world: dict[str, Any], make_user: Any) -> None:
    e1, e2 = world["engineers"]
    make_request(world, at("2026-11-02"), engineer=e1, dispatched_at=at("2026-11-02", 11), address="上海市浦东新区")
    make_request(world, at("2026-11-02"), engineer=e2, dispatched_at=at("2026-11-03", 9))
    make_request(world, at("2026-11-02"))  # never dispatched
    analyst = _analyst(make_user)
    rows = list(registers.dispatch_register(analyst, **NOV))
    assert [r["engineer__username"] for r in rows] == ["eng_r2", "eng_r1"]
    assert [r["address"] for r in registers.dispatch_register(analyst, **NOV, engineer="eng_r1")] == ["上海市浦东新区"]


def test_expense_register_sums_fees_parts_and_approved_travel(world: dict[str, Any], make_user: Any) -> None:
    _expenses(world, 2)
    make_request(world, at("2026-11-02"))  # not completed: not listed
    analyst = _analyst(make_user)
    rows = list(registers.expense_register(analyst, **NOV))
    assert len(rows) == 2
    assert {(r["fees"], r["collected"], r["parts_cost"], r["travel"]) for r in rows} == {
        (Decimal("200.00"), Decimal("200.00"), Decimal("75.50"), Decimal("380.00"))
    }
    totals = registers.expense_totals(registers.expense_register(analyst, **NOV))
    assert totals == {
        "fees": Decimal("400"),
        "collected": Decimal("400"),
        "parts_cost": Decimal("151"),
        "travel": Decimal("760"),
    }


@pytest.mark.parametrize("which", ["intake", "dispatch", "expenses"])
def test_pages_use_a_constant_number_of_queries(world: dict[str, Any], make_user: Any, which: str) -> None:
    client = Client()
    client.force_login(make_user("analyst", username="analyst_q7"))
    params = {"date_from": "2026-11-01", "date_to": "2026-11-30"}
    _expenses(world, 2)
    _complaint(world, at("2026-11-05"), "TS202611050001")
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/reports/registers/{which}/", params).status_code == 200
    _expenses(world, 12)
    for i in range(10):
        _complaint(world, at("2026-11-06"), f"TS2026110600{i:02d}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(f"/reports/registers/{which}/", params).content.decode()
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert page.count("/service/requests/") >= 14


def test_export_keeps_the_filters(world: dict[str, Any], make_user: Any) -> None:
    make_request(world, at("2026-11-03"), channel="phone")
    make_request(world, at("2026-11-04"), channel="letter")
    client = Client()
    client.force_login(make_user("analyst", username="analyst_q7"))
    response = client.get(
        "/reports/registers/intake/",
        {"date_from": "2026-11-01", "date_to": "2026-11-30", "channel": "letter", "export": "xlsx"},
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    channels = [row[3].value for row in book.active.iter_rows()]  # the channel column
    assert "信函" in channels
    assert "电话" not in channels
    assert client.get("/reports/registers/nothing/").status_code == 404
    other = Client()
    other.force_login(make_user("engineer", username="eng_q7"))
    assert other.get("/reports/registers/intake/").status_code == 403
