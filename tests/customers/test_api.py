"""The customers API end to end: exact bodies, typed errors, scope (C1, C3, C4, C6)."""

from __future__ import annotations

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation

from aftersales.core.models import Event
from aftersales.customers.choices import AccessRequestStatus
from aftersales.customers.models import Customer, CustomerAccessRequest
from aftersales.customers.services import ContactData
from tests.customers.factories import CustomerFactory, RegionFactory

pytestmark = pytest.mark.django_db


def zh(message: str) -> str:
    """The message as the API renders it for a request without Accept-Language (zh-hans)."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


def ts(value) -> str:
    return DjangoJSONEncoder().default(value)


def user_ref(user):
    return {"id": user.pk, "username": user.username, "display_name": user.display_name}


def summary(customer, contact=None, matched=None):
    customer.refresh_from_db()
    return {
        "id": customer.pk,
        "code": customer.code,
        "name": customer.name,
        "kind": customer.kind,
        "phone": customer.phone,
        "region": None
        if customer.region is None
        else {
            "id": customer.region.pk,
            "code": customer.region.code,
            "name": customer.region.name,
            "tier": customer.region.tier,
        },
        "key_account": customer.key_account,
        "confidential": customer.confidential,
        "owner": user_ref(customer.owner) if customer.owner else None,
        "primary_contact": contact,
        "matched_contact": matched,
        "updated_at": ts(customer.updated_at),
        "may_open": True,
        "request_access": None,
    }


def contact_out(contact):
    return {
        "id": contact.pk,
        "name": contact.name,
        "title": contact.title,
        "phone": contact.phone,
        "email": contact.email,
        "is_primary": contact.is_primary,
    }


NOT_FOUND = {"code": "not_found", "message": "", "fields": {}}


def not_found():
    return {**NOT_FOUND, "message": zh("Not found.")}


def denied():
    return {"code": "permission_denied", "message": zh("You do not have permission to do this."), "fields": {}}


# --- GET /customers --------------------------------------------------------------------------


def test_list_requires_authentication(api_as):
    response = api_as(None).get("customers")
    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated", "message": zh("Authentication is required."), "fields": {}}


def test_c6_list_q_is_the_hotline_lookup_with_exact_rows(api_as, make_user):
    sales = make_user("sales")
    region = RegionFactory(code="SH", name="上海")
    found = CustomerFactory(
        name="上海华东机械有限公司",
        phone="+86 138-0013-8000",
        region=region,
        key_account=True,
        owner=sales,
        contacts=[ContactData(name="张三", phone="021-6234 5678", title="厂长")],
    )
    CustomerFactory(name="北京远大设备厂", phone="010-6666 7777")
    client = api_as("agent")

    response = client.get("customers", q="138 0013 8000")

    assert response.status_code == 200
    contact = found.contacts.get()
    assert response.json() == {"items": [summary(found, contact_out(contact))], "count": 1}
    assert client.get("customers", q="+86 21 6234 5678").json()["count"] == 1  # the contact's phone
    assert client.get("customers", q="远大").json()["items"][0]["name"] == "北京远大设备厂"


def test_list_filters_and_rejects_bad_filter_values(api_as, make_user):
    region = RegionFactory(code="BJ", name="北京")
    dealer = CustomerFactory(name="经销商", kind="dealer", region=region, key_account=True)
    CustomerFactory(name="最终用户")
    client = api_as("agent")
    for params in ({"kind": "dealer"}, {"region": region.pk}, {"key_account": "true"}):
        assert [i["id"] for i in client.get("customers", **params).json()["items"]] == [dealer.pk]
    bad_kind = client.get("customers", kind="wholesaler")
    assert bad_kind.status_code == 422
    assert bad_kind.json()["code"] == "validation_failed"
    assert list(bad_kind.json()["fields"]) == ["kind"]
    assert client.get("customers", region="abc").status_code == 422
    assert client.get("customers", region=99999999999999999999).status_code == 422
    assert client.get("customers", page=0).status_code == 422


def test_list_is_paginated_by_50(api_as):
    admin = api_as("admin")
    for n in range(51):
        CustomerFactory(name=f"客户{n:02d}")
    first, second = admin.get("customers").json(), admin.get("customers", page=2).json()
    assert (len(first["items"]), first["count"]) == (50, 51)
    assert [i["name"] for i in second["items"]] == ["客户50"]
    assert admin.get("customers", page_size=100).status_code == 422


def test_portal_user_lists_only_their_own_customer(api_as, make_user):
    own = CustomerFactory(name="自家公司")
    CustomerFactory(name="别家公司")
    portal = api_as(make_user("customer", customer_id=own.pk))
    body = portal.get("customers").json()
    assert (body["count"], [i["id"] for i in body["items"]]) == (1, [own.pk])


# --- POST /customers -------------------------------------------------------------------------

CREATE_BODY = {
    "name": "杭州新星机电有限公司",
    "kind": "retailer",
    "phone": "0571-8888 6666",
    "address": "杭州市滨江区江南大道 1 号",
    "credit_rating": "A",
    "key_account": True,
    "contacts": [{"name": "陈工", "phone": "139 0000 1111", "title": "设备主管", "email": "chen@example.com"}],
}


def test_c1_post_creates_a_file_and_answers_201_with_it(api_as, make_user):
    agent_user = make_user("agent")
    region = RegionFactory(code="HZ", name="杭州")
    response = api_as(agent_user).post("customers", {**CREATE_BODY, "region": region.pk})
    assert response.status_code == 201
    customer = Customer.objects.get()
    contact = customer.contacts.get()
    assert response.json() == {
        "id": customer.pk,
        "code": "KH000001",
        "name": "杭州新星机电有限公司",
        "kind": "retailer",
        "phone": "0571-8888 6666",
        "address": "杭州市滨江区江南大道 1 号",
        "region": {"id": region.pk, "code": "HZ", "name": "杭州", "tier": "same_city"},
        "credit_rating": "A",
        "relationship": "",
        "key_account": True,
        "confidential": False,
        "owner": user_ref(agent_user),
        "notes": "",
        "version": 1,
        "contacts": [
            {
                "id": contact.pk,
                "name": "陈工",
                "title": "设备主管",
                "phone": "139 0000 1111",
                "email": "chen@example.com",
                "is_primary": True,
            }
        ],
        "created_at": ts(customer.created_at),
        "updated_at": ts(customer.updated_at),
    }
    assert Event.objects.filter(action="customer.created", data__source="api").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({k: v for k, v in CREATE_BODY.items() if k != "name"}, "name"),
        ({**CREATE_BODY, "name": ""}, "name"),
        ({**CREATE_BODY, "kind": "wholesaler"}, "kind"),
        ({**CREATE_BODY, "key_account": "yes"}, "key_account"),
        ({**CREATE_BODY, "region": "3"}, "region"),
        ({**CREATE_BODY, "code": "KH000009"}, "code"),
        ({**CREATE_BODY, "contacts": [{"phone": "1"}]}, "contacts.0.name"),
    ],
)
def test_post_rejects_malformed_bodies_with_422_and_creates_nothing(api_as, body, field):
    response = api_as("agent").post("customers", body)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert field in response.json()["fields"]
    assert Customer.objects.count() == 0


def test_post_with_broken_json_or_a_list_is_refused_without_500(api_as):
    client = api_as("agent")
    broken = client.post("customers", "{not json")
    assert (broken.status_code, broken.json()["code"]) == (400, "bad_request")
    assert client.post("customers", "[]").status_code == 422
    assert Customer.objects.count() == 0


def test_post_with_an_unknown_region_is_a_field_error(api_as):
    response = api_as("agent").post("customers", {**CREATE_BODY, "region": 4242})
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["region"]
    assert Customer.objects.count() == 0


@pytest.mark.parametrize("role", ["engineer", "customer"])
def test_post_is_forbidden_without_add_permission(api_as, make_user, role):
    kwargs = {"customer_id": CustomerFactory().pk} if role == "customer" else {}
    response = api_as(make_user(role, **kwargs)).post("customers", CREATE_BODY)
    assert response.status_code == 403
    assert response.json() == denied()
    assert Customer.objects.count() == (1 if role == "customer" else 0)


# --- GET /customers/{id} ---------------------------------------------------------------------


def test_get_one_answers_the_file_and_logs_the_read(api_as, make_user):
    customer = CustomerFactory(name="读取测试", contacts=[ContactData(name="甲", phone="")])
    reader = make_user("agent")
    response = api_as(reader).get(f"customers/{customer.pk}")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["code"], body["name"], body["version"]) == (customer.pk, "KH000001", "读取测试", 1)
    assert [c["name"] for c in body["contacts"]] == ["甲"]
    assert Event.objects.filter(action="customer.read", actor=reader).count() == 1


def test_get_one_missing_or_malformed_id(api_as):
    client = api_as("agent")
    assert client.get("customers/424242").status_code == 404
    assert client.get("customers/424242").json() == not_found()
    assert client.get("customers/abc").status_code == 422
    assert client.get("customers/99999999999").status_code == 422


def test_c3_get_a_confidential_file_without_grant_is_403_customer_confidential(api_as, make_user):
    customer = CustomerFactory(confidential=True, owner=make_user("sales"))
    response = api_as("agent").get(f"customers/{customer.pk}")
    assert response.status_code == 403
    assert response.json() == {
        "code": "customer_confidential",
        "message": zh("This customer file is confidential. Ask its owner or a manager for access."),
        "fields": {"customer": [str(customer.pk)]},
    }
    assert Event.objects.filter(action="customer.read").count() == 0


def test_portal_user_gets_own_customer_and_404_for_others(api_as, make_user):
    own, other = CustomerFactory(name="自家"), CustomerFactory(name="别家")
    portal = api_as(make_user("customer", customer_id=own.pk))
    assert portal.get(f"customers/{own.pk}").json()["name"] == "自家"
    response = portal.get(f"customers/{other.pk}")
    assert (response.status_code, response.json()) == (404, not_found())


# --- PATCH /customers/{id} -------------------------------------------------------------------


def test_c4_patch_changes_only_the_fields_sent(api_as, make_user):
    region = RegionFactory(code="GZ", name="广州")
    customer = CustomerFactory(name="原名", phone="020-1234 5678", region=region, key_account=False)
    response = api_as("agent").patch(f"customers/{customer.pk}", {"name": "新名", "region": None, "version": 1})
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["region"], body["phone"], body["key_account"], body["version"]) == (
        "新名",
        None,
        "020-1234 5678",
        False,
        2,
    )
    event = Event.objects.get(action="customer.updated")
    assert event.data == {"name": ["原名", "新名"], "region": [region.pk, None]}


def test_c4_patch_with_a_stale_version_is_409_and_changes_nothing(api_as):
    customer = CustomerFactory(name="原名")
    client = api_as("agent")
    client.patch(f"customers/{customer.pk}", {"name": "第一次", "version": 1})
    response = client.patch(f"customers/{customer.pk}", {"name": "第二次", "version": 1})
    assert response.status_code == 409
    assert response.json() == {
        "code": "version_conflict",
        "message": zh("Someone else changed this customer file meanwhile. Reload it and make your change again."),
        "fields": {"version": ["2"]},
    }
    customer.refresh_from_db()
    assert (customer.name, customer.version) == ("第一次", 2)


@pytest.mark.parametrize(
    "body", [{"code": "KH1"}, {"name": 5}, {"version": "1"}, {"kind": "x"}, {"name": None}, {"owner": 0}]
)
def test_patch_rejects_bad_bodies_with_422(api_as, body):
    customer = CustomerFactory(name="原名")
    response = api_as("agent").patch(f"customers/{customer.pk}", body)
    assert response.status_code == 422
    customer.refresh_from_db()
    assert (customer.name, customer.version) == ("原名", 1)


def test_patch_is_forbidden_for_portal_and_404_for_missing(api_as, make_user):
    customer = CustomerFactory(name="原名")
    portal = api_as(make_user("customer", customer_id=customer.pk))
    assert portal.patch(f"customers/{customer.pk}", {"name": "改"}).status_code == 403
    assert api_as("agent").patch("customers/424242", {"name": "改"}).status_code == 404
    customer.refresh_from_db()
    assert customer.name == "原名"


def test_c3_patch_of_a_confidential_file_without_grant_is_403(api_as, make_user):
    customer = CustomerFactory(name="原名", confidential=True, owner=make_user("sales"))
    response = api_as("agent").patch(f"customers/{customer.pk}", {"name": "改"})
    assert (response.status_code, response.json()["code"]) == (403, "customer_confidential")
    customer.refresh_from_db()
    assert customer.name == "原名"


# --- access requests (C3) --------------------------------------------------------------------


class _DecisionClock:
    """The C3 decision clock (X2) in the body; its fields are checked in tests/clocks/test_api.py."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, list) and [c["kind"] for c in other] == ["access_decision"]


