"""Writes of customer files: create (C1), change history (C4), confidential access (C3)."""

from __future__ import annotations

import datetime as dt

import pytest

from aftersales.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.models import Event
from aftersales.customers import services
from aftersales.customers.choices import AccessRequestStatus
from aftersales.customers.errors import ConfidentialFile
from aftersales.customers.models import Contact, Customer, CustomerAccessRequest, PhoneIndex
from aftersales.customers.selectors import customer_can_read
from aftersales.customers.services import ContactData
from aftersales.policies.services import policy_set
from tests.customers.factories import CustomerFactory, RegionFactory

pytestmark = pytest.mark.django_db


def _events(obj, action=None):
    qs = Event.objects.filter(subject_type=obj._meta.label_lower, subject_id=str(obj.pk)).order_by("id")
    return list(qs.filter(action=action) if action else qs)


def _index(customer):
    return sorted(PhoneIndex.objects.filter(customer=customer).values_list("reversed_digits", flat=True))


def test_c1_create_numbers_the_file_writes_an_event_and_indexes_every_phone(make_user, actor_of):
    agent_user = make_user("agent")
    agent = actor_of(agent_user)
    customer = services.customer_create(
        actor=agent,
        name="  上海华东机械有限公司 ",
        kind="dealer",
        phone="+86 21 6234 5678",
        address="上海市浦东新区张江路 88 号",
        key_account=True,
        contacts=[ContactData(name="张三", phone="138-0013-8000"), ContactData(name="李四", phone="")],
    )
    assert (customer.code, customer.name, customer.kind, customer.owner_id, customer.version) == (
        "KH000001",
        "上海华东机械有限公司",
        "dealer",
        agent_user.pk,
        1,
    )
    assert list(customer.contacts.values_list("name", "is_primary")) == [("张三", True), ("李四", False)]
    assert _index(customer) == sorted(["87654326120", "00083100831"])
    created, contact_one, contact_two = _events(customer)
    assert (created.action, created.rule, created.actor_id) == ("customer.created", "C1", agent_user.pk)
    assert created.data == {
        "code": "KH000001",
        "name": "上海华东机械有限公司",
        "kind": "dealer",
        "phone": "+86 21 6234 5678",
        "address": "上海市浦东新区张江路 88 号",
        "region": None,
        "credit_rating": "B",
        "relationship": "",
        "key_account": True,
        "confidential": False,
        "owner": agent_user.pk,
        "notes": "",
    }
    assert [e.action for e in (contact_one, contact_two)] == ["contact.created", "contact.created"]
    assert contact_one.data["contact"]["name"] == "张三"


def test_c1_create_is_refused_without_the_permission_and_writes_nothing(make_user, actor_of):
    engineer = actor_of(make_user("engineer"))
    events_before = Event.objects.count()
    with pytest.raises(PermissionDenied):
        services.customer_create(actor=engineer, name="某公司", phone="021-6234 5678")
    assert (Customer.objects.count(), Event.objects.count(), PhoneIndex.objects.count()) == (0, events_before, 0)


def test_c1_create_refuses_an_unknown_kind_or_region_with_field_errors(make_user, actor_of):
    agent = actor_of(make_user("agent"))
    events_before = Event.objects.count()
    with pytest.raises(ValidationFailed) as kind_error:
        services.customer_create(actor=agent, name="某公司", kind="wholesaler")
    with pytest.raises(ValidationFailed) as region_error:
        services.customer_create(actor=agent, name="某公司", region_id=424242)
    assert set(kind_error.value.fields) == {"kind"}
    assert set(region_error.value.fields) == {"region"}
    assert (Customer.objects.count(), Event.objects.count()) == (0, events_before)


def test_c4_update_records_old_and_new_values_and_bumps_the_version(make_user, actor_of):
    agent_user = make_user("agent")
    agent = actor_of(agent_user)
    region = RegionFactory(code="SH", name="上海")
    customer = CustomerFactory(name="旧名称", phone="0571-8800 1234", owner=agent_user)

    updated = services.customer_update(
        actor=agent,
        customer_id=customer.pk,
        expected_version=1,
        name="新名称",
        phone="021-6234 5678",
        region_id=region.pk,
    )

    assert (updated.name, updated.phone, updated.region_id, updated.version) == (
        "新名称",
        "021-6234 5678",
        region.pk,
        2,
    )
    customer.refresh_from_db()
    assert (customer.name, customer.version) == ("新名称", 2)
    (event,) = _events(customer, "customer.updated")
    assert (event.rule, event.actor_id) == ("C4", agent_user.pk)
    assert event.data == {
        "name": ["旧名称", "新名称"],
        "phone": ["0571-8800 1234", "021-6234 5678"],
        "region": [None, region.pk],
    }
    assert _index(customer) == ["87654326120"]


