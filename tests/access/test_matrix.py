"""Every API endpoint × every role and an anonymous client: allowed, denied, and nothing changed.

One declaration per endpoint (habit 13): the permission it needs (from accounts/permissions.py),
how a portal user is scoped, and what a denied write must leave untouched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.permissions import ROLE_PERMISSIONS
from aftersales.approvals.models import Approval
from aftersales.complaints.models import Complaint, CorrectiveAction, FollowUpTask, ResponsibilityReview
from aftersales.core.models import Event
from aftersales.customers.models import Customer, CustomerAccessRequest
from aftersales.installed_base.models import Product, ServiceContract, SubstituteLoan, Unit
from aftersales.knowledge.models import Article
from aftersales.returns.models import DiscountCertificate, ReturnRequest
from aftersales.service.models import FeeStandard, Quote, ServiceRequest, ServiceTask
from tests.installed_base.factories import (
    ContractFactory,
    CustomerFactory,
    EquipmentFactory,
    LoanFactory,
    ProductFactory,
    UnitFactory,
)

ANON = "anonymous"
ROLES = [*Role.values, ANON]
STAFF = set(Role.values) - {Role.CUSTOMER}


def holders(perm: str) -> set[str]:
    return {role for role, perms in ROLE_PERMISSIONS.items() if perm in perms}


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # formatted with the world dict
    allowed: frozenset[str]  # roles that get the success status
    success: int = 200
    body: Callable[[dict[str, Any]], Any] | None = None
    denied: dict[str, int] = field(default_factory=dict)  # role → status when not the default 403
    # For a portal user the list endpoints answer 200 but only with their own records.
    scoped_list: bool = False

    def expected(self, role: str) -> int:
        if role == ANON:
            return 401
        if role in self.allowed:
            return self.success
        return self.denied.get(role, 403)


def perm(p: str) -> frozenset[str]:
    return frozenset(holders(p))


CONFIDENTIAL_READERS = frozenset(holders("customers.approve_customer_access") | {"sales"})  # sales owns it
# Service case (S1–S16, B1). Staff without service.view_servicerequest, an engineer not assigned to the
# job and a portal user of another organisation all meet the same 404 (habit 4).
SERVICE_VIEWERS = perm("service.view_servicerequest")
SERVICE_OUT_OF_SCOPE = {**dict.fromkeys(STAFF - SERVICE_VIEWERS, 404), Role.ENGINEER: 404, Role.CUSTOMER: 404}
# The engineer's own moves: only an engineer holds the right, and the world's request is nobody's job.
ENGINEER_ONLY = dict.fromkeys(holders("service.work_servicerequest"), 404)
SR = "service-requests/{service_request}"
# Returns (R1–R4): staff without returns.view_returnrequest and a portal user of another organisation meet 404.
RETURN_VIEWERS = perm("returns.view_returnrequest")
RETURN_OUT_OF_SCOPE = {**dict.fromkeys(STAFF - RETURN_VIEWERS, 404), Role.CUSTOMER: 404}
# Complaints (K1–K11): every member of staff registers (K2); staff without complaints.view_complaint and a
# portal user of another organisation meet 404; moves check the right first (403), then the state (409:
# the world's complaint is only registered). K7 approvals: only approvers see them (others 404).
COMPLAINT_VIEWERS = perm("complaints.view_complaint")
COMPLAINT_OUT_OF_SCOPE = {**dict.fromkeys(STAFF - COMPLAINT_VIEWERS, 404), Role.CUSTOMER: 404}
COMPLAINT_HANDLERS = perm("complaints.handle_complaint")
CP = "complaints/{complaint}"


def _complaint_move(action: str, body: dict[str, Any], allowed: frozenset[str] = COMPLAINT_HANDLERS) -> Endpoint:
    return Endpoint(
        f"complaint_{action.replace('-', '_')}", "post", f"{CP}/{action}", allowed, 409, body=lambda w: body
    )


def _engineer_action(name: str, action: str, body: dict[str, Any]) -> Endpoint:
    return Endpoint(name, "post", f"{SR}/{action}", frozenset(), body=lambda w: body, denied=ENGINEER_ONLY)


SIGNATURE = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="

ENDPOINTS = [
    Endpoint("auth_me", "get", "auth/me", frozenset(Role.values)),
    Endpoint("token_list", "get", "auth/tokens", frozenset(Role.values)),
    Endpoint("token_create", "post", "auth/tokens", frozenset(Role.values), 201, body=lambda w: {"name": "n"}),
    Endpoint("policy_list", "get", "policies", perm("policies.view_policyversion")),
    Endpoint(
        "policy_set",
        "put",
        "policies/A3.warranty_months",
        perm("policies.add_policyversion"),
        body=lambda w: {"value": 30},
    ),
    Endpoint("customer_list", "get", "customers", frozenset(Role.values), scoped_list=True),
    Endpoint(
        "customer_create",
        "post",
        "customers",
        perm("customers.add_customer"),
        201,
        body=lambda w: {"name": "新建客户有限公司", "kind": "end_user", "phone": "021-1111 2222", "address": "上海"},
    ),
    Endpoint("customer_detail", "get", "customers/{customer}", frozenset(STAFF), denied={Role.CUSTOMER: 404}),
    Endpoint("customer_detail_own", "get", "customers/{own_customer}", frozenset(Role.values)),
    Endpoint(
        "customer_detail_confidential",
        "get",
        "customers/{confidential}",
        CONFIDENTIAL_READERS,
        denied={Role.CUSTOMER: 404},
    ),
    Endpoint(
        "customer_update",
        "patch",
        "customers/{customer}",
        perm("customers.change_customer"),
        body=lambda w: {"phone": "021-3333 4444"},
    ),
    Endpoint(
        "access_request_create",
        "post",
        "customers/{confidential}/access-requests",
        frozenset(STAFF - CONFIDENTIAL_READERS),
        201,
        body=lambda w: {"reason": "客户来电需要查看"},
        # Those who can already read the file are told so; a portal user may not ask.
        denied={**dict.fromkeys(CONFIDENTIAL_READERS, 409)},
    ),
    Endpoint("access_request_list", "get", "access-requests", frozenset(STAFF)),
    Endpoint(
        "access_request_approve",
        "post",
        "access-requests/{pending_request}/approve",
        perm("customers.approve_customer_access") | {"sales"},
        # Staff who may not decide do not learn that the request exists; portal users are refused.
        denied=dict.fromkeys(STAFF, 404),
    ),
    Endpoint("product_list", "get", "products", perm("installed_base.view_product")),
    Endpoint(
        "product_create",
        "post",
        "products",
        perm("installed_base.add_product"),
        201,
        body=lambda w: {"model": "NEW-1", "name": "新型号", "spec": "", "category": "测试", "warranty_months": 12},
    ),
    Endpoint("unit_list", "get", "units", frozenset(Role.values), scoped_list=True),
    Endpoint(
        "unit_create",
        "post",
        "units",
        perm("installed_base.add_unit"),
        201,
        body=lambda w: {
            "serial": "NEW-SN-1",
            "model": w["product_model"],
            "customer": w["customer"],
            "acceptance_date": "2025-05-01",
        },
    ),
    Endpoint("unit_detail", "get", "units/{serial}", perm("installed_base.view_unit"), denied={Role.CUSTOMER: 404}),
    Endpoint("unit_detail_own", "get", "units/{own_serial}", frozenset(Role.values)),
    Endpoint(
        "unit_coverage",
        "get",
        "units/{serial}/coverage?on=2025-06-01",
        perm("installed_base.view_unit"),
        denied={Role.CUSTOMER: 404},
    ),
    Endpoint("unit_coverage_own", "get", "units/{own_serial}/coverage?on=2025-06-01", frozenset(Role.values)),
    Endpoint("contract_list", "get", "contracts", frozenset(Role.values), scoped_list=True),
    Endpoint(
        "contract_create",
        "post",
        "contracts",
        perm("installed_base.add_servicecontract"),
        201,
        body=lambda w: {
            "customer": w["customer"],
            "units": [w["serial"]],
            "start": "2026-01-01",
            "end": "2026-12-31",
            "cover": "24x7",
        },
    ),
    Endpoint(
        "contract_detail",
        "get",
        "contracts/{contract}",
        perm("installed_base.view_servicecontract"),
        denied={Role.CUSTOMER: 404},
    ),
    Endpoint("loan_list", "get", "loans", frozenset(Role.values), scoped_list=True),
    Endpoint(
        "loan_create",
        "post",
        "loans",
        perm("installed_base.add_substituteloan"),
        201,
        body=lambda w: {"equipment": w["free_equipment"], "customer": w["customer"], "lent_on": "2025-06-01"},
    ),
    Endpoint("loan_return", "post", "loans/{loan}/return", perm("installed_base.change_substituteloan")),
    # --- service case (S1–S16, B1) ---
    Endpoint("service_request_list", "get", "service-requests", frozenset(Role.values), scoped_list=True),
    Endpoint(
        "service_request_create",
        "post",
        "service-requests",
        perm("service.add_servicerequest"),
        201,
        body=lambda w: {"customer": w["customer"], "serial": w["serial"], "channel": "phone", "fault": "无法开机"},
        denied={Role.CUSTOMER: 404},  # a portal user registers for their own organisation only
    ),
    Endpoint(
        "service_request_detail",
        "get",
        SR,
        SERVICE_VIEWERS - {Role.ENGINEER},
        denied=SERVICE_OUT_OF_SCOPE,
    ),
    Endpoint(
        "service_request_detail_own",
        "get",
        "service-requests/{own_service_request}",
        (SERVICE_VIEWERS - {Role.ENGINEER}) | {Role.CUSTOMER},
        denied=SERVICE_OUT_OF_SCOPE,
    ),
    Endpoint(
        "service_request_dispatch",
        "post",
        f"{SR}/dispatch",
        perm("service.dispatch_servicerequest"),
        body=lambda w: {"engineer": "field_engineer", "version": 1},
    ),
    _engineer_action("service_request_book", "book", {"visit_at": "2026-12-01T14:00:00+08:00"}),
    _engineer_action("service_request_arrive", "arrive", {}),
    _engineer_action("service_request_step", "step", {"text": "检查电源"}),
    _engineer_action(
        "service_request_parts",
        "parts",
        {"part_code": "P-1", "part_name": "电源板", "quantity": 1, "unit_price": "10.00"},
    ),
    _engineer_action("service_request_wait_parts", "wait-parts", {"reason": "缺货"}),
    _engineer_action("service_request_parts_arrived", "parts-arrived", {}),
    _engineer_action("service_request_to_depot", "to-depot", {"reason": "返厂"}),
    _engineer_action("service_request_request_approval", "request-approval", {"kind": "offsite", "reason": "外地"}),
    _engineer_action(
        "service_request_complete",
        "complete",
        {"resolution": "remote", "work_summary": "远程解决", "self_check_passed": True},
    ),
    _engineer_action("service_request_sign_off", "sign-off", {"signature": SIGNATURE, "signed_by_name": "王工"}),
    _engineer_action("service_request_reopen", "reopen", {"reason": "客户不满意"}),
    Endpoint(
        "service_request_close",
        "post",
        f"{SR}/close",
        perm("service.close_servicerequest"),
        409,  # the right is checked first; a registered request cannot be closed
        body=lambda w: {},
    ),
    Endpoint(
        "service_request_cancel",
        "post",
        f"{SR}/cancel",
        perm("service.add_servicerequest") | perm("service.dispatch_servicerequest"),
        body=lambda w: {"reason": "客户撤回"},
    ),
    Endpoint(
        "service_request_charging",
        "post",
        f"{SR}/charging",
        perm("service.dispatch_servicerequest"),
        body=lambda w: {"charging_type": "C", "reason": "经核实在保修期内"},
    ),
    Endpoint(
        "service_request_quote",
        "post",
        f"{SR}/quote",
        perm("service.dispatch_servicerequest"),
        body=lambda w: {"labour_hours": "1.00", "lines": []},
        denied=ENGINEER_ONLY,
    ),
    Endpoint(
        "service_request_accept_quote",
        "post",
        f"{SR}/accept-quote",
        perm("service.dispatch_servicerequest"),
        409,  # the request is looked up first, then the right; no quotation is waiting
        body=lambda w: {"decided_by_name": "王工", "via": "phone"},
        denied=SERVICE_OUT_OF_SCOPE,
    ),
    Endpoint(
        "service_request_decline_quote",
        "post",
        f"{SR}/decline-quote",
        perm("service.dispatch_servicerequest"),
        409,
        body=lambda w: {"reason": "价格太高"},
        denied=SERVICE_OUT_OF_SCOPE,
    ),
    Endpoint(
        "service_request_payment",
        "post",
        f"{SR}/payment",
        perm("service.charge_servicerequest"),
        409,  # the right is checked first; there is no accepted quotation to charge
        body=lambda w: {"state": "collected", "amount": "100.00"},
    ),
    # S8: the service manager decides the engineer's off-site trip in the one approvals engine; an
    # auditor reads it but may not decide it (403), everyone else does not see it (404).
    Endpoint(
        "service_approval_decide",
        "post",
        "approvals/{approval}/decide",
        perm("service.approve_servicerequest"),
        body=lambda w: {"decision": "approve", "reason": "同意"},
        denied={
            **dict.fromkeys(STAFF - perm("service.approve_servicerequest") - perm("core.view_event"), 404),
            Role.CUSTOMER: 404,
        },
    ),
    Endpoint(
        "service_approval_get",
        "get",
        "approvals/{approval}",
        perm("service.approve_servicerequest") | perm("core.view_event"),
        denied={**dict.fromkeys(STAFF, 404), Role.CUSTOMER: 404},
    ),
    Endpoint(
        "service_task_done",
        "post",
        "service-tasks/{task}/done",
        perm("service.dispatch_servicerequest"),
        body=lambda w: {"note": "已借出"},
    ),
    Endpoint("service_board", "get", "service-board", perm("service.dispatch_servicerequest")),
    # --- returns and exchanges (R1–R4, K7) ---
    # Every action checks its right first (403); the world's return waits for approval (409 for moves
    # that need another state) and is worth 500 yuan, within every approver's K7 limit.
    Endpoint("return_request_list", "get", "returns", frozenset(Role.values), scoped_list=True),
    Endpoint(
        "return_request_create",
        "post",
        "returns",
        perm("returns.add_returnrequest"),
        201,
        body=lambda w: {
            "customer": w["customer"],
            "kind": "exchange",
            "condition": "wrong_model_unopened",
            "model": "XK-1",
            "wanted_model": "XK-2",
            "order_number": "SO-1",
            "ship_date": dt.date.today().isoformat(),
            "quantity": 1,
            "unit_price": "100.00",
            "reason": "型号订错",
            "unopened": True,
        },
    ),
    Endpoint(
        "return_request_detail",
        "get",
        "returns/{return_request}",
        RETURN_VIEWERS,
        denied=RETURN_OUT_OF_SCOPE,
    ),
    Endpoint(
        "return_request_detail_own",
        "get",
        "returns/{own_return_request}",
        RETURN_VIEWERS | {Role.CUSTOMER},
        denied=RETURN_OUT_OF_SCOPE,
    ),
    Endpoint(
        "return_request_approve",
        "post",
        "returns/{return_request}/approve",
        perm("returns.approve_returnrequest"),
        body=lambda w: {"disposition": "restock", "version": 1},
    ),
    Endpoint(
        "return_request_refuse",
        "post",
        "returns/{return_request}/refuse",
        perm("returns.approve_returnrequest"),
        body=lambda w: {"note": "不符合退货条件"},
    ),
    Endpoint(
        "return_receive",
        "post",
        "returns/{return_request}/receive",
        perm("returns.receive_returnrequest"),
        409,  # not approved yet
        body=lambda w: {"quantity": 1},
    ),
    Endpoint(
        "return_book",
        "post",
        "returns/{return_request}/book",
        perm("returns.book_returnrequest"),
        409,
        body=lambda w: {},
    ),
    Endpoint(
        "return_reissue",
        "post",
        "returns/{return_request}/reissue",
        perm("returns.receive_returnrequest"),
        409,
        body=lambda w: {},
    ),
    Endpoint(
        "discount_certificate_issue",
        "post",
        "discount-certificates",
        perm("returns.add_discountcertificate"),
        201,
        body=lambda w: {"customer": w["customer"], "amount": "200.00", "reason": "运输破损补偿"},
    ),
    Endpoint(  # the world's certificate is issued (within the VP's limit): nothing waits to be decided
        "discount_certificate_approve",
        "post",
        "discount-certificates/{certificate}/approve",
        perm("returns.add_discountcertificate"),
        409,
        body=lambda w: {"note": "同意"},
    ),
    Endpoint(
        "discount_certificate_refuse",
        "post",
        "discount-certificates/{certificate}/refuse",
        perm("returns.add_discountcertificate"),
        409,
        body=lambda w: {"note": "不同意"},
    ),
    Endpoint(
        "discount_certificate_detail",
        "get",
        "discount-certificates/{certificate}",
        perm("returns.view_discountcertificate"),
        denied={**dict.fromkeys(STAFF - perm("returns.view_discountcertificate"), 404), Role.CUSTOMER: 404},
    ),
    # --- complaints (K1–K11) and K7 approvals ---
    Endpoint("complaint_list", "get", "complaints", frozenset(Role.values), scoped_list=True),
    Endpoint(
        "complaint_create",
        "post",
        "complaints",
        perm("complaints.add_complaint"),
        201,
        body=lambda w: {"customer": w["customer"], "class": "quality", "channel": "phone", "description": "开裂"},
        denied={Role.CUSTOMER: 404},  # a portal user registers for their own organisation only
    ),
    Endpoint("complaint_detail", "get", CP, COMPLAINT_VIEWERS, denied=COMPLAINT_OUT_OF_SCOPE),
    Endpoint(
        "complaint_detail_own",
        "get",
        "complaints/{own_complaint}",
        COMPLAINT_VIEWERS | {Role.CUSTOMER},
        denied=COMPLAINT_OUT_OF_SCOPE,
    ),
    Endpoint("complaint_contact", "post", f"{CP}/contact", COMPLAINT_HANDLERS, body=lambda w: {"version": 1}),
    _complaint_move("report", {}),  # not a major complaint
    _complaint_move("decide", {"disposition": "guidance", "decision": "指导"}),
    _complaint_move("escalate", {"reason": "超出权限"}),
    _complaint_move("approve", {"disposition": "guidance", "decision": "指导"}, perm("complaints.head_complaint")),
    _complaint_move("reply", {"public_reply": "已答复"}),
    _complaint_move("implement", {}),
    _complaint_move("close", {}),
    _complaint_move("reject-conclusion", {"reason": "不接受"}),
    # complaint follow-up (K8, K12–K15): the world's callback task is the complaint agent's; its CAPA
    # "capa" is planned, "capa_done" carried out by the engineer; reviews: 2025-10 submitted, 2025-08 draft
    Endpoint("complaint_task_list", "get", "complaint-tasks?mine=true", frozenset(Role.values)),
    Endpoint(
        "complaint_task_done",
        "post",
        "complaint-tasks/{complaint_task}/done",
        perm("complaints.change_followuptask") & COMPLAINT_HANDLERS,  # finance and quality: not their task
        body=lambda w: {"note": "已回访"},
    ),
    Endpoint(
        "complaint_supplier", "post", f"{CP}/supplier", COMPLAINT_HANDLERS, body=lambda w: {"supplier_name": "轴承厂"}
    ),
    Endpoint("complaint_capa_list", "get", f"{CP}/capa", COMPLAINT_VIEWERS, denied=COMPLAINT_OUT_OF_SCOPE),
    Endpoint(
        "complaint_capa_plan",
        "post",
        f"{CP}/capa",
        perm("complaints.add_correctiveaction"),
        201,
        body=lambda w: {"measures": "增加跌落测试"},
    ),
    Endpoint(
        "complaint_capa_done",
        "post",
        f"{CP}/capa/{{capa}}/done",
        perm("complaints.change_correctiveaction"),
        body=lambda w: {},
    ),
    Endpoint(
        "complaint_capa_verify",
        "post",
        f"{CP}/capa/{{capa_done}}/verify",
        perm("complaints.verify_correctiveaction"),
        body=lambda w: {},
    ),
    Endpoint(
        "responsibility_review_detail",
        "get",
        "responsibility-reviews/2025-10",
        perm("complaints.view_responsibilityreview"),
        denied={**dict.fromkeys(STAFF - perm("complaints.view_responsibilityreview"), 404), Role.CUSTOMER: 404},
    ),
    Endpoint(
        "responsibility_review_prepare",
        "post",
        "responsibility-reviews/2025-09/prepare",
        perm("complaints.submit_responsibilityreview"),
    ),
    Endpoint(
        "responsibility_review_submit",
        "post",
        "responsibility-reviews/2025-08/submit",
        perm("complaints.submit_responsibilityreview"),
        body=lambda w: {},
    ),
    Endpoint(
        "responsibility_review_approve",
        "post",
        "responsibility-reviews/2025-10/approve",
        perm("complaints.approve_responsibilityreview"),
        body=lambda w: {},
    ),
    # Knowledge base (T1): all staff read published articles and get suggestions; editors write.
    Endpoint("knowledge_suggestions", "get", "knowledge/suggestions?fault=E-21", perm("knowledge.view_article")),
    Endpoint(
        "knowledge_article_detail",
        "get",
        "knowledge/articles/{article}",
        perm("knowledge.view_article"),
        denied={Role.CUSTOMER: 404},
    ),
    Endpoint(
        "knowledge_article_create",
        "post",
        "knowledge/articles",
        perm("knowledge.add_article"),
        201,
        body=lambda w: {"kind": "faq", "title": "报警 E-21", "body": "检查刀架电机。"},
    ),
    Endpoint(
        "knowledge_article_update",
        "patch",
        "knowledge/articles/{article}",
        perm("knowledge.change_article"),
        body=lambda w: {"title": "刀架报警 E-21", "version": 1},
    ),
    # One approvals API: every member of staff lists what they may read (a portal user: nothing).
    Endpoint("k7_approval_list", "get", "approvals", frozenset(Role.values)),
    Endpoint(
        "k7_approval_decide",
        "post",
        "approvals/{k7_approval}/decide",
        frozenset({Role.SALES_MANAGER, Role.VP, Role.GM}),  # 500 yuan: within every K7 approver's limit
        body=lambda w: {"decision": "approve"},
        # auditors (core.view_event) read it but hold no K7 authority (403); everyone else: 404
        denied={**dict.fromkeys(STAFF - perm("core.view_event"), 404), Role.CUSTOMER: 404},
    ),
]

CASES = [(endpoint, role) for endpoint in ENDPOINTS for role in ROLES]


@pytest.fixture
def world(make_user: Callable[..., Any]) -> dict[str, Any]:
    owner = make_user("sales", username="owner_sales")
    customer = CustomerFactory(owner=owner)
    own_customer = CustomerFactory()
    confidential = CustomerFactory(owner=owner, confidential=True, address="机密地址 1 号")
    product = ProductFactory()
    unit = UnitFactory(customer=customer, product=product)
    own_unit = UnitFactory(customer=own_customer, product=product)
    ContractFactory(customer=own_customer, units=[own_unit])
    contract = ContractFactory(customer=customer, units=[unit])
    loan = LoanFactory(customer=customer, for_unit=unit, lent_on=dt.date(2025, 3, 1))
    LoanFactory(customer=own_customer, lent_on=dt.date(2025, 3, 1))
    free = EquipmentFactory(product=product)
    requester = make_user("engineer", username="asking_engineer")
    pending = CustomerAccessRequest.objects.create(customer=confidential, requester=requester, reason="维修需要")
    return {
        "customer": customer.pk,
        "own_customer": own_customer.pk,
        "confidential": confidential.pk,
        "product_model": product.model,
        "serial": unit.serial,
        "own_serial": own_unit.serial,
        "contract": contract.number,
        "loan": loan.pk,
        "free_equipment": free.code,
        "pending_request": pending.pk,
        "owner": owner,
    }


@pytest.fixture
def knowledge_world(world: dict[str, Any], make_user: Callable[..., Any]) -> dict[str, Any]:
    """The world, plus one published article (version 1) for the knowledge endpoints."""
    from aftersales.accounts.selectors import actor_for
    from aftersales.knowledge.services import article_create

    author = actor_for(make_user("trainer", username="kb_author"))
    article = article_create(actor=author, kind="diagnosis", title="报警 E-21", body="检查刀架。", published=True)
    return {**world, "article": article.pk}


@pytest.fixture
def service_world(world: dict[str, Any], make_user: Callable[..., Any]) -> dict[str, Any]:
    """The world, plus for the service endpoints only (two registrations with their clocks cost too
    much for every case): a registered request of the staff's customer and one of the portal user's,
    a pending approval, an open task and an approved fee standard (B2), so quoting can be priced."""
    from aftersales.accounts.selectors import actor_for
    from aftersales.service import services

    agent = actor_for(make_user("agent", username="service_agent"))
    lead = make_user("team_lead", username="service_lead")
    engineer = make_user("engineer", username="field_engineer")
    request = services.service_request_create(
        actor=agent,
        customer_id=world["customer"],
        serial=world["serial"],
        channel="phone",
        fault="无法开机",
    )
    own = services.service_request_create(
        actor=agent,
        customer_id=world["own_customer"],
        serial=world["own_serial"],
        channel="web",
        fault="报警",
    )
    approval = Approval.objects.create(
        subject_type="service.servicerequest",
        subject_id=str(request.pk),
        subject_label=request.number,
        kind="offsite",
        rule="S8",
        required_perm="service.approve_servicerequest",
        note="外地服务",
        requested_by=engineer,
    )
    task = services.task_raise(request=request, kind=ServiceTask.Kind.LEND_SUBSTITUTE, rule="S10")
    FeeStandard.objects.create(
        version=1,
        labour_rate=120,
        callout_fee=80,
        created_by=lead,
        approved_by=lead,
        approved_at=dt.datetime.now(dt.UTC),
    )
    return {
        **world,
        "service_request": request.number,
        "own_service_request": own.number,
        "approval": approval.pk,
        "task": task.pk,
    }


@pytest.fixture
def returns_world(world: dict[str, Any], make_user: Callable[..., Any]) -> dict[str, Any]:
    """The world, plus for the returns endpoints only: a requested return (500 yuan) of the staff's
    customer, one of the portal user's, and a discount certificate."""
    from aftersales.accounts.selectors import actor_for
    from aftersales.returns import services

    sales = actor_for(make_user("sales", username="returns_sales"))
    vp = actor_for(make_user("vp", username="returns_vp"))

    def _return(customer: int) -> str:
        return services.return_request_create(
            actor=sales,
            customer_id=customer,
            kind="exchange",
            condition="wrong_model_unopened",
            model="XK-1",
            wanted_model="XK-2",
            order_number="SO-1",
            ship_date=dt.date.today(),
            quantity=5,
            unit_price=Decimal("100.00"),
            reason="型号订错",
            unopened=True,
        ).number

    certificate = services.discount_certificate_issue(
        actor=vp, customer_id=world["customer"], amount=Decimal("100.00"), reason="补偿"
    )
    return {
        **world,
        "return_request": _return(world["customer"]),
        "own_return_request": _return(world["own_customer"]),
        "certificate": certificate.number,
    }