def request_out(request):
    request.refresh_from_db()
    return {
        "id": request.pk,
        "customer": {"id": request.customer.pk, "code": request.customer.code, "name": request.customer.name},
        "requester": user_ref(request.requester),
        "reason": request.reason,
        "status": request.status,
        "decided_by": user_ref(request.decided_by) if request.decided_by else None,
        "decided_at": ts(request.decided_at) if request.decided_at else None,
        "expires_at": ts(request.expires_at) if request.expires_at else None,
        "policy_version": request.policy_version,
        "created_at": ts(request.created_at),
        "clocks": _DecisionClock(),
    }


def test_c3_request_list_approve_then_read(api_as, make_user):
    owner = make_user("sales", username="owner")
    customer = CustomerFactory(name="保密客户", confidential=True, owner=owner)
    requester_user = make_user("agent", username="requester")
    requester, owner_client = api_as(requester_user), api_as(owner)

    created = requester.post(f"customers/{customer.pk}/access-requests", {"reason": "客户来电报修"})
    assert created.status_code == 201
    request = CustomerAccessRequest.objects.get()
    assert created.json() == request_out(request)
    assert created.json()["status"] == "pending"

    assert requester.get("access-requests").json() == {"items": [request_out(request)], "count": 1}
    assert owner_client.get("access-requests", status="pending").json()["count"] == 1
    assert owner_client.get("access-requests", status="approved").json()["count"] == 0

    approved = owner_client.post(f"access-requests/{request.pk}/approve")
    assert approved.status_code == 200
    assert approved.json() == request_out(request)
    assert (approved.json()["status"], approved.json()["decided_by"]) == ("approved", user_ref(owner))
    assert requester.get(f"customers/{customer.pk}").status_code == 200


