"""Installed-base pages: access, the warranty explanation, forms with errors at their fields, export, import."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from aftersales.core.models import Event
from aftersales.installed_base.models import Product, ServiceContract, SubstituteLoan, Unit
from aftersales.installed_base.warranty import add_months
from tests.installed_base.factories import (
    CalendarFactory,
    ContractFactory,
    CustomerFactory,
    EquipmentFactory,
    LoanFactory,
    ProductFactory,
    UnitFactory,
)
from tests.jobs import submit_and_run

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def client_as(make_user):
    def _client(role, **kwargs):
        client = Client()
        client.force_login(make_user(role, **kwargs))
        return client

    return _client


@pytest.fixture
def records():
    unit = UnitFactory(serial="XK714-2401-00001", acceptance_date=D(2024, 1, 15), production_date=None)
    contract = ContractFactory(customer=unit.customer, units=[unit])
    loan = LoanFactory(customer=unit.customer, for_unit=unit)
    return unit, contract, loan


def page_urls(unit, contract, loan):
    return [
        reverse("installed_base:unit_list"),
        reverse("installed_base:unit_detail", args=[unit.serial]),
        reverse("installed_base:product_list"),
        reverse("installed_base:contract_list"),
        reverse("installed_base:contract_detail", args=[contract.number]),
        reverse("installed_base:loan_list"),
        reverse("installed_base:unit_create"),
        reverse("installed_base:unit_edit", args=[unit.serial]),
        reverse("installed_base:loan_create"),
        reverse("installed_base:loan_return", args=[loan.pk]),
    ]


def test_pages_render_for_an_agent(client_as, records):
    client = client_as("agent")
    for url in page_urls(*records):
        assert client.get(url).status_code == 200, url


def test_pages_are_403_for_a_role_without_the_permission(client_as, records):
    unit = records[0]
    portal = client_as("customer", customer_id=unit.customer_id)
    for url in page_urls(*records):
        assert portal.get(url).status_code == 403, url


def test_pages_send_anonymous_visitors_to_the_login(records):
    for url in page_urls(*records):
        response = Client().get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("accounts:login")), url


@pytest.mark.parametrize(
    ("role", "name"),
    [
        ("agent", "installed_base:product_create"),
        ("agent", "installed_base:contract_create"),
        ("agent", "installed_base:unit_export"),
        ("agent", "installed_base:unit_import"),
        ("analyst", "installed_base:unit_create"),
        ("engineer", "installed_base:loan_create"),
        ("agent", "installed_base:equipment_create"),
    ],
)
def test_write_pages_are_403_without_their_permission(client_as, role, name):
    assert client_as(role).get(reverse(name)).status_code == 403


def test_unknown_unit_or_contract_is_404(client_as):
    client = client_as("agent")
    assert client.get(reverse("installed_base:unit_detail", args=["NOPE"])).status_code == 404
    assert client.get(reverse("installed_base:contract_detail", args=["HT20259999"])).status_code == 404
    assert client.get(reverse("installed_base:loan_return", args=[10**25])).status_code == 404


# --- unit detail: warranty today --------------------------------------------------------------


def test_a3_unit_detail_shows_warranty_status_explanation_contract_loans_and_timeline(client_as, make_user, actor_of):
    from aftersales.installed_base.services import unit_create

    today = timezone.localdate()
    product, customer = ProductFactory(warranty_months=12), CustomerFactory()
    unit = unit_create(
        actor=actor_of(make_user("engineer")),
        serial="VMC850-0001",
        product_id=product.pk,
        customer_id=customer.pk,
        acceptance_date=today,
    )
    contract = ContractFactory(customer=customer, units=[unit], start_date=today, end_date=today)
    LoanFactory(customer=customer, for_unit=unit, equipment=EquipmentFactory(code="DY-077"))
    html = client_as("agent").get(reverse("installed_base:unit_detail", args=[unit.serial])).content.decode()
    end = (add_months(today, 12) - dt.timedelta(days=1)).isoformat()
    assert '<span class="badge text-bg-success" id="warranty-badge">在保</span>' in html
    assert (
        f"保修：保修期自验收日期 {today.isoformat()} 起算；保修 12 个月（该型号的保修期），保修截止日为 {end}。" in html
    )
    assert f"{today.isoformat()} 该设备在保修期内。" in html
    assert f'href="/installed-base/contracts/{contract.number}/">{contract.number}</a>' in html
    assert "DY-077" in html
    assert "登记设备" in html  # the timeline's unit.created event


def test_a3_unit_detail_shows_out_of_warranty(client_as):
    UnitFactory(serial="OLD-1", acceptance_date=D(2015, 1, 1), production_date=None)
    html = client_as("agent").get(reverse("installed_base:unit_detail", args=["OLD-1"])).content.decode()
    assert '<span class="badge text-bg-secondary" id="warranty-badge">过保</span>' in html
    assert "收费类型 A 有偿" in html


# --- unit list -------------------------------------------------------------------------------


def test_a2_unit_list_filters_and_shows_the_warranty(client_as):
    customer = CustomerFactory(code="KH900123")
    UnitFactory(serial="NEW-1", customer=customer, acceptance_date=timezone.localdate())
    UnitFactory(serial="OLD-1", acceptance_date=D(2015, 1, 1))
    client = client_as("agent")
    url = reverse("installed_base:unit_list")

    def serials(**params):
        html = client.get(url, params).content.decode()
        return [s for s in ("NEW-1", "OLD-1") if f">{s}</a>" in html]

    assert serials() == ["NEW-1", "OLD-1"]
    assert serials(warranty="in") == ["NEW-1"]
    assert serials(warranty="out") == ["OLD-1"]
    assert serials(customer="kh900123") == ["NEW-1"]
    assert serials(q="OLD") == ["OLD-1"]
    html = client.get(url, {"customer": "KH000404"}).content.decode()
    assert 'data-field-error="customer"' in html
    assert serials(customer="KH000404") == []


def test_a2_unit_list_queries_do_not_grow_with_the_rows(client_as):
    client = client_as("agent")
    url = reverse("installed_base:unit_list")
    UnitFactory.create_batch(2)
    client.get(url)  # warm caches (session, permissions)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    UnitFactory.create_batch(20)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)


# --- forms: services decide, errors next to the field ----------------------------------------


def test_a2_unit_create_page_registers_a_unit(client_as):
    product, customer = ProductFactory(), CustomerFactory(code="KH900001")
    response = client_as("agent").post(
        reverse("installed_base:unit_create"),
        {"serial": "SN-NEW", "product": product.pk, "customer": "kh900001", "production_date": "2024-01-05"},
    )
    assert (response.status_code, response["Location"]) == (302, "/installed-base/units/SN-NEW/")
    unit = Unit.objects.get()
    assert (unit.serial, unit.customer_id, unit.production_date) == ("SN-NEW", customer.pk, D(2024, 1, 5))
    assert Event.objects.filter(action="unit.created", subject_id=str(unit.pk)).count() == 1


def test_a2_unit_create_page_shows_service_errors_at_their_fields(client_as):
    existing = UnitFactory(serial="SN-1")
    client = client_as("agent")
    data = {
        "serial": "SN-1",
        "product": existing.product_id,
        "customer": existing.customer.code,
        "production_date": "2024-01-05",
    }
    html = client.post(reverse("installed_base:unit_create"), data).content.decode()
    assert (
        '<div class="invalid-feedback d-block" data-field-error="serial">序列号 SN-1 的设备已经登记过了。</div>' in html
    )
    data = {**data, "serial": "SN-2", "production_date": ""}
    html = client.post(reverse("installed_base:unit_create"), data).content.decode()
    assert 'data-field-error="production_date">请填写生产日期或验收日期：保修期据此计算。</div>' in html
    assert 'data-field-error="acceptance_date">请填写生产日期或验收日期：保修期据此计算。</div>' in html
    assert Unit.objects.count() == 1


def test_a2_unit_create_prefills_the_customer_from_the_customer_page(client_as):
    customer = CustomerFactory(code="KH900555")
    html = client_as("agent").get(reverse("installed_base:unit_create"), {"customer": customer.pk}).content.decode()
    assert 'value="KH900555"' in html


def test_a2_unit_edit_page_saves_and_refuses_a_stale_version(client_as):
    unit = UnitFactory(serial="SN-1", site="旧厂房")
    client = client_as("agent")
    url = reverse("installed_base:unit_edit", args=["SN-1"])
    data = {
        "product": unit.product_id,
        "customer": unit.customer.code,
        "site": "新厂房",
        "acceptance_date": "2024-01-15",
        "version": 1,
    }
    assert client.post(url, data).status_code == 302
    unit.refresh_from_db()
    assert (unit.site, unit.version) == ("新厂房", 2)
    html = client.post(url, {**data, "site": "第三个地点"}).content.decode()  # still version 1
    assert "其他人刚刚修改了这条记录。请刷新后重新修改。" in html
    unit.refresh_from_db()
    assert (unit.site, unit.version) == ("新厂房", 2)


def test_a1_product_pages_create_and_change(client_as):
    client = client_as("team_lead")
    response = client.post(
        reverse("installed_base:product_create"), {"model": "VMC850", "name": "立式加工中心", "warranty_months": "36"}
    )
    assert response.status_code == 302
    product = Product.objects.get()
    assert (product.model, product.warranty_months) == ("VMC850", 36)
    url = reverse("installed_base:product_edit", args=[product.pk])
    assert client.post(url, {"model": "VMC850", "name": "立式加工中心", "warranty_months": ""}).status_code == 302
    product.refresh_from_db()
    assert product.warranty_months is None
    assert "VMC850" in client.get(reverse("installed_base:product_list"), {"q": "vmc"}).content.decode()


def test_a4_contract_create_page(client_as):
    unit = UnitFactory(serial="SN-1")
    foreign = UnitFactory(serial="SN-X")
    client = client_as("team_lead")
    data = {
        "customer": unit.customer.code,
        "units": "SN-1、SN-X",
        "start_date": "2025-01-01",
        "end_date": "2025-12-31",
        "cover": "24x7",
        "terms": "",
    }
    html = client.post(reverse("installed_base:contract_create"), data).content.decode()
    assert f'data-field-error="units">以下设备属于其他客户：{foreign.serial}</div>' in html
    assert ServiceContract.objects.count() == 0
    response = client.post(reverse("installed_base:contract_create"), {**data, "units": "SN-1"})
    contract = ServiceContract.objects.get()
    assert response["Location"] == f"/installed-base/contracts/{contract.number}/"
    assert "SN-1" in client.get(response["Location"]).content.decode()


def test_x1_contract_create_page_sets_a_calendar_and_the_detail_links_to_it(client_as):
    CalendarFactory(code="SH-7X24", name="上海 7×24")
    unit = UnitFactory(serial="SN-1")
    client = client_as("team_lead")
    form = client.get(reverse("installed_base:contract_create")).content.decode()
    assert '<option value="" selected>按服务时段（CN 工作时间或 7×24 小时）</option>' in form
    assert '<option value="SH-7X24">SH-7X24 上海 7×24</option>' in form
    data = {
        "customer": unit.customer.code,
        "units": "SN-1",
        "start_date": "2025-01-01",
        "end_date": "2025-12-31",
        "cover": "office_hours",
        "calendar": "NOPE",
    }
    html = client.post(reverse("installed_base:contract_create"), data).content.decode()
    assert 'data-field-error="calendar">' in html
    assert ServiceContract.objects.count() == 0
    response = client.post(reverse("installed_base:contract_create"), {**data, "calendar": "SH-7X24"})
    contract = ServiceContract.objects.get()
    assert (response.status_code, contract.calendar.code) == (302, "SH-7X24")
    detail = client.get(response["Location"]).content.decode()
    link = reverse("calendars:detail", args=["SH-7X24"])
    assert f'<dd class="col-sm-9" id="contract-calendar"><a href="{link}">SH-7X24 上海 7×24</a>' in detail
    assert "服务网点设有自己的日历" not in detail


@pytest.mark.parametrize(("cover", "code"), [("office_hours", "CN"), ("24x7", "24x7")])
def test_x1_contract_detail_without_a_calendar_shows_the_one_by_cover(client_as, cover, code):
    contract = ContractFactory(cover=cover)
    html = client_as("agent").get(reverse("installed_base:contract_detail", args=[contract.number])).content.decode()
    link = reverse("calendars:detail", args=[code])
    assert f'<dd class="col-sm-9" id="contract-calendar"><a href="{link}">{code} ' in html
    assert "按服务时段确定；工作时间内的服务，若服务网点设有自己的日历，则以其代替 CN。" in html


def test_a6_loan_pages_lend_and_return(client_as):
    unit = UnitFactory(serial="SN-1")
    EquipmentFactory(code="DY-001")
    client = client_as("agent")
    data = {
        "equipment": "DY-001",
        "customer": unit.customer.code,
        "for_unit": "SN-1",
        "lent_on": "2025-03-01",
        "expected_return": "2025-03-02",
    }
    assert client.post(reverse("installed_base:loan_create"), data).status_code == 302
    loan = SubstituteLoan.objects.get()
    html = client.get(reverse("installed_base:loan_list")).content.decode()
    assert "DY-001" in html
    assert "逾期未还" in html
    response = client.post(reverse("installed_base:loan_return", args=[loan.pk]), {"returned_on": "2025-02-01"})
    assert 'data-field-error="returned_on">归还日期不能早于借出日期。</div>' in response.content.decode()
    assert (
        client.post(reverse("installed_base:loan_return", args=[loan.pk]), {"returned_on": "2025-03-05"}).status_code
        == 302
    )
    loan.refresh_from_db()
    assert loan.returned_on == D(2025, 3, 5)


# --- export and import -----------------------------------------------------------------------


def test_a2_unit_export_uses_the_filters_and_is_logged(client_as):
    customer = CustomerFactory(code="KH900321")
    UnitFactory(serial="SN-1", customer=customer, acceptance_date=D(2024, 3, 10), production_date=None)
    UnitFactory(serial="SN-2")
    response = client_as("team_lead").get(reverse("installed_base:unit_export"), {"customer": "KH900321"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("序列号", "型号", "客户编号", "客户")
    assert [r[0] for r in rows[1:]] == ["SN-1"]
    assert (rows[1][8].date(), rows[1][11].date()) == (D(2024, 3, 10), D(2026, 3, 9))
    event = Event.objects.get(action="customer.exported")
    assert event.data == {"kind": "units", "count": 1, "filters": {"customer": "KH900321"}}


def test_a2_unit_import_page_shows_the_upload_form(client_as):
    # The page once held its content block twice (a syntax error: a 500 for everyone allowed to import).
    response = client_as("cs_manager").get(reverse("installed_base:unit_import"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('id="unit-import-form"') == 1
    assert "序列号" in html  # the header row the sheet must have


def test_a2_unit_import_page_imports_or_shows_the_report(client_as):
    ProductFactory(model="XK-714")
    CustomerFactory(code="KH000001")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "序列号",
            "型号",
            "客户编号",
            "生产日期",
            "发货日期",
            "购买日期",
            "购买地点",
            "验收日期",
            "保修月数",
            "安装地点",
        ]
    )
    sheet.append(["SN-1", "XK-714", "KH000001", "2024-01-05", None, None, None, None, None, None])
    sheet.append(["SN-2", "NOPE", "KH000001", "2024-01-05", None, None, None, None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = client_as("cs_manager")
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "units.xlsx"
    html = submit_and_run(client, reverse("installed_base:unit_import"), {"file": upload}).content.decode()
    assert "<tr><td>3</td><td>型号</td><td>没有型号为“NOPE”的产品。</td></tr>" in html  # the job's result page
    assert Unit.objects.count() == 0
    sheet.delete_rows(3)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "units.xlsx"
    response = submit_and_run(client, reverse("installed_base:unit_import"), {"file": buffer})
    assert 'id="import-done"' in response.content.decode()
    assert list(Unit.objects.values_list("serial", flat=True)) == ["SN-1"]


def test_a1_django_admin_adds_products_through_the_service_and_shows_units_read_only(db):
    from aftersales.accounts.models import User

    client = Client()  # only a superuser writes in the Django admin (accounts.adminsite)
    client.force_login(User.objects.create_superuser("root", password="Root-pass-2026!"))
    response = client.post(
        "/django-admin/installed_base/product/add/",
        {"model": "HMC630", "name": "卧式加工中心", "spec": "", "category": "加工中心", "warranty_months": "36"},
    )
    assert response.status_code == 302
    product = Product.objects.get()
    assert Event.objects.filter(action="product.created", subject_id=str(product.pk)).count() == 1
    unit = UnitFactory(product=product)
    assert client.get(f"/django-admin/installed_base/unit/{unit.pk}/change/").status_code == 200
    assert client.post(f"/django-admin/installed_base/unit/{unit.pk}/change/", {"site": "x"}).status_code == 403
