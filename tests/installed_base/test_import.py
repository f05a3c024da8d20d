"""A2 Excel import of units: all rows or none, with a report naming row and column."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from aftersales.core.errors import PermissionDenied, ValidationFailed
from aftersales.core.models import Event
from aftersales.installed_base.models import Unit
from aftersales.installed_base.services import units_import
from tests.installed_base.factories import CustomerFactory, ProductFactory, UnitFactory

pytestmark = pytest.mark.django_db

HEADER = [
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


def xlsx(rows, header=HEADER):
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
def manager(make_user, actor_of):
    return actor_of(make_user("cs_manager"))


@pytest.fixture
def catalogue():
    ProductFactory(model="XK-714")
    ProductFactory(model="VMC850", warranty_months=36)
    return CustomerFactory(code="KH000001"), CustomerFactory(code="KH000002")


def good_rows():
    return [
        [
            "XK714-2401-00001",
            "XK-714",
            "KH000001",
            dt.datetime(2024, 1, 5),
            "2024-01-20",
            "2024/1/18",
            "上海经销商",
            dt.date(2024, 3, 10),
            36,
            "上海市闵行区",
        ],
        ["VMC850-2402-00002", "VMC850", "kh000002", "2024-02-01", None, None, "", None, None, "苏州工业园区"],
        ["VMC850-2402-00003", "VMC850", "KH000002", None, None, None, None, "2024-05-20", "12", None],
    ]


def test_a2_a_good_file_imports_every_row_through_unit_create(manager, catalogue):
    report = units_import(actor=manager, fileobj=xlsx(good_rows()))
    assert (report.ok, report.rows, report.created, report.errors) == (True, 3, 3, [])
    first = Unit.objects.get(serial="XK714-2401-00001")
    assert (
        first.product.model,
        first.customer.code,
        first.production_date,
        first.ship_date,
        first.purchase_date,
        first.purchase_place,
        first.acceptance_date,
        first.warranty_months,
        first.site,
    ) == (
        "XK-714",
        "KH000001",
        dt.date(2024, 1, 5),
        dt.date(2024, 1, 20),
        dt.date(2024, 1, 18),
        "上海经销商",
        dt.date(2024, 3, 10),
        36,
        "上海市闵行区",
    )
    assert Unit.objects.get(serial="VMC850-2402-00002").customer == catalogue[1]
    assert Unit.objects.get(serial="VMC850-2402-00003").warranty_months == 12
    sources = Event.objects.filter(action="unit.created").values_list("data__source", flat=True)
    assert list(sources) == ["import", "import", "import"]


def test_a2_english_headers_are_accepted(manager, catalogue):
    header = [
        "serial",
        "model",
        "customer",
        "production_date",
        "ship_date",
        "purchase_date",
        "purchase_place",
        "acceptance_date",
        "warranty_months",
        "site",
    ]
    report = units_import(actor=manager, fileobj=xlsx(good_rows()[:1], header=header))
    assert (report.ok, report.created) == (True, 1)


def test_a2_one_bad_row_imports_nothing_and_names_row_and_column(manager, catalogue):
    rows = good_rows()
    rows[1][1] = "NO-SUCH-MODEL"  # excel row 3
    with translation.override("zh-hans"):
        report = units_import(actor=manager, fileobj=xlsx(rows))
    assert (report.ok, report.created) == (False, 0)
    assert report.errors == [{"row": 3, "column": "型号", "message": "没有型号为“NO-SUCH-MODEL”的产品。"}]
    assert (Unit.objects.count(), Event.objects.filter(action="unit.created").count()) == (0, 0)


def test_a2_every_row_is_checked_before_anything_is_imported(manager, catalogue):
    UnitFactory(serial="ALREADY-THERE")
    rows = [
        ["SN-1", "XK-714", "KH000001", "2024-01-05", None, None, None, None, None, None],  # row 2: fine
        ["SN-1", "XK-714", "KH000001", "2024-01-05", None, None, None, None, None, None],  # 3: repeats row 2
        ["ALREADY-THERE", "XK-714", "KH000001", "2024-01-05", None, None, None, None, None, None],  # 4
        ["SN-5", "XK-714", "KH999999", "2024-01-05", None, None, None, None, None, None],  # 5: unknown customer
        ["SN-6", "XK-714", "KH000001", "2024-02-30", None, None, None, None, None, None],  # 6: no such day
        ["SN-7", "XK-714", "KH000001", None, None, None, None, None, None, None],  # 7: no date at all
        ["SN-8", "XK-714", "KH000001", "2024-01-05", None, None, None, None, "两年", None],  # 8: months
        [None, "XK-714", "KH000001", "2024-01-05", None, None, None, None, None, None],  # 9: no serial
    ]
    with translation.override("en"):
        report = units_import(actor=manager, fileobj=xlsx(rows))
    assert report.created == 0
    assert [(e["row"], e["column"]) for e in report.errors] == [
        (3, "序列号"),
        (4, "序列号"),
        (5, "客户编号"),
        (6, "生产日期"),
        (7, "生产日期"),
        (8, "保修月数"),
        (9, "序列号"),
    ]
    assert report.errors[0]["message"] == "Serial number SN-1 is also in row 2."
    assert report.errors[3]["message"] == "“2024-02-30” is not a date (use 2025-03-01)."
    assert Unit.objects.count() == 1


def test_a2_missing_column_or_not_an_excel_file_is_refused(manager, catalogue):
    with pytest.raises(ValidationFailed) as info:
        units_import(actor=manager, fileobj=xlsx(good_rows(), header=HEADER[:-1]))
    assert info.value.code == "import_missing_columns"
    with pytest.raises(ValidationFailed) as info:
        units_import(actor=manager, fileobj=io.BytesIO(b"serial,model\nSN1,XK-714\n"))
    assert info.value.code == "import_invalid_file"
    assert Unit.objects.count() == 0


def test_a2_import_needs_the_import_permission(make_user, actor_of, catalogue):
    agent = actor_of(make_user("agent"))
    with pytest.raises(PermissionDenied):
        units_import(actor=agent, fileobj=xlsx(good_rows()))
    assert Unit.objects.count() == 0