def test_c3_refuse_and_the_typed_errors_of_access_requests(api_as, make_user):
    owner = make_user("sales", username="owner")
    customer = CustomerFactory(confidential=True, owner=owner)
    requester_user = make_user("agent", username="requester")
    requester = api_as(requester_user)
    request_id = requester.post(f"customers/{customer.pk}/access-requests", {"reason": "回访"}).json()["id"]

    again = requester.post(f"customers/{customer.pk}/access-requests", {"reason": "再来"})
    assert (again.status_code, again.json()["code"]) == (409, "access_already_requested")
    assert requester.post(f"customers/{customer.pk}/access-requests", {}).status_code == 422
    assert requester.post(f"customers/{customer.pk}/access-requests", {"reason": ""}).status_code == 422
    assert requester.post("customers/424242/access-requests", {"reason": "x"}).status_code == 404

    own = requester.post(f"access-requests/{request_id}/approve")
    assert (own.status_code, own.json()["code"]) == (403, "permission_denied")
    assert api_as("engineer").post(f"access-requests/{request_id}/approve").status_code == 404
    assert api_as("agent").post("access-requests/424242/refuse").status_code == 404
    assert CustomerAccessRequest.objects.get().status == AccessRequestStatus.PENDING

    refused = api_as(owner).post(f"access-requests/{request_id}/refuse")
    assert (refused.status_code, refused.json()["status"]) == (200, "refused")
    twice = api_as(owner).post(f"access-requests/{request_id}/approve")
    assert (twice.status_code, twice.json()["code"]) == (409, "access_not_decidable")
    assert requester.get(f"customers/{customer.pk}").status_code == 403


def test_access_request_endpoints_require_authentication(api_as):
    anonymous = api_as(None)
    assert anonymous.get("access-requests").status_code == 401
    assert anonymous.post("customers/1/access-requests", {"reason": "x"}).status_code == 401
    assert anonymous.post("access-requests/1/approve").status_code == 401
    assert anonymous.post("customers", CREATE_BODY).status_code == 401
    assert anonymous.patch("customers/1", {"name": "x"}).status_code == 401
    assert CustomerAccessRequest.objects.count() == 0
    assert json.loads(anonymous.get("customers/1").content)["code"] == "not_authenticated"
