"""Reads of customer files: hotline lookup (C6), who may read a file (C3), the overview (C2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.core.errors import NotFound
from aftersales.customers import selectors
from aftersales.customers.choices import AccessRequestStatus
from aftersales.customers.errors import ConfidentialFile
from aftersales.customers.models import CustomerAccessRequest
from aftersales.customers.services import ContactData, access_request_create, access_request_decide
from tests.customers.factories import ContactFactory, CustomerFactory, factory_actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotline_files():
    mobile = CustomerFactory(name="上海华东机械有限公司", phone="+86 138-0013-8000")
    landline = CustomerFactory(name="北京远大设备厂", phone="021-6234 5678")
    international = CustomerFactory(name="广州南方仪器公司", phone="+86 20 8765 4321")
    return {"mobile": mobile, "landline": landline, "international": international}


def _lookup(actor, query):
    return [c.name for c in selectors.customer_lookup(actor, query)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("+86 138-0013-8000", "上海华东机械有限公司"),
        ("138 0013 8000", "上海华东机械有限公司"),
        ("13800138000", "上海华东机械有限公司"),
        ("0086 13800138000", "上海华东机械有限公司"),
        ("021-6234 5678", "北京远大设备厂"),
        ("+86 21 6234 5678", "北京远大设备厂"),
        ("(021) 6234-5678", "北京远大设备厂"),
        ("62345678", "北京远大设备厂"),
        ("020-87654321", "广州南方仪器公司"),
        ("8765 4321", "广州南方仪器公司"),
    ],
)
def test_c6_lookup_finds_a_phone_typed_in_any_format(make_user, actor_of, hotline_files, query, expected):
    agent = actor_of(make_user("agent"))
    assert _lookup(agent, query) == [expected]


def test_c6_lookup_by_name_fragment_contact_name_and_number(make_user, actor_of, hotline_files):
    agent = actor_of(make_user("agent"))
    ContactFactory(customer=hotline_files["landline"], name="王建国", phone="")
    assert _lookup(agent, "华东") == ["上海华东机械有限公司"]
    assert _lookup(agent, "建国") == ["北京远大设备厂"]
    assert _lookup(agent, hotline_files["international"].code.lower()) == ["广州南方仪器公司"]
    assert _lookup(agent, "不存在的公司") == []
    assert _lookup(agent, "   ") == []


def test_c6_lookup_finds_a_contacts_phone(make_user, actor_of, hotline_files):
    agent = actor_of(make_user("agent"))
    ContactFactory(customer=hotline_files["mobile"], name="李四", phone="139-1234-5678")
    assert _lookup(agent, "+86 139 1234 5678") == ["上海华东机械有限公司"]
    assert _lookup(agent, "12345678") == ["上海华东机械有限公司"]


def test_c6_the_last_four_to_six_digits_find_a_phone_and_shorter_strings_do_not(make_user, actor_of, hotline_files):
    agent = actor_of(make_user("agent"))
    assert _lookup(agent, "5678") == ["北京远大设备厂"]
    assert _lookup(agent, "4 5678") == ["北京远大设备厂"]
    assert _lookup(agent, "345678") == ["北京远大设备厂"]
    assert _lookup(agent, "678") == []


def test_c6_lookup_puts_key_accounts_first_and_prefetches_the_primary_contact(
    make_user, actor_of, django_assert_num_queries
):
    agent = actor_of(make_user("agent"))
    plain = CustomerFactory(name="甲公司", phone="0571-8800 1234", contacts=[ContactData(name="赵一", phone="")])
    key = CustomerFactory(name="乙公司", phone="0571-9800 1234", key_account=True)
    assert agent.has_perm("customers.view_customer")  # loads the permission cache before counting
    # the phone index, the serials (each an index lookup), the files, their contacts; none per row
    with django_assert_num_queries(4):
        found = selectors.customer_lookup(agent, "800 1234")
        primary = [getattr(c.primary_contact, "name", None) for c in found]
    assert [c.pk for c in found] == [key.pk, plain.pk]
    assert primary == [None, "赵一"]


def test_c6_portal_user_finds_only_their_own_customer(make_user, actor_of, hotline_files):
    own = hotline_files["mobile"]
    portal = actor_of(make_user("customer", customer_id=own.pk))
    assert _lookup(portal, "138 0013 8000") == ["上海华东机械有限公司"]
    assert _lookup(portal, "021-6234 5678") == []


@pytest.fixture
def confidential_file(make_user):
    owner = make_user("agent", username="owner")
    return CustomerFactory(name="保密客户", confidential=True, owner=owner)


def test_c3_owner_and_manager_read_a_confidential_file(actor_of, make_user, confidential_file):
    assert selectors.customer_can_read(actor_of(confidential_file.owner), confidential_file) is True
    assert selectors.customer_can_read(actor_of(make_user("team_lead")), confidential_file) is True
    assert selectors.customer_can_read(actor_of(make_user("cs_manager")), confidential_file) is True


def test_c3_other_staff_without_grant_cannot_read(actor_of, make_user, confidential_file):
    other = actor_of(make_user("agent", username="other"))
    assert selectors.customer_can_read(other, confidential_file) is False
    with pytest.raises(ConfidentialFile):
        selectors.access_customer(other, confidential_file.pk)


def test_c3_grant_lets_the_requester_read_until_it_expires(actor_of, make_user, confidential_file, monkeypatch):
    other = actor_of(make_user("agent", username="other"))
    request = access_request_create(actor=other, customer_id=confidential_file.pk, reason="客户来电报修")
    assert selectors.customer_can_read(other, confidential_file) is False  # pending is not a grant
    access_request_decide(actor=actor_of(confidential_file.owner), request_id=request.pk, approve=True)
    assert selectors.customer_can_read(other, confidential_file) is True
    assert selectors.access_customer(other, confidential_file.pk) == confidential_file

    expires_at = CustomerAccessRequest.objects.get(pk=request.pk).expires_at
    monkeypatch.setattr(timezone, "now", lambda: expires_at + dt.timedelta(seconds=1))
    assert selectors.customer_can_read(other, confidential_file) is False


def test_c3_a_refused_request_is_no_grant(actor_of, make_user, confidential_file):
    other = actor_of(make_user("agent", username="other"))
    request = access_request_create(actor=other, customer_id=confidential_file.pk, reason="查看设备")
    access_request_decide(actor=actor_of(confidential_file.owner), request_id=request.pk, approve=False)
    assert selectors.customer_can_read(other, confidential_file) is False


def test_c3_a_file_that_is_not_confidential_is_read_by_all_staff(actor_of, make_user):
    customer = CustomerFactory(owner=make_user("sales"))
    assert selectors.customer_can_read(actor_of(make_user("engineer")), customer) is True


def test_c3_portal_user_reads_own_file_only_and_others_are_missing(actor_of, make_user, confidential_file):
    other_file = CustomerFactory(name="别家公司")
    portal = actor_of(make_user("customer", customer_id=confidential_file.pk))
    assert selectors.access_customer(portal, confidential_file.pk) == confidential_file
    with pytest.raises(NotFound):
        selectors.access_customer(portal, other_file.pk)
    with pytest.raises(NotFound):
        selectors.access_customer(actor_of(make_user("agent")), 999999)


def test_c3_export_list_masks_files_the_actor_may_not_read(actor_of, make_user, confidential_file):
    visible = CustomerFactory(name="公开客户")
    analyst = actor_of(make_user("analyst"))
    rows = list(selectors.customer_export_list(analyst))
    assert [(row.customer.pk, row.customer.may_open, row.units) for row in rows] == [
        (confidential_file.pk, False, None),
        (visible.pk, True, 0),
    ]
    assert (rows[0].customer.phone, rows[0].customer.address, rows[0].last_event_at) == ("", "", None)
    manager = actor_of(make_user("cs_manager"))
    assert [(row.customer.pk, row.customer.may_open) for row in selectors.customer_export_list(manager)] == [
        (confidential_file.pk, True),
        (visible.pk, True),
    ]


def test_c3_access_request_list_holds_mine_and_those_i_may_decide(actor_of, make_user, confidential_file):
    requester = actor_of(make_user("agent", username="requester"))
    request = access_request_create(actor=requester, customer_id=confidential_file.pk, reason="回访")
    bystander = actor_of(make_user("engineer"))
    assert list(selectors.access_request_list(requester)) == [request]
    assert list(selectors.access_request_list(actor_of(confidential_file.owner))) == [request]
    assert list(selectors.access_request_list(actor_of(make_user("gm")))) == [request]
    assert list(selectors.access_request_list(bystander)) == []
    assert list(selectors.access_request_list(requester, status=AccessRequestStatus.APPROVED)) == []
    with pytest.raises(NotFound):
        selectors.access_customer_access_request(bystander, request.pk)


def test_c2_overview_counts_units_and_active_contracts_in_grouped_queries(
    actor_of, make_user, django_assert_num_queries
):
    from aftersales.installed_base.services import contract_create, product_create, unit_create

    admin = factory_actor()
    product = product_create(actor=admin, model="XK-100", name="空压机", warranty_months=24)
    first, second, empty = CustomerFactory(), CustomerFactory(), CustomerFactory()
    for serial, customer in (("SN-1", first), ("SN-2", first), ("SN-3", second)):
        unit_create(
            actor=admin,
            serial=serial,
            product_id=product.pk,
            customer_id=customer.pk,
            acceptance_date=dt.date(2024, 1, 10),
        )
    today = timezone.localdate()
    contract_create(
        actor=admin,
        customer_id=first.pk,
        unit_serials=["SN-1"],
        start_date=today - dt.timedelta(days=10),
        end_date=today + dt.timedelta(days=10),
    )
    contract_create(
        actor=admin,
        customer_id=second.pk,
        unit_serials=["SN-3"],
        start_date=today - dt.timedelta(days=100),
        end_date=today - dt.timedelta(days=1),
    )
    agent = actor_of(make_user("agent"))
    cards = selectors.customer_cards(agent, [first, second, empty])
    # units, contracts, open requests, complaints, latest survey, latest callback: grouped, never per row
    with django_assert_num_queries(6):
        rows = selectors.customer_overview(agent, cards)
    assert [(r.customer.pk, r.units, r.contracts) for r in rows] == [
        (first.pk, 2, 1),
        (second.pk, 1, 0),
        (empty.pk, 0, 0),
    ]


def test_c2_customer_list_filters(actor_of, make_user):
    from tests.customers.factories import RegionFactory

    region = RegionFactory(code="SH", name="上海")
    owner = make_user("sales")
    dealer = CustomerFactory(name="经销商甲", kind="dealer", region=region, key_account=True, owner=owner)
    CustomerFactory(name="用户乙", kind="end_user")
    agent = actor_of(make_user("agent"))
    assert list(selectors.customer_list(agent, kind="dealer")) == [dealer]
    assert list(selectors.customer_list(agent, region_id=region.pk)) == [dealer]
    assert list(selectors.customer_list(agent, key_account=True)) == [dealer]
    assert list(selectors.customer_list(agent, owner_id=owner.pk)) == [dealer]
    assert list(selectors.customer_list(agent, q="甲")) == [dealer]
    assert selectors.customer_list(agent).count() == 2
