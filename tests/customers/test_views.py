"""Customer pages: hotline lookup (C6), overview and export (C2, C3), the file with its units'
coverage and timeline (C1, C4), the confidential refusal page (C3), forms, access requests, import."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from aftersales.core.models import Event
from aftersales.customers.choices import AccessRequestStatus
from aftersales.customers.models import Customer, CustomerAccessRequest
from aftersales.customers.services import ContactData, access_request_create, customer_update
from tests.customers.factories import CustomerFactory, RegionFactory, factory_actor
from tests.jobs import submit_and_run

pytestmark = pytest.mark.django_db


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


@pytest.fixture
def login(make_user):
    def _login(who):
        user = make_user(who) if isinstance(who, str) else who
        client = Client()
        client.force_login(user)
        return client

    return _login


def page(response) -> str:
    return response.content.decode()


# --- lookup (C6) -----------------------------------------------------------------------------


def test_c6_lookup_page_has_the_htmx_search_input(login):
    response = login("agent").get(reverse("customers:lookup"))
    assert response.status_code == 200
    html = page(response)
    assert 'id="lookup-q"' in html
    assert f'hx-get="{reverse("customers:lookup_results")}"' in html
    # no `keyup[key=='Enter']` filter: htmx evaluates filters as code, which the CSP forbids;
    # `search` already fires on Enter in a type=search input
    assert 'hx-trigger="input changed delay:300ms, search"' in html
    assert zh("Hotline lookup") == "热线查询"
    assert "热线查询" in html


def test_c6_lookup_results_partial_accepts_a_phone_with_dashes_spaces_and_plus86(login, make_user):
    found = CustomerFactory(
        name="上海华东机械有限公司",
        phone="021-6234 5678",
        key_account=True,
        confidential=True,
        owner=make_user("sales"),
        region=RegionFactory(code="SH", name="上海"),
        contacts=[ContactData(name="张三", phone="138 0013 8000")],
    )
    CustomerFactory(name="北京远大设备厂", phone="010-6666 7777")
    for who in ("agent", "team_lead"):  # C3: the agent sees the confidential hit masked, a manager whole
        client = login(who)
        for query in ("+86 21 6234 5678", "021 6234-5678", "+86 138-0013-8000"):
            response = client.get(reverse("customers:lookup_results"), {"q": query}, HTTP_HX_REQUEST="true")
            html = page(response)
            assert response.status_code == 200
            assert "<html" not in html
            assert f'href="{reverse("customers:detail", args=[found.pk])}"' in html
            assert "北京远大设备厂" not in html
            assert found.code in html
            assert "bi-lock-fill" in html
            may_open = who == "team_lead"
            assert ("张三" in html, "<td>上海</td>" in html, "重点客户" in html) == (may_open, may_open, may_open)
            assert (query in html) is not may_open  # the masked row shows the number typed


def test_c6_lookup_page_with_q_renders_results_and_an_empty_search_says_so(login):
    CustomerFactory(name="广州南方仪器公司", phone="020-8765 4321")
    client = login("agent")
    assert "广州南方仪器公司" in page(client.get(reverse("customers:lookup"), {"q": "8765 4321"}))
    empty = page(client.get(reverse("customers:lookup_results"), {"q": "不存在"}))
    assert 'id="lookup-empty"' in empty


def test_customer_pages_need_login_and_staff(client, login, make_user):
    url = reverse("customers:lookup")
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    portal = login(make_user("customer", customer_id=CustomerFactory().pk))
    for name in ("lookup", "list", "access_requests", "create"):
        assert portal.get(reverse(f"customers:{name}")).status_code == 403


# --- overview (C2) and export (C3) -----------------------------------------------------------


def _units(customer, *serials, product=None, acceptance=None):
    from aftersales.installed_base.services import product_create, unit_create

    admin = factory_actor()
    product = product or product_create(actor=admin, model=f"XK-{customer.pk}", name="空压机", warranty_months=24)
    return [
        unit_create(
            actor=admin,
            serial=serial,
            product_id=product.pk,
            customer_id=customer.pk,
            acceptance_date=acceptance or timezone.localdate() - dt.timedelta(days=30),
        )
        for serial in serials
    ]


def test_c2_list_shows_one_row_per_customer_with_counts_without_per_row_queries(
    login, make_user, django_assert_max_num_queries
):
    owner = make_user("sales", display_name="王销售")
    first = CustomerFactory(name="甲公司", key_account=True, owner=owner)
    second = CustomerFactory(name="乙公司")
    _units(first, "SN-A1", "SN-A2")
    client = login("agent")
    client.get(reverse("customers:list"))  # warm the session and permission caches
    # C2 adds open requests, complaints and the latest satisfaction: grouped queries, not per row
    with django_assert_max_num_queries(16) as few:
        response = client.get(reverse("customers:list"))
    for n in range(10):
        CustomerFactory(name=f"更多客户{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("customers:list"))
    html = page(response)
    assert f'<tr data-customer="{first.pk}">' in html
    assert f'<tr data-customer="{second.pk}">' in html
    first_row = html.split(f'<tr data-customer="{first.pk}">')[1].split("</tr>")[0]
    assert '<td class="text-end units">2</td>' in first_row
    assert '<td class="text-end contracts">0</td>' in first_row
    assert "王销售" in first_row
    assert "重点客户" in first_row
    assert 'id="customer-export"' not in html  # agents hold no export permission
    lead_html = page(login("team_lead").get(reverse("customers:list"), {"kind": "dealer"}))
    assert f'href="{reverse("customers:export")}?kind=dealer" id="customer-export"' in lead_html


def test_c2_list_filters_and_paginates_by_25(login):
    region = RegionFactory(code="SH", name="上海")
    for n in range(26):
        CustomerFactory(name=f"客户{n:02d}", kind="dealer" if n == 0 else "end_user", region=region if n == 0 else None)
    client = login("agent")
    html = page(client.get(reverse("customers:list")))
    assert html.count("<tr data-customer=") == 25
    assert page(client.get(reverse("customers:list"), {"page": 2})).count("<tr data-customer=") == 1
    filtered = page(client.get(reverse("customers:list"), {"kind": "dealer", "region": region.pk}))
    assert filtered.count("<tr data-customer=") == 1
    assert "客户00" in filtered
    assert page(client.get(reverse("customers:list"), {"kind": "bogus"})).count("<tr data-customer=") == 25


def test_c3_export_writes_the_filtered_list_as_xlsx_and_logs_it(login, make_user):
    analyst = make_user("analyst")
    CustomerFactory(name="经销商甲", kind="dealer", phone="021-1111 2222")
    CustomerFactory(name="用户乙", kind="end_user")
    CustomerFactory(name="保密经销商", kind="dealer", confidential=True, owner=make_user("sales"))
    response = login(analyst).get(reverse("customers:export"), {"kind": "dealer"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("客户编号", "客户名称", "类型", "电话")
    assert [r[1:4] for r in rows[1:]] == [("经销商甲", "经销商", "021-1111 2222")]
    event = Event.objects.get(action="customer.exported")
    assert (event.actor_id, event.data) == (
        analyst.pk,
        {"kind": "customers", "count": 1, "filters": {"kind": "dealer"}},
    )


def test_c3_export_is_forbidden_without_the_permission_and_not_logged(login):
    CustomerFactory()
    response = login("engineer").get(reverse("customers:export"))
    assert response.status_code == 403
    assert Event.objects.filter(action="customer.exported").count() == 0


# --- the file (C1, C3, C4) -------------------------------------------------------------------


def test_c1_detail_shows_the_file_units_with_coverage_and_the_timeline(login, make_user):
    from aftersales.installed_base.services import contract_create

    customer = CustomerFactory(
        name="上海华东机械有限公司", contacts=[ContactData(name="张三", phone="138 0013 8000", title="厂长")]
    )
    today = timezone.localdate()
    (in_warranty,) = _units(customer, "SN-IN", acceptance=today - dt.timedelta(days=30))
    (out_of_warranty,) = _units(
        customer, "SN-OUT", product=in_warranty.product, acceptance=today - dt.timedelta(days=1000)
    )
    contract = contract_create(
        actor=factory_actor(),
        customer_id=customer.pk,
        unit_serials=["SN-OUT"],
        start_date=today - dt.timedelta(days=10),
        end_date=today + dt.timedelta(days=300),
    )
    from aftersales.installed_base.selectors import unit_list_with_coverage

    agent = make_user("agent")
    coverage = dict((u.serial, c) for u, c in unit_list_with_coverage(factory_actor(), customer.pk, today))

    response = login(agent).get(reverse("customers:detail", args=[customer.pk]))

    assert response.status_code == 200
    html = page(response)
    row_in = html.split('<tr data-serial="SN-IN">')[1].split("</tr>")[0]
    row_out = html.split('<tr data-serial="SN-OUT">')[1].split("</tr>")[0]
    assert "在保" in row_in
    assert "过保" not in row_in
    assert "过保" in row_out
    assert f'<td class="contract-number">{contract.number}</td>' in row_out
    assert coverage["SN-IN"].explanation in row_in
    assert coverage["SN-OUT"].explanation in row_out
    assert "张三" in html
    assert "厂长" in html
    assert 'id="timeline"' in html
    assert "建立用户档案" in html
    assert Event.objects.filter(action="customer.read", actor=agent).count() == 1
    assert in_warranty.serial == "SN-IN"
    assert out_of_warranty.serial == "SN-OUT"


def test_c3_confidential_file_without_grant_is_a_403_page_with_a_request_form(login, make_user):
    owner = make_user("sales", display_name="李经理")
    customer = CustomerFactory(name="保密客户", confidential=True, owner=owner, phone="021-9999 8888")
    requester = make_user("agent")
    client = login(requester)

    response = client.get(reverse("customers:detail", args=[customer.pk]))

    assert response.status_code == 403
    html = page(response)
    assert zh("This customer file is confidential. Ask its owner or a manager for access.") in html
    assert 'id="access-request-form"' in html
    assert f'action="{reverse("customers:request_access", args=[customer.pk])}"' in html
    assert "李经理" in html
    assert "021-9999 8888" not in html
    assert Event.objects.filter(action="customer.read").count() == 0

    sent = client.post(reverse("customers:request_access", args=[customer.pk]), {"reason": "客户来电报修"})
    assert sent.status_code == 302
    request = CustomerAccessRequest.objects.get()
    assert (request.requester_id, request.reason, request.status) == (requester.pk, "客户来电报修", "pending")
    pending = client.get(reverse("customers:detail", args=[customer.pk]))
    assert pending.status_code == 403
    assert 'id="access-pending"' in page(pending)
    assert 'id="access-request-form"' not in page(pending)


def test_c3_request_access_without_reason_shows_the_error_in_chinese(login, make_user):
    customer = CustomerFactory(confidential=True, owner=make_user("sales"))
    response = login("agent").post(reverse("customers:request_access", args=[customer.pk]), {"reason": ""})
    assert response.status_code == 200
    assert '<div class="invalid-feedback d-block" data-field-error="reason">这个字段是必填项。</div>' in page(response)
    assert CustomerAccessRequest.objects.count() == 0


def test_detail_of_a_missing_file_is_404(login):
    assert login("agent").get(reverse("customers:detail", args=[424242])).status_code == 404
    assert login("agent").get("/customers/99999999999/").status_code == 404


# --- forms -----------------------------------------------------------------------------------


def test_c1_create_form_makes_a_file_with_its_first_contact(login, make_user):
    agent = make_user("agent")
    response = login(agent).post(
        reverse("customers:create"),
        {
            "name": "杭州新星机电",
            "kind": "dealer",
            "phone": "0571-8888 6666",
            "credit_rating": "A",
            "key_account": "on",
            "contact_name": "陈工",
            "contact_phone": "139 0000 1111",
        },
    )
    customer = Customer.objects.get()
    assert (response.status_code, response["Location"]) == (302, reverse("customers:detail", args=[customer.pk]))
    assert (customer.name, customer.kind, customer.key_account, customer.owner_id) == (
        "杭州新星机电",
        "dealer",
        True,
        agent.pk,
    )
    assert list(customer.contacts.values_list("name", "phone", "is_primary")) == [("陈工", "139 0000 1111", True)]


def test_c1_create_form_shows_errors_next_to_the_fields_in_chinese(login):
    response = login("agent").post(
        reverse("customers:create"), {"name": "", "kind": "wholesaler", "credit_rating": "A"}
    )
    html = page(response)
    assert response.status_code == 200
    assert '<div class="invalid-feedback d-block" data-field-error="name">这个字段是必填项。</div>' in html
    assert 'data-field-error="kind">选择一个有效的选项。 wholesaler 不在可用的选项中。</div>' in html
    assert Customer.objects.count() == 0


def test_c4_edit_form_shows_a_field_error_in_chinese_and_changes_nothing(login):
    customer = CustomerFactory(name="原名")
    client = login("agent")
    form = client.get(reverse("customers:edit", args=[customer.pk]))
    assert '<input type="hidden" name="version" value="1"' in page(form)
    response = client.post(
        reverse("customers:edit", args=[customer.pk]),
        {"name": "", "kind": "end_user", "credit_rating": "B", "version": 1},
    )
    assert response.status_code == 200
    assert '<div class="invalid-feedback d-block" data-field-error="name">这个字段是必填项。</div>' in page(response)
    customer.refresh_from_db()
    assert (customer.name, customer.version) == ("原名", 1)


def test_c4_edit_saves_and_a_stale_version_shows_the_conflict(login):
    customer = CustomerFactory(name="原名", phone="021-1111 2222")
    client = login("agent")
    data = {"name": "新名", "kind": "end_user", "phone": "021-1111 2222", "credit_rating": "B", "version": 1}
    saved = client.post(reverse("customers:edit", args=[customer.pk]), data)
    assert (saved.status_code, saved["Location"]) == (302, reverse("customers:detail", args=[customer.pk]))
    customer_update(actor=factory_actor(), customer_id=customer.pk, expected_version=2, name="别人改的")

    stale = client.post(reverse("customers:edit", args=[customer.pk]), {**data, "name": "我改的", "version": 2})

    assert stale.status_code == 409
    html = page(stale)
    assert zh("Someone else changed this customer file meanwhile. Reload it and make your change again.") in html
    assert 'id="version-conflict"' in html
    customer.refresh_from_db()
    assert (customer.name, customer.version) == ("别人改的", 3)


def test_c1_contact_add_form(login):
    customer = CustomerFactory(phone="")
    response = login("agent").post(
        reverse("customers:contact_add", args=[customer.pk]), {"name": "王五", "phone": "139 1234 5678", "email": "x"}
    )
    assert response.status_code == 200
    assert 'data-field-error="email">输入一个有效的 Email 地址。</div>' in page(response)
    ok = login("team_lead").post(reverse("customers:contact_add", args=[customer.pk]), {"name": "王五", "phone": "139"})
    assert ok.status_code == 302
    assert list(customer.contacts.values_list("name", flat=True)) == ["王五"]


# --- access requests (C3) --------------------------------------------------------------------


def test_c3_access_requests_page_lets_the_owner_approve(login, make_user, actor_of):
    owner = make_user("sales")
    customer = CustomerFactory(name="保密客户", confidential=True, owner=owner)
    requester = make_user("agent")
    request = access_request_create(actor=actor_of(requester), customer_id=customer.pk, reason="回访")
    owner_client = login(owner)

    html = page(owner_client.get(reverse("customers:access_requests")))
    assert f'id="approve-{request.pk}"' in html
    assert f'id="refuse-{request.pk}"' in html
    requester_html = page(login(requester).get(reverse("customers:access_requests")))
    assert f'id="approve-{request.pk}"' not in requester_html
    assert "回访" in requester_html
    bystander_html = page(login("engineer").get(reverse("customers:access_requests")))
    assert "回访" not in bystander_html

    response = owner_client.post(reverse("customers:access_decide", args=[request.pk]), {"decision": "approve"})
    assert (response.status_code, response["Location"]) == (302, reverse("customers:access_requests"))
    request.refresh_from_db()
    assert (request.status, request.decided_by_id) == (AccessRequestStatus.APPROVED, owner.pk)
    assert login(requester).get(reverse("customers:detail", args=[customer.pk])).status_code == 200


def test_c3_a_bystander_cannot_decide(login, make_user, actor_of):
    customer = CustomerFactory(confidential=True, owner=make_user("sales"))
    request = access_request_create(actor=actor_of(make_user("agent")), customer_id=customer.pk, reason="回访")
    response = login("engineer").post(reverse("customers:access_decide", args=[request.pk]), {"decision": "approve"})
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == AccessRequestStatus.PENDING


# --- import ----------------------------------------------------------------------------------


def _xlsx(rows) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["客户名称", "类型", "电话", "地址", "区域", "信用等级", "重点客户", "联系人", "联系电话"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "customers.xlsx"
    return buffer


def test_import_page_shows_the_row_report_or_the_count(login):
    client = login("cs_manager")
    assert client.get(reverse("customers:import")).status_code == 200
    bad = submit_and_run(
        client,
        reverse("customers:import"),
        {
            "what": "customers",
            "file": _xlsx(
                [["甲公司", "经销商", "", "", "", "", "", "", ""], ["乙", "批发", "", "", "", "", "", "", ""]]
            ),
        },
    )
    html = page(bad)
    assert 'id="import-errors"' in html
    assert "<td>3</td><td>类型</td>" in html
    assert Customer.objects.count() == 0

    good = submit_and_run(
        client,
        reverse("customers:import"),
        {"what": "customers", "file": _xlsx([["甲公司", "经销商", "", "", "", "", "是", "", ""]])},
    )
    assert 'id="import-done"' in page(good)
    assert "已导入 1 条记录。" in page(good)
    assert list(Customer.objects.values_list("name", "kind", "key_account")) == [("甲公司", "dealer", True)]


def test_import_page_sends_units_to_the_installed_base(login):
    response = submit_and_run(login("cs_manager"), reverse("customers:import"), {"what": "units", "file": _xlsx([])})
    assert response.status_code == 200
    assert 'id="job-failed"' in page(response)  # a customer sheet lacks the unit columns
    assert "表头缺少以下列" in page(response)


def test_import_page_needs_the_import_permission(login):
    assert login("agent").get(reverse("customers:import")).status_code == 403