@pytest.fixture
def complaints_world(world: dict[str, Any], make_user: Callable[..., Any]) -> dict[str, Any]:
    """The world, plus for the complaint endpoints only: a registered complaint of the staff's
    customer, one of the portal user's, and a pending 500-yuan approval asked by an agent."""
    from aftersales.accounts.selectors import actor_for
    from aftersales.approvals.services import approval_request
    from aftersales.complaints import services

    agent = actor_for(make_user("agent", username="complaint_agent"))

    def _complaint(customer: int) -> Any:
        return services.complaint_register(
            actor=agent, customer_id=customer, complaint_class="quality", channel="phone", description="开裂"
        )

    complaint = _complaint(world["customer"])
    approval = approval_request(
        actor=agent,
        subject=complaint,
        kind="complaint",
        purpose="compensation",
        amount=Decimal("500"),
        policy_key="K7.limits",
    )
    task = FollowUpTask.objects.create(complaint=complaint, kind="callback", rule="K15", assignee=agent.user)
    engineer = make_user("engineer", username="capa_engineer")
    capa = CorrectiveAction.objects.create(complaint=complaint, measures="改包装", owner=engineer, planned_by=engineer)
    capa_done = CorrectiveAction.objects.create(
        complaint=complaint, measures="改工艺", owner=engineer, planned_by=engineer, state="done"
    )
    due = dt.datetime(2025, 11, 11, tzinfo=dt.UTC)
    ResponsibilityReview.objects.create(period="2025-10", state="submitted", due_at=due)
    ResponsibilityReview.objects.create(period="2025-08", state="draft", due_at=due)
    return {
        **world,
        "complaint": complaint.number,
        "own_complaint": _complaint(world["own_customer"]).number,
        "k7_approval": approval.pk,
        "complaint_task": task.pk,
        "capa": capa.pk,
        "capa_done": capa_done.pk,
    }