def test_c4_update_without_a_change_records_nothing(make_user, actor_of):
    customer = CustomerFactory(name="不变")
    agent = actor_of(make_user("agent"))
    services.customer_update(actor=agent, customer_id=customer.pk, name="不变")
    customer.refresh_from_db()
    assert customer.version == 1
    assert _events(customer, "customer.updated") == []


def test_c4_a_stale_version_is_refused_and_nothing_changes(make_user, actor_of):
    customer = CustomerFactory(name="原名")
    first, second = actor_of(make_user("agent")), actor_of(make_user("agent"))
    services.customer_update(actor=first, customer_id=customer.pk, expected_version=1, name="第一人改")
    events_before = Event.objects.count()

    with pytest.raises(Conflict) as error:
        services.customer_update(actor=second, customer_id=customer.pk, expected_version=1, name="第二人改")

    assert (error.value.code, error.value.status, error.value.fields) == ("version_conflict", 409, {"version": ["2"]})
    customer.refresh_from_db()
    assert (customer.name, customer.version) == ("第一人改", 2)
    assert Event.objects.count() == events_before


def test_c4_update_refuses_unknown_fields(make_user, actor_of):
    customer = CustomerFactory(name="原名")
    with pytest.raises(ValidationFailed):
        services.customer_update(actor=actor_of(make_user("agent")), customer_id=customer.pk, code="KH999999")
    customer.refresh_from_db()
    assert (customer.code, customer.version) == ("KH000001", 1)


def test_c3_update_of_a_confidential_file_needs_read_access(make_user, actor_of):
    customer = CustomerFactory(name="保密", confidential=True, owner=make_user("sales"))
    with pytest.raises(ConfidentialFile) as error:
        services.customer_update(actor=actor_of(make_user("agent")), customer_id=customer.pk, name="改")
    assert error.value.code == "customer_confidential"
    customer.refresh_from_db()
    assert customer.name == "保密"


def test_c1_contact_add_indexes_the_phone_and_a_new_primary_demotes_the_old(make_user, actor_of):
    customer = CustomerFactory(phone="", contacts=[ContactData(name="张三", phone="")])
    agent = actor_of(make_user("agent"))
    contact = services.contact_add(
        actor=agent, customer_id=customer.pk, contact=ContactData(name="王五", phone="139 1234 5678", is_primary=True)
    )
    assert list(Contact.objects.filter(customer=customer).values_list("name", "is_primary")) == [
        ("王五", True),
        ("张三", False),
    ]
    assert _index(customer) == ["87654321931"]
    (event,) = [e for e in _events(customer, "contact.created") if e.data["contact"]["name"] == "王五"]
    assert event.data["contact"] == {
        "name": "王五",
        "title": "",
        "phone": "139 1234 5678",
        "email": "",
        "is_primary": True,
    }
    assert contact.customer_id == customer.pk


def test_c3_read_by_a_non_owner_is_logged_and_by_the_owner_not(make_user, actor_of):
    owner = make_user("sales")
    customer = CustomerFactory(owner=owner)
    reader_user = make_user("agent")
    services.customer_open(actor=actor_of(owner), customer_id=customer.pk)
    assert _events(customer, "customer.read") == []
    services.customer_open(actor=actor_of(reader_user), customer_id=customer.pk)
    (event,) = _events(customer, "customer.read")
    assert (event.actor_id, event.rule) == (reader_user.pk, "C3")


def test_c3_a_refused_read_is_not_logged(make_user, actor_of):
    customer = CustomerFactory(confidential=True, owner=make_user("sales"))
    with pytest.raises(ConfidentialFile) as error:
        services.customer_open(actor=actor_of(make_user("agent")), customer_id=customer.pk)
    assert error.value.code == "customer_confidential"
    assert _events(customer, "customer.read") == []


@pytest.fixture
def confidential(make_user):
    return CustomerFactory(name="保密客户", confidential=True, owner=make_user("sales", username="owner"))


def test_c3_request_approve_read_then_expire_after_grant_days(make_user, actor_of, confidential, monkeypatch):
    requester = actor_of(make_user("agent", username="requester"))
    owner = actor_of(confidential.owner)
    request = services.access_request_create(actor=requester, customer_id=confidential.pk, reason=" 客户来电报修 ")
    assert (request.status, request.reason) == (AccessRequestStatus.PENDING, "客户来电报修")

    approved = services.access_request_decide(actor=owner, request_id=request.pk, approve=True)

    assert approved.status == AccessRequestStatus.APPROVED
    assert approved.decided_by_id == confidential.owner.pk
    assert approved.expires_at - approved.decided_at == dt.timedelta(days=7)
    assert approved.policy_version == 0
    assert customer_can_read(requester, confidential) is True
    (event,) = _events(approved, "customeraccessrequest.approved")
    assert event.data["status"] == ["pending", "approved"]

    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: approved.expires_at + dt.timedelta(seconds=1))
    assert customer_can_read(requester, confidential) is False


