"""The lists that gained `?export=xlsx` (issue 13 point 9): each file holds the list's filtered rows
(read back with openpyxl) and the export is logged on the exporting user (list.exported)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from aftersales.core.models import Event
from tests.installed_base.factories import CustomerFactory, EquipmentFactory, LoanFactory

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sheet_rows(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def logged(user: Any, name: str) -> dict[str, Any]:
    event = Event.objects.filter(action="list.exported", actor=user, data__list=name).get()
    return event.data


def test_fault_codes_export_keeps_the_kind_filter(make_user: Any) -> None:
    from aftersales.service.models import FaultCode

    FaultCode.objects.create(kind="symptom", category="数控机床", code="S01", name="主轴异响", synonyms="噪音\n异响")
    FaultCode.objects.create(kind="symptom", category="数控机床", code="S02", name="不开机")
    FaultCode.objects.create(kind="cause", category="数控机床", code="C01", name="轴承磨损")
    user = make_user("cs_manager")
    rows = sheet_rows(client_for(user).get(reverse("service:fault_codes"), {"kind": "symptom", "export": "xlsx"}))
    assert rows[0] == ("类型", "产品类别", "编码", "名称", "同义词", "启用")
    assert sorted(row[2] for row in rows[1:]) == ["S01", "S02"]
    assert ("故障现象", "数控机床", "S01", "主轴异响", "噪音、异响", "是") in rows
    assert logged(user, "fault-codes")["count"] == 2


def test_responsibility_reviews_export(make_user: Any) -> None:
    from aftersales.complaints.models import ResponsibilityReview

    due = timezone.make_aware(dt.datetime(2026, 11, 5, 18, 0))
    ResponsibilityReview.objects.create(period="2026-10", due_at=due, lines=[{}, {}], total_points=6)
    ResponsibilityReview.objects.create(period="2026-09", due_at=due, state="approved")
    user = make_user("cs_manager")
    rows = sheet_rows(client_for(user).get(reverse("complaints:review_list"), {"export": "xlsx"}))
    assert rows[0][:4] == ("月份", "状态", "到期时间", "案件")
    assert [row[0] for row in rows[1:]] == ["2026-10", "2026-09"]  # newest month first, as the page
    assert rows[1][3:5] == (2, 6)
    assert logged(user, "responsibility-reviews")["count"] == 2


def test_substitute_loans_export_keeps_the_open_only_filter(make_user: Any) -> None:
    customer = CustomerFactory(name="杭州东方重工有限公司")
    LoanFactory(equipment=EquipmentFactory(code="DY-OPEN"), customer=customer)
    LoanFactory(equipment=EquipmentFactory(code="DY-BACK"), customer=customer, returned_on=dt.date(2025, 3, 9))
    user = make_user("cs_manager")
    client = client_for(user)
    open_rows = sheet_rows(client.get(reverse("installed_base:loan_list"), {"export": "xlsx"}))
    assert open_rows[0][:3] == ("资产编号", "型号", "客户")
    assert [row[0] for row in open_rows[1:]] == ["DY-OPEN"]
    assert open_rows[1][2] == "杭州东方重工有限公司"
    every = sheet_rows(client.get(reverse("installed_base:loan_list"), {"export": "xlsx", "all": "1"}))
    assert sorted(row[0] for row in every[1:]) == ["DY-BACK", "DY-OPEN"]


def test_audit_log_export_resolves_names_like_the_page(make_user: Any) -> None:
    user = make_user("cs_manager", display_name="周部长")
    CustomerFactory()
    rows = sheet_rows(client_for(user).get(reverse("web:audit"), {"export": "xlsx"}))
    assert rows[0] == ("时间", "操作人", "操作", "规则", "记录", "变更内容")
    count = Event.objects.exclude(action="list.exported").count()
    assert len(rows) - 1 == count  # every event, none left out
    assert all("." not in str(row[2]) for row in rows[1:])  # plain labels, not action codes
    assert logged(user, "audit-log")["count"] == count


def test_access_requests_export_keeps_the_status_filter(make_user: Any) -> None:
    from aftersales.customers.models import CustomerAccessRequest

    manager = make_user("cs_manager", display_name="周部长")
    agent = make_user("agent", display_name="李客服")
    secret = CustomerFactory(name="保密客户有限公司")
    CustomerAccessRequest.objects.create(customer=secret, requester=agent, reason="核对保修")
    CustomerAccessRequest.objects.create(customer=secret, requester=agent, reason="旧申请", status="refused")
    rows = sheet_rows(
        client_for(manager).get(reverse("customers:access_requests"), {"export": "xlsx", "status": "pending"})
    )
    assert rows[0][:5] == ("申请时间", "客户编号", "客户", "申请人", "理由")
    assert [row[4] for row in rows[1:]] == ["核对保修"]
    assert rows[1][3] == "李客服"  # the person's name, not the login name
    assert logged(manager, "access-requests")["filters"] == {"status": "pending"}


def test_repair_order_handins_export(make_user: Any) -> None:
    from aftersales.service.models import RepairOrderHandIn
    from tests.accounts.factories import ServicePointFactory

    lead = make_user("team_lead", display_name="王组长")
    point = ServicePointFactory(name="杭州维修点")
    RepairOrderHandIn.objects.create(service_point=point, period="2026-10", due_on=dt.date(2026, 11, 5))
    RepairOrderHandIn.objects.create(
        service_point=point,
        period="2026-09",
        due_on=dt.date(2026, 10, 5),
        handed_in_at=timezone.now(),
        handed_in_by=lead,
        order_count=12,
    )
    rows = sheet_rows(client_for(lead).get(reverse("service:handins"), {"export": "xlsx"}))
    assert [row[0] for row in rows[1:]] == ["2026-10", "2026-09"]  # as the page: newest month first
    assert rows[2][1] == "杭州维修点"
    assert rows[2][4:] == ("王组长", 12)
    assert logged(lead, "repair-order-hand-ins")["count"] == 2