def _state() -> dict[str, Any]:
    """What a denied call must not change."""
    return {
        "events": Event.objects.exclude(action__in=["api_token.created", "customer.read"]).count(),
        "customers": list(Customer.objects.order_by("pk").values_list("pk", "phone", "version")),
        "requests": list(CustomerAccessRequest.objects.order_by("pk").values_list("pk", "status")),
        "products": Product.objects.count(),
        "units": Unit.objects.count(),
        "contracts": ServiceContract.objects.count(),
        "loans": list(SubstituteLoan.objects.order_by("pk").values_list("pk", "returned_on")),
        "service_requests": list(ServiceRequest.objects.order_by("pk").values_list("pk", "state", "version")),
        "approvals": list(Approval.objects.order_by("pk").values_list("pk", "state", "decided_by_id")),
        "tasks": list(ServiceTask.objects.order_by("pk").values_list("pk", "done_at")),
        "quotes": Quote.objects.count(),
        "returns": list(ReturnRequest.objects.order_by("pk").values_list("pk", "state", "version")),
        "certificates": DiscountCertificate.objects.count(),
        "complaints": list(Complaint.objects.order_by("pk").values_list("pk", "state", "version")),
        "complaint_tasks": list(FollowUpTask.objects.order_by("pk").values_list("pk", "done_at")),
        "capas": list(CorrectiveAction.objects.order_by("pk").values_list("pk", "state")),
        "reviews": list(ResponsibilityReview.objects.order_by("pk").values_list("pk", "state", "version")),
        "articles": list(Article.objects.order_by("pk").values_list("pk", "version")),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "role"), CASES, ids=[f"{e.name}-{r}" for e, r in CASES])
