"""Customer import from a real .xlsx: all rows or none, with a row-by-row report (C1)."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from aftersales.core.errors import PermissionDenied, ValidationFailed
from aftersales.core.models import Event
from aftersales.customers.models import Customer, PhoneIndex
from aftersales.customers.services import customers_import
from tests.customers.factories import CustomerFactory, RegionFactory

pytestmark = pytest.mark.django_db

HEADER = ["客户名称", "类型", "电话", "地址", "区域", "信用等级", "重点客户", "联系人", "联系电话"]
GOOD_ROWS = [
    ["上海华东机械有限公司", "经销商", "021-6234 5678", "上海市浦东新区", "SH", "A", "是", "张三", "138 0013 8000"],
    ["北京远大设备厂", "最终用户", "+86 10 6666 7777", "北京市朝阳区", "北京", "", "否", "", ""],
    ["广州南方仪器公司", "agent", 13912345678, "广州市天河区", "", "c", "", "李四", ""],
]


def zh(message: str, **values: object) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message) % values if values else translation.gettext(message)


def xlsx(rows, header=HEADER) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.fixture
def regions():
    return RegionFactory(code="SH", name="上海"), RegionFactory(code="BJ", name="北京")


@pytest.fixture
def manager(make_user, actor_of):
    return actor_of(make_user("cs_manager"))


def test_c1_import_all_good_rows_creates_every_file(manager, regions):
    shanghai, beijing = regions
    report = customers_import(actor=manager, fileobj=xlsx(GOOD_ROWS))
    assert (report.ok, report.rows, report.created, report.errors) == (True, 3, 3, [])
    rows = list(
        Customer.objects.order_by("code").values_list(
            "code", "name", "kind", "phone", "region_id", "credit_rating", "key_account", "owner_id"
        )
    )
    assert rows == [
        ("KH000001", "上海华东机械有限公司", "dealer", "021-6234 5678", shanghai.pk, "A", True, manager.pk),
        ("KH000002", "北京远大设备厂", "end_user", "+86 10 6666 7777", beijing.pk, "B", False, manager.pk),
        ("KH000003", "广州南方仪器公司", "agent", "13912345678", None, "C", False, manager.pk),
    ]
    first = Customer.objects.get(code="KH000001")
    assert list(first.contacts.values_list("name", "phone", "is_primary")) == [("张三", "138 0013 8000", True)]
    assert sorted(PhoneIndex.objects.filter(customer=first).values_list("reversed_digits", flat=True)) == sorted(
        ["87654326120", "00083100831"]
    )
    assert Event.objects.filter(action="customer.created", data__source="import").count() == 3
    summary = Event.objects.get(action="customer.imported")
    assert (summary.actor_id, summary.data) == (manager.pk, {"kind": "customers", "count": 3})


def test_c1_one_bad_row_among_good_imports_nothing_and_names_row_and_column(manager, regions):
    rows = [GOOD_ROWS[0], ["坏行公司", "批发商", "021-1111 2222", "", "SH", "A", "是", "", ""], GOOD_ROWS[2]]
    events_before = Event.objects.count()

    report = customers_import(actor=manager, fileobj=xlsx(rows))

    assert (report.ok, report.rows, report.created) == (False, 3, 0)
    assert report.errors == [
        {
            "row": 3,
            "column": "类型",
            "message": zh("Unknown kind “%(value)s”: use 最终用户, 经销商, 零售商 or 代理商.", value="批发商"),
        }
    ]
    assert (Customer.objects.count(), PhoneIndex.objects.count(), Event.objects.count()) == (0, 0, events_before)


def test_c1_every_problem_of_every_row_is_reported(manager, regions):
    rows = [
        ["", "经销商", "12", "", "XX", "E", "也许", "", "138 0013 8000"],
        GOOD_ROWS[0],
        GOOD_ROWS[0],
    ]
    report = customers_import(actor=manager, fileobj=xlsx(rows))
    assert [(e["row"], e["column"]) for e in report.errors] == [
        (2, "客户名称"),
        (2, "电话"),
        (2, "区域"),
        (2, "信用等级"),
        (2, "重点客户"),
        (2, "联系人"),
        (4, "客户名称"),
    ]
    assert report.errors[-1]["message"] == zh("The same customer and phone are already in row %(row)s.", row=3)
    assert Customer.objects.count() == 0


def test_c1_a_customer_already_registered_is_a_row_error(manager, regions):
    existing = CustomerFactory(name="上海华东机械有限公司", phone="+86 21 6234 5678")
    report = customers_import(actor=manager, fileobj=xlsx([GOOD_ROWS[0]]))
    assert report.errors == [
        {
            "row": 2,
            "column": "客户名称",
            "message": zh("This customer is registered already as %(code)s.", code=existing.code),
        }
    ]
    assert Customer.objects.count() == 1


def test_c1_english_headers_are_accepted(manager, regions):
    header = ["name", "kind", "phone", "address", "region", "credit_rating", "key_account", "contact", "contact_phone"]
    report = customers_import(actor=manager, fileobj=xlsx([["Acme Ltd", "dealer", "", "", "", "", "", "", ""]], header))
    assert (report.ok, report.created) == (True, 1)


def test_c1_a_file_that_is_not_a_workbook_or_lacks_columns_is_refused(manager):
    with pytest.raises(ValidationFailed) as not_xlsx:
        customers_import(actor=manager, fileobj=io.BytesIO(b"name,phone\n"))
    with pytest.raises(ValidationFailed) as missing:
        customers_import(actor=manager, fileobj=xlsx([["甲", "经销商"]], header=["客户名称", "类型"]))
    with pytest.raises(ValidationFailed) as empty:
        customers_import(actor=manager, fileobj=xlsx([]))
    assert (not_xlsx.value.code, missing.value.code, empty.value.code) == (
        "import_invalid_file",
        "import_missing_columns",
        "import_invalid",
    )
    assert Customer.objects.count() == 0


def test_c1_import_needs_the_import_permission(make_user, actor_of):
    with pytest.raises(PermissionDenied):
        customers_import(actor=actor_of(make_user("agent")), fileobj=xlsx(GOOD_ROWS))
    assert Customer.objects.count() == 0