def test_c3_grant_days_come_from_the_policy_in_force(make_user, actor_of, confidential):
    version = policy_set(actor=actor_of(make_user("admin")), key="C3.grant_days", value=3, note="测试")
    requester = actor_of(make_user("agent"))
    request = services.access_request_create(actor=requester, customer_id=confidential.pk, reason="回访")
    approved = services.access_request_decide(
        actor=actor_of(make_user("team_lead")), request_id=request.pk, approve=True
    )
    assert approved.expires_at - approved.decided_at == dt.timedelta(days=3)
    assert approved.policy_version == version.number


def test_c3_refuse_leaves_the_file_closed(make_user, actor_of, confidential):
    requester = actor_of(make_user("agent"))
    request = services.access_request_create(actor=requester, customer_id=confidential.pk, reason="回访")
    refused = services.access_request_decide(actor=actor_of(confidential.owner), request_id=request.pk, approve=False)
    assert (refused.status, refused.expires_at, refused.policy_version) == (AccessRequestStatus.REFUSED, None, None)
    assert customer_can_read(requester, confidential) is False
    # A refused request may be asked again.
    again = services.access_request_create(actor=requester, customer_id=confidential.pk, reason="再次申请")
    assert again.status == AccessRequestStatus.PENDING


def test_c3_the_requester_cannot_approve_their_own_request(make_user, actor_of, confidential):
    requester = actor_of(make_user("agent"))
    request = services.access_request_create(actor=requester, customer_id=confidential.pk, reason="回访")
    with pytest.raises(PermissionDenied):
        services.access_request_decide(actor=requester, request_id=request.pk, approve=True)
    request.refresh_from_db()
    assert (request.status, request.decided_by_id) == (AccessRequestStatus.PENDING, None)
    assert customer_can_read(requester, confidential) is False


def test_c3_a_bystander_cannot_see_or_decide_a_request(make_user, actor_of, confidential):
    request = services.access_request_create(
        actor=actor_of(make_user("agent")), customer_id=confidential.pk, reason="回访"
    )
    with pytest.raises(NotFound):
        services.access_request_decide(actor=actor_of(make_user("engineer")), request_id=request.pk, approve=True)
    request.refresh_from_db()
    assert request.status == AccessRequestStatus.PENDING


def test_c3_a_decided_request_cannot_be_decided_again(make_user, actor_of, confidential):
    request = services.access_request_create(
        actor=actor_of(make_user("agent")), customer_id=confidential.pk, reason="回访"
    )
    owner = actor_of(confidential.owner)
    services.access_request_decide(actor=owner, request_id=request.pk, approve=False)
    with pytest.raises(Conflict) as error:
        services.access_request_decide(actor=owner, request_id=request.pk, approve=True)
    assert error.value.code == "access_not_decidable"
    request.refresh_from_db()
    assert request.status == AccessRequestStatus.REFUSED


def test_c3_request_refusals(make_user, actor_of, confidential):
    requester = actor_of(make_user("agent"))
    services.access_request_create(actor=requester, customer_id=confidential.pk, reason="回访")
    with pytest.raises(Conflict) as twice:
        services.access_request_create(actor=requester, customer_id=confidential.pk, reason="再来")
    with pytest.raises(Conflict) as readable:
        services.access_request_create(actor=actor_of(confidential.owner), customer_id=confidential.pk, reason="x")
    with pytest.raises(ValidationFailed) as no_reason:
        services.access_request_create(actor=actor_of(make_user("agent")), customer_id=confidential.pk, reason="  ")
    portal = actor_of(make_user("customer", customer_id=confidential.pk))
    with pytest.raises(PermissionDenied):
        services.access_request_create(actor=portal, customer_id=confidential.pk, reason="x")
    assert (twice.value.code, readable.value.code, set(no_reason.value.fields)) == (
        "access_already_requested",
        "access_already_requested",
        {"reason"},
    )
    assert CustomerAccessRequest.objects.count() == 1


def test_c3_revoke_ends_a_grant(make_user, actor_of, confidential):
    requester = actor_of(make_user("agent"))
    owner = actor_of(confidential.owner)
    request = services.access_request_create(actor=requester, customer_id=confidential.pk, reason="回访")
    services.access_request_decide(actor=owner, request_id=request.pk, approve=True)
    revoked = services.access_request_revoke(actor=owner, request_id=request.pk)
    assert revoked.status == AccessRequestStatus.REVOKED
    assert customer_can_read(requester, confidential) is False


def test_c3_every_export_is_logged_on_the_exporting_user(make_user, actor_of):
    analyst_user = make_user("analyst")
    services.customer_export_log(actor=actor_of(analyst_user), count=12, filters={"kind": "dealer", "q": ""})
    (event,) = _events(analyst_user, "customer.exported")
    assert (event.rule, event.data) == ("C3", {"kind": "customers", "count": 12, "filters": {"kind": "dealer"}})
    agent_user = make_user("agent")
    with pytest.raises(PermissionDenied):
        services.customer_export_log(actor=actor_of(agent_user), count=1, filters={})
    assert _events(agent_user, "customer.exported") == []