def test_access_matrix(endpoint: Endpoint, role: str, world: dict[str, Any], make_user, api_as, request) -> None:
    if endpoint.name.startswith("service"):
        world = request.getfixturevalue("service_world")
    if endpoint.name.startswith(("return", "discount")):
        world = request.getfixturevalue("returns_world")
    if endpoint.name.startswith(("complaint", "k7_approval", "responsibility_review")):
        world = request.getfixturevalue("complaints_world")
    if endpoint.name.startswith("knowledge"):
        world = request.getfixturevalue("knowledge_world")
    if role == ANON:
        client = api_as(None)
    elif role == Role.SALES:
        client = api_as(world["owner"])  # the sales user owns the files
    elif role == Role.CUSTOMER:
        client = api_as(make_user("customer", customer_id=world["own_customer"]))
    else:
        client = api_as(role)
    path = endpoint.path.format(**world)
    before = _state()
    if endpoint.body is None:
        response = getattr(client, endpoint.method)(path)
    else:
        response = getattr(client, endpoint.method)(path, endpoint.body(world))
    expected = endpoint.expected(role)
    assert response.status_code == expected, response.content.decode()
    body = response.json() if response.content else None
    if expected >= 400:
        assert set(body) == {"code", "message", "fields"}
        if endpoint.method != "get":
            assert _state() == before, "a refused call changed data"
    if endpoint.scoped_list and role == Role.CUSTOMER:
        owners = [item.get("customer", item.get("id")) for item in body["items"]]
        customers = {c["id"] if isinstance(c, dict) else c for c in owners}
        assert customers == {world["own_customer"]}, body


@pytest.mark.django_db
def test_portal_user_never_reads_another_customer(make_user, api_as, service_world) -> None:
    world = service_world
    portal = api_as(make_user("customer", customer_id=world["own_customer"]))
    for path in [
        f"customers/{world['customer']}",
        f"customers/{world['confidential']}",
        f"units/{world['serial']}",
        f"units/{world['serial']}/coverage",
        f"contracts/{world['contract']}",
        f"service-requests/{world['service_request']}",
    ]:
        response = portal.get(path)
        assert response.status_code == 404, path
        assert "测试设备用户" not in response.content.decode()
    for path in ["customers", "units", "contracts", "loans", "service-requests"]:
        text = portal.get(path).content.decode()
        assert str(world["serial"]) not in text
        assert Customer.objects.get(pk=world["customer"]).name not in text
