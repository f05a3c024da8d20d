"""Customer pages in real Chromium (zh-CN): hotline lookup → the file with each unit's warranty
and its reason (C6, C1, A3, A4, S4); a confidential file refused, requested, approved, opened (C3);
the Excel import with its row/column report (C1); Chinese field errors next to the field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from aftersales.core.models import Event
from aftersales.customers.choices import AccessRequestStatus
from aftersales.customers.models import Contact, Customer, CustomerAccessRequest
from aftersales.customers.services import IMPORT_COLUMNS, ContactData
from aftersales.installed_base.choices import ContractCover
from aftersales.installed_base.selectors import warranty_terms
from aftersales.installed_base.warranty import add_months
from tests.browser.conftest import login, screenshot
from tests.customers.factories import CustomerFactory
from tests.installed_base.factories import ContractFactory, ProductFactory, UnitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# --- 1. hotline lookup → the file → each unit's warranty with its reason ----------------------


def test_agent_finds_the_caller_by_phone_and_reads_each_units_warranty_and_why(
    live_server: Any, page: Page, make_user: Any
) -> None:
    make_user("agent", username="agent_li", display_name="李客服")
    today = timezone.localdate()
    customer = CustomerFactory(
        name="上海华东机械有限公司",
        phone="021 6234 5678",
        address="上海市闵行区申富路 88 号",
        contacts=[ContactData(name="张三", phone="138 0013 8000", title="设备科科长", is_primary=True)],
    )
    decoy = CustomerFactory(name="北京远大设备厂", phone="010-6666 7777")
    product = ProductFactory(model="XK-5040", name="数控铣床", warranty_months=None)
    accepted = today - dt.timedelta(days=100)
    UnitFactory(serial="SN-ACC-01", product=product, customer=customer, production_date=None, acceptance_date=accepted)
    produced = dt.date(today.year - 4, 1, 15)
    UnitFactory(serial="SN-PRD-02", product=product, customer=customer, production_date=produced, acceptance_date=None)
    contract_unit = UnitFactory(
        serial="SN-CON-03",
        product=product,
        customer=customer,
        production_date=None,
        acceptance_date=dt.date(today.year - 5, 6, 1),
    )
    contract_start, contract_end = today - dt.timedelta(days=30), today + dt.timedelta(days=300)
    ContractFactory(
        number="HT20250001",
        customer=customer,
        start_date=contract_start,
        end_date=contract_end,
        cover=ContractCover.OFFICE_HOURS,
        units=[contract_unit],
    )

    login(page, live_server, "agent_li")
    page.goto(f"{live_server.url}/customers/lookup/")
    expect(page.locator("h1")).to_have_text("热线查询")
    search = page.locator("#lookup-q")
    expect(search).to_have_attribute("placeholder", "电话或名称")
    row = page.locator(f'#lookup-table tr[data-customer="{customer.pk}"]')

    # The customer's own number, typed with dashes where it is stored with spaces.
    search.press_sequentially("021-6234-5678", delay=30)
    expect(row).to_be_visible()
    expect(row.locator("td").nth(0)).to_have_text("上海华东机械有限公司")
    expect(row.locator("td").nth(1)).to_have_text(customer.code)
    expect(row.locator("td").nth(2)).to_have_text("021 6234 5678")
    expect(row.locator("td").nth(3)).to_have_text("张三 · 138 0013 8000")
    expect(page.locator(f'#lookup-table tr[data-customer="{decoy.pk}"]')).to_have_count(0)
    assert "q=" not in page.url  # the rows came from the htmx partial, not a form submit
    expect(page.locator("#lookup-table thead th")).to_have_text(["客户名称", "客户编号", "电话", "联系人", "区域", ""])

    # A contact's mobile in the international form.
    search.fill("")
    expect(row).to_have_count(0)
    search.press_sequentially("+86 138-0013-8000", delay=30)
    expect(row).to_be_visible()
    expect(row.locator("td").nth(3)).to_have_text("张三 · 138 0013 8000 匹配")  # the contact the number matched
    expect(page.locator("#lookup-table tbody tr")).to_have_count(1)

    row.locator("a.lookup-result").click()
    page.wait_for_url(f"**/customers/{customer.pk}/")
    expect(page.locator("#customer-name")).to_contain_text("上海华东机械有限公司")
    expect(page.locator("#customer-file")).to_contain_text("上海市闵行区申富路 88 号")
    expect(page.locator("#contacts")).to_contain_text("张三 · 设备科科长")
    headers = page.locator("#customer-units thead th")
    expect(headers.nth(3)).to_have_text("今日保修状态")
    expect(headers.nth(5)).to_have_text("保养协议")
    expect(headers.nth(6)).to_have_text("依据")

    terms = warranty_terms()
    assert (terms.production_offset_months, terms.default_months) == (3, 24)
    version = terms.policy_version

    # In warranty: it started at the acceptance date.
    accepted_end = add_months(accepted, 24) - dt.timedelta(days=1)
    unit = page.locator('#customer-units tr[data-serial="SN-ACC-01"]')
    expect(unit.locator(".warranty-status")).to_have_text("在保")
    expect(unit.locator("td").nth(4)).to_have_text(f"{accepted} – {accepted_end}")
    expect(unit.locator(".contract-number")).to_have_text("—")
    expect(unit.locator(".coverage-why")).to_have_text(
        f"保修：保修期自验收日期 {accepted} 起算；"
        f"保修 24 个月（制度默认保修期），保修截止日为 {accepted_end}。 "
        f"{today} 该设备在保修期内。 当日没有保养协议覆盖。 收费类型：C 免费。 "
        f"（规则 A3 · S4，规则版本 {version}）"
    )

    # Out of warranty: no acceptance record, so it started 3 months after production.
    started = add_months(produced, 3)
    ended = add_months(started, 24) - dt.timedelta(days=1)
    assert started == dt.date(today.year - 4, 4, 15)
    unit = page.locator('#customer-units tr[data-serial="SN-PRD-02"]')
    expect(unit.locator(".warranty-status")).to_have_text("过保")
    expect(unit.locator("td").nth(4)).to_have_text(f"{started} – {ended}")
    expect(unit.locator(".contract-number")).to_have_text("—")
    expect(unit.locator(".coverage-why")).to_have_text(
        f"保修：无验收记录，保修期自生产日期后 3 个月即 {started} 起算；"
        f"保修 24 个月（制度默认保修期），保修截止日为 {ended}。 "
        f"{today} 保修期已过。 当日没有保养协议覆盖。 收费类型：A 有偿。 "
        f"（规则 A3 · S4，规则版本 {version}）"
    )

    # Out of warranty but covered by a running service contract.
    unit = page.locator('#customer-units tr[data-serial="SN-CON-03"]')
    expect(unit.locator(".warranty-status")).to_have_text("过保")
    expect(unit.locator(".contract-number")).to_have_text("HT20250001")
    expect(unit.locator(".coverage-why")).to_contain_text(
        f"{today} 保修期已过。 保养协议 HT20250001 覆盖 {contract_start} 至 {contract_end}（工作时间）。 "
        "收费类型：B 合同。"
    )
    screenshot(page, "customer-file-warranty")


# --- 2. confidential file: refused → request → approved → opened ------------------------------


def test_confidential_file_is_refused_until_a_manager_approves_the_request(
    live_server: Any, page: Page, new_context: Any, make_user: Any
) -> None:
    owner = make_user("sales", username="wang_sales", display_name="王销售")
    engineer = make_user("engineer", username="zhao_eng", display_name="赵工程师")
    lead = make_user("team_lead", username="li_lead", display_name="李组长")
    customer = CustomerFactory(
        name="苏州保密精工有限公司",
        phone="0512-6666 8888",
        address="苏州工业园区星湖街 328 号",
        confidential=True,
        owner=owner,
    )
    file_url = f"{live_server.url}/customers/{customer.pk}/"

    login(page, live_server, "zhao_eng")
    response = page.goto(file_url)
    assert response is not None
    assert response.status == 403
    expect(page.locator("#confidential-notice")).to_contain_text(
        "此用户档案为保密档案。请向档案负责人或经理申请查阅权限。"
    )
    expect(page.locator("#confidential-notice")).to_contain_text("档案负责人：王销售")
    expect(page.locator("#customer-file")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("星湖街")
    expect(page.locator("main")).not_to_contain_text("0512-6666 8888")
    expect(page.locator('label[for="id_reason"]')).to_contain_text("查阅理由")

    page.locator("#id_reason").fill("客户来电报修，需要查看设备档案")
    page.locator("#access-request-submit").click()
    expect(page.locator("#access-pending")).to_have_text("您对此档案的查阅申请正在等待审批。")
    expect(page.locator(".alert-success")).to_contain_text("您的申请已发送给档案负责人和经理。")
    expect(page.locator("#access-request-form")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("星湖街")
    request = CustomerAccessRequest.objects.get(customer=customer, requester=engineer)
    assert request.status == AccessRequestStatus.PENDING
    assert request.reason == "客户来电报修，需要查看设备档案"

    # The team lead, in a browser context of their own.
    manager = new_context().new_page()
    manager.set_default_timeout(10_000)
    login(manager, live_server, "li_lead")
    manager.goto(f"{live_server.url}/customers/access-requests/")
    expect(manager.locator("h1")).to_have_text("查阅申请")
    row = manager.locator(f'#requests-to-decide tr[data-request="{request.pk}"]')
    expect(row).to_contain_text("苏州保密精工有限公司")
    expect(row).to_contain_text("赵工程师")
    expect(row).to_contain_text("客户来电报修，需要查看设备档案")
    expect(row).to_contain_text("待审批")
    manager.locator(f"#approve-{request.pk}").click()
    expect(manager.locator(".alert-success")).to_contain_text("已批准查阅 苏州保密精工有限公司，有效期至")
    expect(row).to_contain_text("已批准")
    expect(manager.locator(f"#approve-{request.pk}")).to_have_count(0)

    # The engineer now opens the file.
    response = page.goto(file_url)
    assert response is not None
    assert response.status == 200
    expect(page.locator("#customer-name")).to_contain_text("苏州保密精工有限公司")
    expect(page.locator("#customer-name")).to_contain_text("保密档案")
    expect(page.locator("#customer-file")).to_contain_text("苏州工业园区星湖街 328 号")
    expect(page.locator("#customer-file")).to_contain_text("0512-6666 8888")
    expect(page.locator("#customer-owner")).to_have_text("王销售")
    screenshot(page, "confidential-file-after-approval")

    request.refresh_from_db()
    assert request.status == AccessRequestStatus.APPROVED
    assert request.decided_by_id == lead.pk
    assert request.expires_at is not None
    assert request.expires_at > timezone.now()
    reads = Event.objects.filter(action="customer.read", subject_type="customers.customer", subject_id=str(customer.pk))
    assert list(reads.values_list("actor_id", flat=True)) == [engineer.pk]


# --- 3. Excel import: one bad row imports nothing; the corrected file imports all -------------


def _workbook(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "客户"
    sheet.append([titles[0] for titles in IMPORT_COLUMNS.values()])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


IMPORT_ROWS = [
    [
        "杭州东方重工有限公司",
        "最终用户",
        "0571-8888 0001",
        "杭州市滨江区江南大道 1 号",
        "",
        "A",
        "是",
        "陈经理",
        "139 0000 0001",
    ],
    ["成都西部机电有限公司", "客户", "028-8888 0002", "成都市高新区天府大道 2 号", "", "B", "否", "", ""],
    ["广州南方仪表有限公司", "经销商", "020-8888 0003", "广州市天河区体育西路 3 号", "", "C", "否", "", ""],
]
NAMES = [row[0] for row in IMPORT_ROWS]


def test_import_reports_the_bad_row_and_column_imports_nothing_then_the_fixed_file(
    live_server: Any, page: Page, make_user: Any, tmp_path: Path, task_worker: None
) -> None:
    make_user("cs_manager", username="zhou_mgr", display_name="周部长")
    wrong = _workbook(tmp_path / "客户-有误.xlsx", IMPORT_ROWS)
    fixed_rows = [list(row) for row in IMPORT_ROWS]
    fixed_rows[1][1] = "代理商"
    fixed = _workbook(tmp_path / "客户-已更正.xlsx", fixed_rows)

    login(page, live_server, "zhou_mgr")
    page.goto(f"{live_server.url}/customers/import/")
    expect(page.locator("h1")).to_have_text("从 Excel 导入")
    expect(page.locator('label[for="id_file"]')).to_have_text("Excel 工作簿（.xlsx）")
    page.get_by_label("用户档案").check()
    page.locator("#id_file").set_input_files(wrong)
    page.locator("#import-submit").click()

    expect(page.locator("#import-failed")).to_have_text("未导入任何数据：发现 1 个问题。")
    expect(page.locator("#import-errors thead th")).to_have_text(["行", "列", "问题"])
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first.locator("td")).to_have_text(
        ["3", "类型", "未知类型“客户”：请填写最终用户、经销商、零售商或代理商。"]
    )
    screenshot(page, "import-error-report")
    assert not Customer.objects.filter(name__in=NAMES).exists()

    page.goto(f"{live_server.url}/customers/import/")  # the result is on the job's page (background import)
    page.get_by_label("用户档案").check()
    page.locator("#id_file").set_input_files(fixed)
    page.locator("#import-submit").click()
    expect(page.locator("#import-done")).to_have_text("已导入 3 条记录。")
    expect(page.locator("#import-errors")).to_have_count(0)

    imported = {c.name: c for c in Customer.objects.filter(name__in=NAMES)}
    assert sorted(imported) == sorted(NAMES)
    assert imported["成都西部机电有限公司"].kind == "agent"
    assert imported["杭州东方重工有限公司"].key_account is True
    assert list(Contact.objects.filter(customer=imported["杭州东方重工有限公司"]).values_list("name", "phone")) == [
        ("陈经理", "139 0000 0001")
    ]


# --- 4. form errors in Chinese, next to the field ---------------------------------------------


def test_customer_form_shows_the_chinese_required_message_next_to_the_name_field(
    live_server: Any, page: Page, make_user: Any
) -> None:
    make_user("agent", username="agent_wu", display_name="吴客服")
    login(page, live_server, "agent_wu")
    page.goto(f"{live_server.url}/customers/new/")
    expect(page.locator("h1")).to_have_text("新建用户档案")
    expect(page.locator('label[for="id_name"]')).to_have_text("客户名称 *")
    page.locator("#id_phone").fill("021-5432 1098")
    page.locator("#id_address").fill("上海市徐汇区漕溪北路 1 号")
    page.locator("#customer-save").click()

    # The message sits right after the name input, inside the name field's block.
    error = page.locator('#id_name + [data-field-error="name"]')
    expect(error).to_have_text("这个字段是必填项。")
    expect(error).to_be_visible()
    expect(page.locator("div.mb-3", has=page.locator("#id_name")).locator(".invalid-feedback")).to_have_text(
        ["这个字段是必填项。"]
    )
    expect(page.locator("#id_name")).to_have_class("form-control is-invalid")
    expect(page.locator("[data-field-error]")).to_have_count(1)
    # What was typed stays in the form.
    expect(page.locator("#id_phone")).to_have_value("021-5432 1098")
    expect(page.locator("#id_address")).to_have_value("上海市徐汇区漕溪北路 1 号")
    screenshot(page, "customer-form-required-name")
    assert not Customer.objects.filter(phone="021-5432 1098").exists()
