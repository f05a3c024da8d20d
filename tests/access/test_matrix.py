"""Every API endpoint × every role and an anonymous client: allowed, denied, and nothing changed.

One declaration per endpoint (habit 13): the roles that succeed, written out here from SPEC.md's
roles and rules (never read from accounts/permissions.py, so a wrong grant there fails this test),
how a portal user is scoped, and what a denied write must leave untouched. Every operation of the
OpenAPI document must have a declaration (test_every_api_operation_is_declared).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ApiToken
from aftersales.approvals.models import Approval
from aftersales.calendars.models import CalendarDay, StatutoryYear
from aftersales.complaints.models import Complaint, CorrectiveAction, FollowUpTask, ResponsibilityReview
from aftersales.consultations.models import Consultation, ConsultationField, ConsultationFollowUp
from aftersales.core.models import Event
from aftersales.customers.models import Customer, CustomerAccessRequest
from aftersales.installed_base.models import Product, ServiceContract, SubstituteLoan, Unit
from aftersales.knowledge.models import Article
from aftersales.reports.models import EarlyWarning
from aftersales.returns.models import DiscountCertificate, ReturnRequest
from aftersales.service.models import FeeStandard, Quote, ServiceRequest, ServiceTask
from aftersales.training.models import Assessment, Certificate, CustomerTraining
from tests.conftest import PASSWORD
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


def roles(codes: str) -> frozenset[str]:
    """The roles named by their codes (SPEC.md, Roles), separated by spaces; a typo fails at import."""
    named = frozenset(codes.split())
    unknown = named - set(Role.values)
    if unknown:
        raise ValueError(f"not a role: {sorted(unknown)}")
    return named


EVERYONE = frozenset(Role.values)  # every signed-in user, portal users included
STAFF = EVERYONE - {"customer"}  # every member of staff


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
    public: bool = False  # an anonymous client gets the success status too (signing in)
    multipart: bool = False  # the body is sent as a multipart form (an upload)

    def expected(self, role: str) -> int:
        if role == ANON:
            return self.success if self.public else 401
        if role in self.allowed:
            return self.success
        return self.denied.get(role, 403)


def not_found(who: frozenset[str]) -> dict[str, int]:
    """Those who must not learn that the record exists meet 404 (habit 4)."""
    return dict.fromkeys(who, 404)


PARTS_READERS = roles("parts_keeper cs_manager engineer team_lead warehouse finance analyst admin")
# Confidential files (C3): the owner (the world's sales user) and managers read them and decide access.
CONFIDENTIAL_READERS = roles("team_lead cs_manager sales sales_manager vp gm")
# Service case (S1–S16, B1). Staff who do not follow service requests, an engineer not assigned to
# the job and a portal user of another organisation all meet the same 404 (habit 4).
SERVICE_VIEWERS = roles("agent team_lead cs_manager analyst quality finance warehouse vp gm admin")
SERVICE_OUT_OF_SCOPE = not_found(EVERYONE - SERVICE_VIEWERS)
# The engineer's own moves: only an engineer may make them, and the world's request is nobody's job.
ENGINEER_ONLY = not_found(roles("engineer"))
SR = "service-requests/{service_request}"
# Returns (R1–R4): staff who do not follow returns and a portal user of another organisation meet 404.
RETURN_VIEWERS = roles("agent team_lead cs_manager analyst quality sales sales_manager finance warehouse vp gm admin")
RETURN_OUT_OF_SCOPE = not_found(EVERYONE - RETURN_VIEWERS)
# Complaints (K1–K11): every member of staff registers (K2); those who do not follow complaints and a
# portal user of another organisation meet 404; moves check the right first (403), then the state (409:
# the world's complaint is only registered). Customer service, sales and the VP handle them.
COMPLAINT_VIEWERS = roles("agent team_lead cs_manager analyst quality sales sales_manager vp gm mgmt_rep admin")
COMPLAINT_OUT_OF_SCOPE = not_found(EVERYONE - COMPLAINT_VIEWERS)
COMPLAINT_HANDLERS = roles("agent team_lead cs_manager sales sales_manager vp")
CP = "complaints/{complaint}"


def _complaint_move(action: str, body: dict[str, Any], allowed: frozenset[str] = COMPLAINT_HANDLERS) -> Endpoint:
    return Endpoint(
        f"complaint_{action.replace('-', '_')}", "post", f"{CP}/{action}", allowed, 409, body=lambda w: body
    )


def _engineer_action(name: str, action: str, body: dict[str, Any]) -> Endpoint:
    return Endpoint(name, "post", f"{SR}/{action}", frozenset(), body=lambda w: body, denied=ENGINEER_ONLY)


# Callbacks (V2): the desk and the information clerk read them, the desk records the outcome.
CALLBACK_VIEWERS = roles("agent team_lead cs_manager analyst")
# Surveys (V4): those who send, answer or read the satisfaction report see a campaign.
SURVEY_VIEWERS = roles("agent team_lead cs_manager analyst quality mgmt_rep vp gm")
# Consultation register (C8): the hotline registers enquiries; analysts and sales read them.
CONSULT_WRITERS = roles("agent team_lead cs_manager")
CONSULT_VIEWERS = CONSULT_WRITERS | roles("analyst sales sales_manager")
# Training (T2): the training centre works it; the head of after-sales and analysts read customer trainings.
TRAINING_VIEWERS = roles("trainer cs_manager analyst")
# Statistics and KPIs (Q1, Q4).
STATISTICS_READERS = roles("analyst quality rnd cs_manager vp gm mgmt_rep admin")
# Parts flows (P2, P4, P5): who asks for parts and sees requisitions (engineers, team leads and the
# administrator only their own: 404 for the world's), who decides them, who plans and buys.
REQUISITION_READERS = roles("engineer team_lead parts_keeper cs_manager admin")
REQUISITION_ALL = roles("parts_keeper cs_manager")
REQUISITION_OWN_ONLY = not_found(roles("engineer team_lead admin"))
# A keeper decides up to P2.keeper_limit_yuan (the world's requisition is within it): the head of
# after-sales sees it but is not its decider (403 not_decider).
REQUISITION_DECIDERS = roles("parts_keeper")
PARTS_PLANNERS = roles("parts_keeper cs_manager")
PURCHASE_READERS = roles("parts_keeper cs_manager warehouse admin")
# Visits (C7): those who visit customers plan, ask for gifts and report; managers see everyone's. The world's
# plan and report belong to the sales user (the files' owner); others meet 404 (decision 0034).
VISITORS = roles("agent engineer sales team_lead cs_manager sales_manager")
VISIT_ALL = roles("team_lead cs_manager sales_manager vp gm")
VISIT_OWNER_AND_ALL = VISIT_ALL | roles("sales")
VISIT_OWNER_AND_PLANNERS = roles("sales team_lead cs_manager sales_manager")
VISIT_OUT_OF_SCOPE = not_found(EVERYONE - VISIT_OWNER_AND_ALL)
# New-customer vetting (C5): sales and customer service investigate; the head of after-sales decides.
VETTERS = roles("sales team_lead cs_manager sales_manager")
VETTING_READERS = VETTERS | roles("vp gm")


def _pdf_upload() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("营业执照.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def _upload() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.service.test_attachments import jpeg

    return SimpleUploadedFile("IMG_0001.jpg", jpeg(), content_type="image/jpeg")


SIGNATURE = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
YEAR_NOTICE = {"holidays": [{"date": "2031-01-01", "name": "元旦"}], "note": "测试"}

ENDPOINTS = [
    Endpoint(
        "token_obtain",
        "post",
        "auth/token",
        EVERYONE,
        201,
        body=lambda w: {"username": "owner_sales", "password": PASSWORD, "name": "n"},
        public=True,
    ),
    Endpoint("auth_me", "get", "auth/me", EVERYONE),
    Endpoint("token_list", "get", "auth/tokens", EVERYONE),
    Endpoint("token_create", "post", "auth/tokens", EVERYONE, 201, body=lambda w: {"name": "n"}),
    # The world's token is the sales owner's: nobody else learns it exists (the sales client is its owner).
    Endpoint("token_revoke", "delete", "auth/tokens/{token}", roles("sales"), denied=not_found(EVERYONE)),
    Endpoint("policy_list", "get", "policies", STAFF),
    Endpoint("policy_set", "put", "policies/A3.warranty_months", roles("admin"), body=lambda w: {"value": 30}),
    # Business calendars (X1, X2): every member of staff reads them, the administrator keeps them.
    Endpoint("calendar_list", "get", "calendars", STAFF),
    Endpoint("calendar_detail", "get", "calendars/CN", STAFF),
    Endpoint(
        "calendar_add",
        "get",
        "calendars/CN/add?unit=working_hours&start=2025-01-27T09:00:00%2B08:00&amount=2",
        STAFF,
    ),
    Endpoint(
        "calendar_between",
        "get",
        "calendars/CN/between?start=2025-01-27T09:00:00%2B08:00&end=2025-01-28T09:00:00%2B08:00",
        STAFF,
    ),
    Endpoint("calendar_days", "get", "calendars/CN/days?year=2025", STAFF),
    Endpoint(
        "calendar_day_set",
        "put",
        "calendars/CN/days/2031-03-03",
        roles("admin"),
        body=lambda w: {"kind": "holiday", "name": "测试"},
    ),
    Endpoint(
        "calendar_day_remove",
        "delete",
        "calendars/CN/days/2025-01-01",
        roles("admin"),
        204,
    ),
    Endpoint(
        "calendar_year_enter",
        "put",
        "calendars/CN/years/2031",
        roles("admin"),
        body=lambda w: YEAR_NOTICE,
    ),
    # X2: running clocks due before an instant, for those who watch every deadline.
    Endpoint(
        "clock_due_list", "get", "clocks?due_before=2030-01-01T00:00:00Z", roles("team_lead cs_manager vp gm admin")
    ),
    Endpoint("customer_list", "get", "customers", EVERYONE, scoped_list=True),
    Endpoint(
        "customer_create",
        "post",
        "customers",
        roles("agent team_lead cs_manager sales sales_manager admin"),
        201,
        body=lambda w: {"name": "新建客户有限公司", "kind": "end_user", "phone": "021-1111 2222", "address": "上海"},
    ),
    Endpoint("customer_detail", "get", "customers/{customer}", STAFF, denied=not_found(roles("customer"))),
    Endpoint("customer_detail_own", "get", "customers/{own_customer}", EVERYONE),
    Endpoint(
        "customer_detail_confidential",
        "get",
        "customers/{confidential}",
        CONFIDENTIAL_READERS,
        denied=not_found(roles("customer")),
    ),
    Endpoint(
        "customer_update",
        "patch",
        "customers/{customer}",
        roles("agent team_lead cs_manager sales sales_manager admin"),
        body=lambda w: {"phone": "021-3333 4444"},
    ),
    Endpoint(
        "access_request_create",
        "post",
        "customers/{confidential}/access-requests",
        STAFF - CONFIDENTIAL_READERS,
        201,
        body=lambda w: {"reason": "客户来电需要查看"},
        # Those who can already read the file are told so; a portal user may not ask.
        denied={**dict.fromkeys(CONFIDENTIAL_READERS, 409)},
    ),
    Endpoint("access_request_list", "get", "access-requests", STAFF),
    Endpoint(
        "access_request_approve",
        "post",
        "access-requests/{pending_request}/approve",
        CONFIDENTIAL_READERS,
        # Staff who may not decide do not learn that the request exists; portal users are refused.
        denied=not_found(STAFF),
    ),
    Endpoint(
        "access_request_refuse",
        "post",
        "access-requests/{pending_request}/refuse",
        CONFIDENTIAL_READERS,
        body=lambda w: {"reason": "无需查看"},
        denied=not_found(STAFF),
    ),
    Endpoint("product_list", "get", "products", STAFF),
    Endpoint(
        "product_create",
        "post",
        "products",
        roles("team_lead cs_manager admin"),
        201,
        body=lambda w: {"model": "NEW-1", "name": "新型号", "spec": "", "category": "测试", "warranty_months": 12},
    ),
    Endpoint("unit_list", "get", "units", EVERYONE, scoped_list=True),
    Endpoint(
        "unit_create",
        "post",
        "units",
        roles("agent team_lead cs_manager engineer sales sales_manager admin"),
        201,
        body=lambda w: {
            "serial": "NEW-SN-1",
            "model": w["product_model"],
            "customer": w["customer"],
            "acceptance_date": "2025-05-01",
        },
    ),
    Endpoint("unit_detail", "get", "units/{serial}", STAFF, denied=not_found(roles("customer"))),
    Endpoint("unit_detail_own", "get", "units/{own_serial}", EVERYONE),
    Endpoint(
        "unit_coverage",
        "get",
        "units/{serial}/coverage?on=2025-06-01",
        STAFF,
        denied=not_found(roles("customer")),
    ),
    Endpoint("unit_coverage_own", "get", "units/{own_serial}/coverage?on=2025-06-01", EVERYONE),
    Endpoint("contract_list", "get", "contracts", EVERYONE, scoped_list=True),
    Endpoint(
        "contract_create",
        "post",
        "contracts",
        roles("team_lead cs_manager sales sales_manager admin"),
        201,
        body=lambda w: {
            "customer": w["customer"],
            "units": [w["serial"]],
            "start": "2026-01-01",
            "end": "2026-12-31",
            "cover": "24x7",
        },
    ),
    Endpoint("contract_detail", "get", "contracts/{contract}", STAFF, denied=not_found(roles("customer"))),
    Endpoint("loan_list", "get", "loans", EVERYONE, scoped_list=True),
    Endpoint(
        "loan_create",
        "post",
        "loans",
        roles("agent team_lead cs_manager admin"),
        201,
        body=lambda w: {"equipment": w["free_equipment"], "customer": w["customer"], "lent_on": "2025-06-01"},
    ),
    Endpoint("loan_return", "post", "loans/{loan}/return", roles("agent team_lead cs_manager admin")),
    # --- service case (S1–S16, B1) ---
    Endpoint("service_request_list", "get", "service-requests", EVERYONE, scoped_list=True),
    Endpoint("fault_code_list", "get", "fault-codes?kind=symptom", SERVICE_VIEWERS | roles("engineer")),
    Endpoint(
        "service_request_create",
        "post",
        "service-requests",
        roles("agent team_lead cs_manager"),
        201,
        body=lambda w: {"customer": w["customer"], "serial": w["serial"], "channel": "phone", "fault": "无法开机"},
        denied=not_found(roles("customer")),  # a portal user registers for their own organisation only
    ),
    Endpoint(
        "service_request_detail",
        "get",
        SR,
        SERVICE_VIEWERS,
        denied=SERVICE_OUT_OF_SCOPE,
    ),
    Endpoint(
        "service_request_detail_own",
        "get",
        "service-requests/{own_service_request}",
        SERVICE_VIEWERS | roles("customer"),
        denied=SERVICE_OUT_OF_SCOPE,
    ),
    Endpoint(  # S7: a manager assigns an engineer
        "service_request_dispatch",
        "post",
        f"{SR}/dispatch",
        roles("team_lead cs_manager"),
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
    Endpoint(  # S11: the manager countersigns
        "service_request_close",
        "post",
        f"{SR}/close",
        roles("team_lead cs_manager"),
        409,  # the right is checked first; a registered request cannot be closed
        body=lambda w: {},
    ),
    Endpoint(
        "service_request_cancel",
        "post",
        f"{SR}/cancel",
        roles("agent team_lead cs_manager"),
        body=lambda w: {"reason": "客户撤回"},
    ),
    Endpoint(
        "service_request_charging",
        "post",
        f"{SR}/charging",
        roles("team_lead cs_manager"),
        body=lambda w: {"charging_type": "C", "reason": "经核实在保修期内"},
    ),
    Endpoint(
        "service_request_quote",
        "post",
        f"{SR}/quote",
        roles("team_lead cs_manager"),
        body=lambda w: {"labour_hours": "1.00", "lines": []},
        denied=ENGINEER_ONLY,
    ),
    Endpoint(
        "service_request_accept_quote",
        "post",
        f"{SR}/accept-quote",
        roles("team_lead cs_manager"),
        409,  # the request is looked up first, then the right; no quotation is waiting
        body=lambda w: {"decided_by_name": "王工", "via": "phone"},
        denied=SERVICE_OUT_OF_SCOPE,
    ),
    Endpoint(
        "service_request_decline_quote",
        "post",
        f"{SR}/decline-quote",
        roles("team_lead cs_manager"),
        409,
        body=lambda w: {"reason": "价格太高"},
        denied=SERVICE_OUT_OF_SCOPE,
    ),
    Endpoint(  # B1: fees collected by the department, invoiced by finance
        "service_request_payment",
        "post",
        f"{SR}/payment",
        roles("cs_manager finance"),
        409,  # the right is checked first; there is no accepted quotation to charge
        body=lambda w: {"state": "collected", "amount": "100.00"},
    ),
    Endpoint(  # B1: cash collected on site by the engineer (their own job) or recorded by finance
        "service_request_cash_collected",
        "post",
        f"{SR}/cash-collected",
        roles("cs_manager finance"),
        409,  # there is no accepted quotation to charge
        body=lambda w: {},
        denied=ENGINEER_ONLY,  # the world's request is not the engineer's job
    ),
    Endpoint(  # B1: finance confirms the cash it received
        "service_request_cash_received",
        "post",
        f"{SR}/cash-received",
        roles("cs_manager finance"),
        409,
        body=lambda w: {},
    ),
    Endpoint("service_fees_outstanding", "get", "service-fees/outstanding", roles("cs_manager finance")),
    # S8: the service manager decides the engineer's off-site trip in the one approvals engine; an
    # auditor reads it but may not decide it (403), everyone else does not see it (404).
    Endpoint(
        "service_approval_decide",
        "post",
        "approvals/{approval}/decide",
        roles("team_lead cs_manager"),
        body=lambda w: {"decision": "approve", "reason": "同意"},
        denied=not_found(EVERYONE - roles("team_lead cs_manager admin mgmt_rep vp gm")),
    ),
    Endpoint(
        "service_approval_get",
        "get",
        "approvals/{approval}",
        roles("team_lead cs_manager admin mgmt_rep vp gm"),
        denied=not_found(EVERYONE - roles("team_lead cs_manager admin mgmt_rep vp gm")),
    ),
    Endpoint(
        "service_task_done",
        "post",
        "service-tasks/{task}/done",
        roles("team_lead cs_manager"),
        body=lambda w: {"note": "已借出"},
    ),
    Endpoint("service_board", "get", "service-board", roles("team_lead cs_manager")),
    # --- returns and exchanges (R1–R4, K7) ---
    # Every action checks its right first (403); the world's return waits for approval (409 for moves
    # that need another state) and is worth 500 yuan, within every approver's K7 limit.
    Endpoint("return_request_list", "get", "returns", EVERYONE, scoped_list=True),
    Endpoint(
        "return_request_create",
        "post",
        "returns",
        roles("agent team_lead cs_manager sales sales_manager"),
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
        RETURN_VIEWERS | roles("customer"),
        denied=RETURN_OUT_OF_SCOPE,
    ),
    Endpoint(  # K7: sales manager, VP, GM, each within their limit
        "return_request_approve",
        "post",
        "returns/{return_request}/approve",
        roles("sales_manager vp gm"),
        body=lambda w: {"disposition": "restock", "version": 1},
    ),
    Endpoint(
        "return_request_refuse",
        "post",
        "returns/{return_request}/refuse",
        roles("sales_manager vp gm"),
        body=lambda w: {"note": "不符合退货条件"},
    ),
    Endpoint(  # R2: the warehouse receives
        "return_receive",
        "post",
        "returns/{return_request}/receive",
        roles("warehouse"),
        409,  # not approved yet
        body=lambda w: {"quantity": 1},
    ),
    Endpoint(  # R3: finance books
        "return_book",
        "post",
        "returns/{return_request}/book",
        roles("finance"),
        409,
        body=lambda w: {},
    ),
    Endpoint(
        "return_reissue",
        "post",
        "returns/{return_request}/reissue",
        roles("warehouse"),
        409,
        body=lambda w: {},
    ),
    Endpoint(  # R4: signed by the sales VP (the GM above the VP's K7 limit)
        "discount_certificate_issue",
        "post",
        "discount-certificates",
        roles("vp gm"),
        201,
        body=lambda w: {"customer": w["customer"], "amount": "200.00", "reason": "运输破损补偿"},
    ),
    Endpoint(  # the world's certificate is issued (within the VP's limit): nothing waits to be decided
        "discount_certificate_approve",
        "post",
        "discount-certificates/{certificate}/approve",
        roles("vp gm"),
        409,
        body=lambda w: {"note": "同意"},
    ),
    Endpoint(
        "discount_certificate_refuse",
        "post",
        "discount-certificates/{certificate}/refuse",
        roles("vp gm"),
        409,
        body=lambda w: {"note": "不同意"},
    ),
    Endpoint(
        "discount_certificate_detail",
        "get",
        "discount-certificates/{certificate}",
        RETURN_VIEWERS,
        denied=RETURN_OUT_OF_SCOPE,
    ),
    # --- complaints (K1–K11) and K7 approvals ---
    Endpoint("complaint_list", "get", "complaints", EVERYONE, scoped_list=True),
    Endpoint(
        "complaint_create",
        "post",
        "complaints",
        STAFF,  # K2: whoever receives it registers it
        201,
        body=lambda w: {"customer": w["customer"], "class": "quality", "channel": "phone", "description": "开裂"},
        denied=not_found(roles("customer")),  # a portal user registers for their own organisation only
    ),
    Endpoint("complaint_detail", "get", CP, COMPLAINT_VIEWERS, denied=COMPLAINT_OUT_OF_SCOPE),
    Endpoint(
        "complaint_detail_own",
        "get",
        "complaints/{own_complaint}",
        COMPLAINT_VIEWERS | roles("customer"),
        denied=COMPLAINT_OUT_OF_SCOPE,
    ),
    Endpoint("complaint_contact", "post", f"{CP}/contact", COMPLAINT_HANDLERS, body=lambda w: {"version": 1}),
    _complaint_move("report", {}),  # not a major complaint
    _complaint_move("decide", {"disposition": "guidance", "decision": "指导"}),
    _complaint_move("escalate", {"reason": "超出权限"}),
    _complaint_move("approve", {"disposition": "guidance", "decision": "指导"}, roles("cs_manager vp")),  # K5 head
    _complaint_move("reply", {"public_reply": "已答复"}),
    _complaint_move("implement", {}),
    _complaint_move("close", {}),
    _complaint_move("reject-conclusion", {"reason": "不接受"}),
    # K2 reassign: the owner (the world's complaint agent), the department head and the VP, and the
    # K2.owner_role (team lead); an unknown new owner is refused (422) and changes nothing
    Endpoint(
        "complaint_reassign",
        "post",
        f"{CP}/reassign",
        roles("team_lead cs_manager vp"),
        422,
        body=lambda w: {"owner": "nobody"},
    ),
    # complaint follow-up (K8, K12–K15): the world's callback task is the complaint agent's; its CAPA
    # "capa" is planned, "capa_done" carried out by the engineer; reviews: 2025-10 submitted, 2025-08 draft
    Endpoint("complaint_task_list", "get", "complaint-tasks?mine=true", EVERYONE),
    Endpoint(
        "complaint_task_done",
        "post",
        "complaint-tasks/{complaint_task}/done",
        COMPLAINT_HANDLERS,  # finance and quality: not their task
        body=lambda w: {"note": "已回访"},
    ),
    Endpoint(
        "complaint_supplier", "post", f"{CP}/supplier", COMPLAINT_HANDLERS, body=lambda w: {"supplier_name": "轴承厂"}
    ),
    Endpoint(
        "complaint_capa_list",
        "get",
        f"{CP}/capa",
        COMPLAINT_VIEWERS,
        denied=COMPLAINT_OUT_OF_SCOPE,
    ),
    Endpoint(
        "complaint_capa_plan",
        "post",
        f"{CP}/capa",
        COMPLAINT_HANDLERS | roles("quality"),
        201,
        body=lambda w: {"measures": "增加跌落测试"},
    ),
    Endpoint(
        "complaint_capa_done",
        "post",
        f"{CP}/capa/{{capa}}/done",
        COMPLAINT_HANDLERS | roles("quality"),
        body=lambda w: {},
    ),
    Endpoint(  # K14: quality verifies
        "complaint_capa_verify",
        "post",
        f"{CP}/capa/{{capa_done}}/verify",
        roles("quality"),
        body=lambda w: {},
    ),
    Endpoint(
        "responsibility_review_detail",
        "get",
        "responsibility-reviews/2025-10",
        roles("cs_manager vp gm mgmt_rep admin"),
        denied=not_found(EVERYONE - roles("cs_manager vp gm mgmt_rep admin")),
    ),
    Endpoint(  # K8: the department head prepares and submits
        "responsibility_review_prepare",
        "post",
        "responsibility-reviews/2025-09/prepare",
        roles("cs_manager"),
    ),
    Endpoint(
        "responsibility_review_submit",
        "post",
        "responsibility-reviews/2025-08/submit",
        roles("cs_manager"),
        body=lambda w: {},
    ),
    Endpoint(  # K8: sanctions approved by the VP, notices by the GM
        "responsibility_review_approve",
        "post",
        "responsibility-reviews/2025-10/approve",
        roles("vp gm"),
        body=lambda w: {},
    ),
    # Knowledge base (T1): all staff read published articles and get suggestions; editors write.
    Endpoint("knowledge_suggestions", "get", "knowledge/suggestions?fault=E-21", STAFF),
    Endpoint(
        "knowledge_article_detail",
        "get",
        "knowledge/articles/{article}",
        STAFF,
        denied=not_found(roles("customer")),
    ),
    Endpoint(
        "knowledge_article_create",
        "post",
        "knowledge/articles",
        roles("team_lead cs_manager rnd trainer admin"),
        201,
        body=lambda w: {"kind": "faq", "title": "报警 E-21", "body": "检查刀架电机。"},
    ),
    Endpoint(
        "knowledge_article_update",
        "patch",
        "knowledge/articles/{article}",
        roles("team_lead cs_manager rnd trainer admin"),
        body=lambda w: {"title": "刀架报警 E-21", "version": 1},
    ),
    # One approvals API: every signed-in user lists what they may read (a portal user: nothing).
    Endpoint("k7_approval_list", "get", "approvals", EVERYONE),
    Endpoint(  # K7: sales manager, VP, GM; 500 yuan is within every approver's limit
        "k7_approval_decide",
        "post",
        "approvals/{k7_approval}/decide",
        roles("sales_manager vp gm"),
        body=lambda w: {"decision": "approve"},
        # auditors read it but hold no K7 authority (403); everyone else: 404
        denied=not_found(EVERYONE - roles("sales_manager vp gm admin cs_manager mgmt_rep")),
    ),
    # Spare parts (P1): the keeper keeps catalogue, stores and stock; readers see them; the head of
    # after-sales approves list prices; the keeper approves an engineer's count adjustment.
    Endpoint("parts_list", "get", "parts", PARTS_READERS),
    Endpoint("parts_detail", "get", "parts/{part}", PARTS_READERS),
    Endpoint("parts_change", "patch", "parts/{part}", roles("parts_keeper"), body=lambda w: {"spec": "新规格"}),
    Endpoint(
        "parts_create", "post", "parts", roles("parts_keeper"), 201, body=lambda w: {"code": "MX-1", "name": "新配件"}
    ),
    Endpoint("parts_price_lists", "get", "price-lists", roles("parts_keeper cs_manager finance")),
    Endpoint(
        "parts_price_list_create",
        "post",
        "price-lists",
        roles("parts_keeper"),
        201,
        body=lambda w: {"lines": [{"part": w["part"], "price": "10.00"}]},
    ),
    Endpoint(
        "parts_price_list_approve",
        "post",
        "price-lists/{price_version}/approve",
        roles("cs_manager"),
        body=lambda w: {},
    ),
    Endpoint(
        "parts_price_list_refuse", "post", "price-lists/{price_version}/refuse", roles("cs_manager"), body=lambda w: {}
    ),
    Endpoint("parts_stores", "get", "stores", PARTS_READERS),
    Endpoint(
        "parts_store_create",
        "post",
        "stores",
        roles("parts_keeper"),
        201,
        body=lambda w: {"code": "MX-S", "name": "新库房", "kind": "central"},
    ),
    Endpoint("parts_stock", "get", "stock", PARTS_READERS),
    Endpoint("parts_stock_moves", "get", "stock/moves", roles("parts_keeper cs_manager warehouse")),
    Endpoint(
        "parts_stock_receipt",
        "post",
        "stock/receipts",
        roles("parts_keeper"),
        201,
        body=lambda w: {"store": w["store"], "lines": [{"part": w["part"], "quantity": 1}]},
    ),
    Endpoint(
        "parts_stock_transfer",
        "post",
        "stock/transfers",
        roles("parts_keeper"),
        201,
        body=lambda w: {"from_store": w["store"], "to_store": w["store2"], "part": w["part"], "quantity": 1},
    ),
    Endpoint(
        "parts_adjustment_create",
        "post",
        "stock/adjustments",
        roles("parts_keeper engineer"),
        201,
        body=lambda w: {"store": w["store"], "part": w["part"], "change": 1, "reason": "盘点"},
    ),
    Endpoint(
        "parts_adjustment_approve",
        "post",
        "stock/adjustments/{adjustment}/approve",
        roles("parts_keeper"),
        body=lambda w: {},
    ),
    Endpoint(
        "parts_adjustment_refuse",
        "post",
        "stock/adjustments/{adjustment}/refuse",
        roles("parts_keeper"),
        body=lambda w: {},
    ),
    # --- service photos and videos (S9) and the customer's wait (S6) ---
    # Only the assigned engineer attaches (the right first: 403; the world's request is nobody's job: 404).
    Endpoint(
        "service_request_attachment_add",
        "post",
        f"{SR}/attachments",
        frozenset(),
        201,
        body=lambda w: {"file": _upload(), "kind": "fault"},
        denied=ENGINEER_ONLY,
        multipart=True,
    ),
    Endpoint(
        "service_request_attachment_list", "get", f"{SR}/attachments", SERVICE_VIEWERS, denied=SERVICE_OUT_OF_SCOPE
    ),
    # The attachment world's photo was taken by its assigned engineer: viewers read it, only the uploader
    # (no role of the matrix) deletes it (403), everyone else meets 404.
    Endpoint(
        "service_attachment_content",
        "get",
        "attachments/{attachment}/content",
        SERVICE_VIEWERS,
        denied=SERVICE_OUT_OF_SCOPE,
    ),
    Endpoint(
        "service_attachment_delete",
        "delete",
        "attachments/{attachment}",
        frozenset(),
        204,
        denied=SERVICE_OUT_OF_SCOPE,
    ),
    # S6: the desk (and the assigned engineer) records that the customer is unavailable; viewers without
    # the right: 403; the world's request is registered, so "available again" has nothing to resume (409).
    Endpoint(
        "service_request_customer_unavailable",
        "post",
        f"{SR}/customer-unavailable",
        roles("agent team_lead cs_manager"),
        body=lambda w: {"note": "客户出差，下周回来"},
        denied=SERVICE_OUT_OF_SCOPE,
    ),
    Endpoint(
        "service_request_customer_available",
        "post",
        f"{SR}/customer-available",
        roles("agent team_lead cs_manager"),
        409,
        body=lambda w: {"note": "客户已回"},
        denied=SERVICE_OUT_OF_SCOPE,
    ),
    # --- callbacks (V2): the list answers everyone with what they may see (nothing without the right) ---
    Endpoint("callback_list", "get", "callbacks", EVERYONE),
    Endpoint(
        "callback_detail",
        "get",
        "callbacks/{callback}",
        CALLBACK_VIEWERS,
        denied=not_found(EVERYONE - CALLBACK_VIEWERS),
    ),
    Endpoint(
        "callback_outcome",
        "post",
        "callbacks/{callback}/outcome",
        roles("agent team_lead cs_manager"),
        body=lambda w: {"result": "wrong_number", "note": "空号"},
    ),
    # --- satisfaction surveys (V4) ---
    Endpoint(
        "survey_create",
        "post",
        "surveys",
        roles("team_lead cs_manager analyst"),
        201,
        body=lambda w: {"title": "2026 年用户满意度调查", "period": "2026-H2", "customers": [w["customer"]]},
    ),
    Endpoint("survey_detail", "get", "surveys/{campaign}", SURVEY_VIEWERS, denied=not_found(EVERYONE - SURVEY_VIEWERS)),
    Endpoint(
        "survey_result",
        "get",
        "surveys/{campaign}/result",
        SURVEY_VIEWERS,
        denied=not_found(EVERYONE - SURVEY_VIEWERS),
    ),
    Endpoint(
        "survey_response_create",
        "post",
        "surveys/{campaign}/responses",
        roles("agent team_lead cs_manager analyst"),
        201,
        body=lambda w: {"customer": w["customer"], "answers": {str(n): "satisfied" for n in range(2, 9)}},
    ),
    # --- statistics and KPIs (Q1, Q4) ---
    Endpoint("report_kpis", "get", "kpis?from=2025-01-01&to=2025-01-31", STATISTICS_READERS),
    Endpoint(
        "report_statistics",
        "get",
        "statistics/service-requests?from=2025-01-01&to=2025-01-31",
        STATISTICS_READERS,
    ),
    # Q1 统计分析表 (docs/decisions/0037): the information clerk, the head and the administrator draft and
    # submit; statistics readers read (no table of 2025-01 in the world: 404), the others meet 403.
    Endpoint(
        "analysis_table_create",
        "post",
        "analysis-tables",
        roles("analyst cs_manager admin"),
        201,
        body=lambda w: {"period": "2025-01"},
    ),
    # Manufacturing receives the approved tables only (docs/decisions/0040): none approved here, 404.
    Endpoint("analysis_table_get", "get", "analysis-tables/2025-01", STATISTICS_READERS | roles("manufacturing"), 404),
    Endpoint(
        "analysis_table_approve",
        "post",
        "analysis-tables/2025-01/approve",
        STATISTICS_READERS,
        404,
        body=lambda w: {"approve": True},
    ),
    # --- Q3 early warnings: read by the statistics readers, closed by quality ---
    Endpoint("early_warning_list", "get", "early-warnings?state=open", STATISTICS_READERS),
    Endpoint("early_warning_detail", "get", "early-warnings/{warning}", STATISTICS_READERS),
    Endpoint(
        "early_warning_close",
        "post",
        "early-warnings/{warning}/close",
        roles("quality"),
        body=lambda w: {"reason": "已知批次问题，已更换供应商"},
    ),
    Endpoint(
        "early_warning_capa",
        "post",
        "early-warnings/{warning}/capa",
        roles("quality"),
        body=lambda w: {"measures": "加严来料检验"},
    ),
    # K14 on the warning's corrective action (docs/decisions/0040): carried out by whoever may change corrective
    # actions and reads the warning (or owns its action), verified by quality; the world's warning has none: 409.
    Endpoint(
        "early_warning_capa_done",
        "post",
        "early-warnings/{warning}/capa/done",
        roles("quality cs_manager vp"),
        409,
        body=lambda w: {"note": "已落实"},
    ),
    Endpoint(
        "early_warning_capa_verify",
        "post",
        "early-warnings/{warning}/capa/verify",
        roles("quality"),
        409,
        body=lambda w: {"effective": True},
    ),
    # --- parts flows (P2 requisitions, P4 old-part returns, P5 demand plan and purchases) ---
    # The flow world's requisition (store → store2) was asked by the world's keeper and waits for a keeper;
    # its purchase request waits for the head of after-sales. Without the view right: 403; those who see
    # only their own requisitions: 404.
    Endpoint("parts_flow_requisition_list", "get", "requisitions", REQUISITION_READERS),
    Endpoint(
        "parts_flow_requisition_create",
        "post",
        "requisitions",
        roles("parts_keeper cs_manager"),
        201,
        body=lambda w: {
            "from_store": w["store"],
            "to_store": w["store2"],
            "reason": "维修点补货",
            "lines": [{"part": w["part"], "quantity": 1}],
        },
        # engineers and team leads ask only for their own store or van (store2 is the keeper's): 422
        denied=dict.fromkeys(roles("engineer team_lead"), 422),
    ),
    Endpoint(
        "parts_flow_requisition_detail",
        "get",
        "requisitions/{requisition}",
        REQUISITION_ALL,
        denied=REQUISITION_OWN_ONLY,
    ),
    Endpoint(
        "parts_flow_requisition_approve",
        "post",
        "requisitions/{requisition}/approve",
        REQUISITION_DECIDERS,
        body=lambda w: {"note": "同意"},
        denied=REQUISITION_OWN_ONLY,
    ),
    Endpoint(
        "parts_flow_requisition_refuse",
        "post",
        "requisitions/{requisition}/refuse",
        REQUISITION_DECIDERS,
        body=lambda w: {"note": "不同意"},
        denied=REQUISITION_OWN_ONLY,
    ),
    Endpoint(  # the keepers issue; a requested requisition is not approved yet
        "parts_flow_requisition_issue",
        "post",
        "requisitions/{requisition}/issue",
        roles("parts_keeper"),
        409,
        body=lambda w: {},  # the right is checked before the record: 403 for everyone else
    ),
    Endpoint(  # the receiving store or a keeper; nothing was issued yet
        "parts_flow_requisition_receive",
        "post",
        "requisitions/{requisition}/receive",
        roles("parts_keeper"),
        409,
        body=lambda w: {"lines": [{"part": w["part"], "quantity": 1}]},
        denied=REQUISITION_OWN_ONLY,
    ),
    Endpoint(  # the requester (the world's keeper) or a keeper
        "parts_flow_requisition_cancel",
        "post",
        "requisitions/{requisition}/cancel",
        roles("parts_keeper"),
        body=lambda w: {"note": "不需要了"},
        denied=REQUISITION_OWN_ONLY,
    ),
    Endpoint("parts_flow_part_return_list", "get", "part-returns", REQUISITION_READERS),
    Endpoint(  # the keepers receive old parts; the world owes none (the right first: 403, then 404)
        "parts_flow_part_return_receive",
        "post",
        "part-returns/2147483647/receive",
        frozenset(),
        body=lambda w: {"disposition": "scrap"},
        denied=not_found(roles("parts_keeper")),
    ),
    Endpoint("parts_flow_demand_plan", "get", "demand-plan?store={store}", PARTS_PLANNERS),
    Endpoint(
        "parts_flow_stock_plan_set",
        "post",
        "stock-plans",
        PARTS_PLANNERS,
        body=lambda w: {"store": w["store"], "part": w["part"], "safety_stock": 2, "reorder_point": 3},
    ),
    Endpoint(
        "parts_flow_purchase_request_create",
        "post",
        "purchase-requests",
        PARTS_PLANNERS,
        201,
        body=lambda w: {"store": w["store"], "quantities": {w["part"]: 5}},
    ),
    Endpoint("parts_flow_purchase_request_detail", "get", "purchase-requests/{purchase_request}", PURCHASE_READERS),
    Endpoint(  # P5: the head of after-sales decides; other readers are not deciders (403)
        "parts_flow_purchase_request_approve",
        "post",
        "purchase-requests/{purchase_request}/approve",
        roles("cs_manager"),
        body=lambda w: {"note": "同意"},
    ),
    Endpoint(
        "parts_flow_purchase_request_refuse",
        "post",
        "purchase-requests/{purchase_request}/refuse",
        roles("cs_manager"),
        body=lambda w: {"note": "不同意"},
    ),
    # --- consultation register (C8): the hotline registers and calls back, analysts and sales read,
    # the administrator defines the extra fields ---
    Endpoint("consultation_list", "get", "consultations", CONSULT_VIEWERS),
    Endpoint(
        "consultation_create",
        "post",
        "consultations",
        CONSULT_WRITERS,
        201,
        body=lambda w: {"channel": "phone", "name": "王经理", "contact": "13800000000", "question": "交货期？"},
    ),
    Endpoint("consultation_conversion", "get", "consultations/conversion?by=quarter", CONSULT_VIEWERS),
    Endpoint("consultation_field_list", "get", "consultations/fields", CONSULT_VIEWERS | roles("admin")),
    Endpoint(
        "consultation_field_create",
        "post",
        "consultations/fields",
        roles("admin"),
        201,
        body=lambda w: {"key": "budget", "label": "预算", "field_type": "number"},
    ),
    Endpoint(
        "consultation_field_update",
        "patch",
        "consultations/fields/{consultation_field}",
        roles("admin"),
        body=lambda w: {"label": "来源渠道"},
    ),
    Endpoint(
        "consultation_followup_outcome",
        "post",
        "consultations/follow-ups/{consultation_followup}/outcome",
        CONSULT_WRITERS,
        body=lambda w: {"result": "reached"},
    ),
    Endpoint(
        "consultation_detail",
        "get",
        "consultations/{consultation}",
        CONSULT_VIEWERS,
        denied=not_found(EVERYONE - CONSULT_VIEWERS),
    ),
    Endpoint(
        "consultation_stage",
        "post",
        "consultations/{consultation}/stage",
        CONSULT_WRITERS,
        body=lambda w: {"stage": "visited"},
    ),
    Endpoint(
        "consultation_followup_create",
        "post",
        "consultations/{consultation}/follow-ups",
        CONSULT_WRITERS,
        201,
        body=lambda w: {"due_on": "2026-01-12", "note": "问预算"},
    ),
    # --- training (T2): the training centre plans, records and assesses; the head of after-sales and
    # analysts read customer trainings; every member of staff reads their own assessments and certificates ---
    Endpoint("training_list", "get", "training/customer-trainings", TRAINING_VIEWERS),
    Endpoint(
        "training_create",
        "post",
        "training/customer-trainings",
        roles("trainer"),
        201,
        body=lambda w: {"course": "数控系统操作", "planned_on": "2026-05-10", "trainer": "张工"},
    ),
    Endpoint(
        "training_attended",
        "get",
        "training/attended?customer={customer}&date_from=2026-01-01&date_to=2026-12-31",
        TRAINING_VIEWERS,
    ),
    Endpoint(
        "training_detail",
        "get",
        "training/customer-trainings/{training}",
        TRAINING_VIEWERS,
        denied=not_found(EVERYONE - TRAINING_VIEWERS),
    ),
    Endpoint(
        "training_record",
        "post",
        "training/customer-trainings/{training}/record",
        roles("trainer"),
        body=lambda w: {"held_on": "2026-05-12", "feedback": "满意"},
    ),
    Endpoint(
        "training_cancel",
        "post",
        "training/customer-trainings/{training}/cancel",
        roles("trainer"),
        body=lambda w: {"reason": "改期"},
    ),
    Endpoint("training_assessment_list", "get", "training/assessments", EVERYONE),  # others: their own
    Endpoint(
        "training_assessment_create",
        "post",
        "training/assessments",
        roles("trainer"),
        201,
        body=lambda w: {
            "user": w["training_engineer"],
            "product_line": "数控机床",
            "taken_on": "2026-03-10",
            "theory": 80,
            "practice": 80,
            "simulated": 80,
        },
    ),
    Endpoint("training_certificate_list", "get", "training/certificates", EVERYONE),  # others: their own
    # --- visits (C7) and new-customer vetting (C5), decision 0034: owners see their own, managers all ---
    Endpoint("visit_plan_list", "get", "visit-plans", EVERYONE),
    Endpoint("visit_plan_create", "post", "visit-plans", VISITORS, 201, body=lambda w: {"year": 2026, "month": 3}),
    Endpoint("visit_plan_detail", "get", "visit-plans/{visit_plan}", VISIT_OWNER_AND_ALL, denied=VISIT_OUT_OF_SCOPE),
    Endpoint(
        "visit_plan_item_add",
        "post",
        "visit-plans/{visit_plan}/items",
        VISIT_OWNER_AND_PLANNERS,
        201,
        body=lambda w: {"customer": w["customer"], "purpose": "routine"},
        denied=VISIT_OUT_OF_SCOPE,
    ),
    Endpoint(
        "visit_plan_item_remove",
        "delete",
        "visit-plans/{visit_plan}/items/{visit_plan_item}",
        VISIT_OWNER_AND_PLANNERS,
        204,
        denied=VISIT_OUT_OF_SCOPE,
    ),
    Endpoint("gift_list", "get", "visits/gifts", EVERYONE),
    Endpoint(
        "gift_create",
        "post",
        "visits/gifts",
        VISITORS,
        201,
        body=lambda w: {"customer": w["customer"], "description": "台历", "value": "100"},
    ),
    Endpoint("visit_list", "get", "visits", EVERYONE),
    Endpoint(
        "visit_create",
        "post",
        "visits",
        VISITORS,
        201,
        body=lambda w: {"customer": w["customer"], "visited_on": "2026-01-05", "findings": "设备运行正常"},
    ),
    Endpoint("visit_detail", "get", "visits/{visit}", VISIT_OWNER_AND_ALL, denied=VISIT_OUT_OF_SCOPE),
    Endpoint("vetting_list", "get", "vettings", EVERYONE),
    Endpoint(
        "vetting_create", "post", "vettings", VETTERS, 201, body=lambda w: {"name": "新星电子", "kind": "on_site"}
    ),
    Endpoint(
        "vetting_detail", "get", "vettings/{vetting}", VETTING_READERS, denied=not_found(EVERYONE - VETTING_READERS)
    ),
    Endpoint("vetting_update", "patch", "vettings/{vetting}", VETTERS, body=lambda w: {"summary": "实地考察"}),
    Endpoint("vetting_submit", "post", "vettings/{vetting}/submit", VETTERS, body=lambda w: {}),
    Endpoint(
        "vetting_decide",
        "post",
        "vettings/{submitted_vetting}/decide",
        roles("cs_manager"),
        body=lambda w: {"decision": "approve"},
        denied=not_found(EVERYONE - VETTING_READERS),
    ),
    Endpoint(
        "vetting_file_add",
        "post",
        "vettings/{vetting}/files",
        VETTERS,
        201,
        body=lambda w: {"file": _pdf_upload()},
        multipart=True,
    ),
    Endpoint(
        "vetting_file_content",
        "get",
        "vettings/{vetting}/files/{vetting_file}/content",
        VETTING_READERS,
        denied=not_found(EVERYONE - VETTING_READERS),
    ),
    # the world's vetting is a draft: who may open the file from it meets 409 (approved ones only)
    Endpoint("vetting_customer", "post", "vettings/{vetting}/customer", VETTERS, 409, body=lambda w: {}),
]

CASES = [(endpoint, role) for endpoint in ENDPOINTS for role in ROLES]


@pytest.fixture
def world(make_user: Callable[..., Any]) -> dict[str, Any]:
    from aftersales.accounts.selectors import actor_for
    from aftersales.accounts.services import api_token_create
    from aftersales.customers.services import access_request_create

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
    # C3: asked through the service, so the approvals engine holds its approval (owner or manager decides).
    pending = access_request_create(actor=actor_for(requester), customer_id=confidential.pk, reason="维修需要")
    token, _clear = api_token_create(actor=actor_for(owner), name="owner's token")
    return {
        "token": token.pk,
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
def parts_world(world: dict[str, Any], make_user: Callable[..., Any]) -> dict[str, Any]:
    """The world, plus a part, two stores with stock, a price list waiting for the head of
    after-sales and an engineer's count adjustment waiting for the parts keeper."""
    from aftersales.accounts.selectors import actor_for
    from aftersales.parts.models import Store
    from aftersales.parts.services.catalogue import part_create
    from aftersales.parts.services.counts import adjustment_ask
    from aftersales.parts.services.stock import stock_receive

    keeper = actor_for(make_user("parts_keeper", username="world_keeper"))
    part = part_create(actor=keeper, code="MX-P", name="驱动板", price="100.00")
    store = Store.objects.create(code="MX-ZK", name="总库", kind="central", owner=keeper.user)
    store2 = Store.objects.create(code="MX-WX", name="维修点库", kind="service_point", owner=keeper.user)
    stock_receive(actor=keeper, store=store, part=part, quantity=10)
    asking = actor_for(make_user("engineer", username="world_counting_engineer"))
    adjustment = adjustment_ask(actor=asking, store=store, part=part, change=1, reason="盘点")
    return {
        **world,
        "part": part.code,
        "store": store.code,
        "store2": store2.code,
        "price_version": 1,
        "adjustment": adjustment.number,
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
        state="approved",
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
    # submitted by a department head: its two approvals (VP, GM) are asked when first decided (0015)
    head = make_user("cs_manager", username="review_head")
    ResponsibilityReview.objects.create(period="2025-10", state="submitted", due_at=due, submitted_by=head)
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


@pytest.fixture
def attachment_world(service_world: dict[str, Any], make_user: Callable[..., Any]) -> dict[str, Any]:
    """The service world, its request dispatched to field_engineer, who attached one photo."""
    from aftersales.accounts.models import User
    from aftersales.accounts.selectors import actor_for
    from aftersales.service import services

    lead = actor_for(User.objects.get(username="service_lead"))
    engineer = actor_for(User.objects.get(username="field_engineer"))
    number = service_world["service_request"]
    services.service_request_dispatch(actor=lead, number=number, engineer="field_engineer")
    attachment = services.attachment_add(actor=engineer, number=number, upload=_upload())
    return {**service_world, "attachment": attachment.pk}


@pytest.fixture
def callback_world(world: dict[str, Any]) -> dict[str, Any]:
    """The world, plus one open routine callback of the staff's customer, assigned to nobody."""
    from aftersales.callbacks.models import Callback

    today = dt.date.today()
    callback = Callback.objects.create(
        kind="routine",
        planning_key=f"routine:{world['customer']}:matrix",
        customer_id=world["customer"],
        planned_on=today,
        try_on=today,
    )
    return {**world, "callback": callback.pk}


@pytest.fixture
def survey_world(world: dict[str, Any], make_user: Callable[..., Any]) -> dict[str, Any]:
    """The world, plus a survey campaign sent to the staff's customer."""
    from aftersales.accounts.selectors import actor_for
    from aftersales.surveys.services import campaign_create

    analyst = actor_for(make_user("analyst", username="survey_analyst"))
    campaign = campaign_create(
        actor=analyst, title="2026 年用户满意度调查", period="2026-H1", customers=[world["customer"]]
    )
    return {**world, "campaign": campaign.pk}


@pytest.fixture
def consultation_world(world: dict[str, Any], make_user: Callable[..., Any]) -> dict[str, Any]:
    """The world, plus one enquiry with an open follow-up, and one extra field of the register."""
    from aftersales.accounts.selectors import actor_for
    from aftersales.consultations import services

    desk = actor_for(make_user("agent", username="consult_desk"))
    admin = actor_for(make_user("admin", username="consult_admin"))
    field = services.field_create(actor=admin, key="source", label="来源", field_type="text")
    consultation = services.consultation_register(
        actor=desk, channel="phone", name="李工", contact="13900000000", question="价格？", follow_up_on=dt.date.today()
    )
    follow_up = consultation.follow_ups.get()
    return {
        **world,
        "consultation": consultation.pk,
        "consultation_followup": follow_up.pk,
        "consultation_field": field.pk,
    }


@pytest.fixture
def visits_world(world: dict[str, Any]) -> dict[str, Any]:
    """The world, plus the files' owner's monthly visit plan with one visit, a visit report, a vetting with
    every criterion answered and a file, and a submitted vetting (decision 0034)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aftersales.accounts.selectors import actor_for
    from aftersales.customers.services import vetting as vetting_services
    from aftersales.customers.services import visits as visit_services

    owner = actor_for(world["owner"])
    plan = visit_services.visit_plan_create(actor=owner, year=2026, month=1)
    item = visit_services.visit_plan_item_add(actor=owner, plan_id=plan.pk, customer_id=world["customer"])
    report = visit_services.visit_report_file(
        actor=owner, customer_id=world["customer"], visited_on=dt.date(2026, 1, 5), findings="运行正常"
    )

    def _vetting(name: str) -> Any:
        vetting = vetting_services.vetting_create(actor=owner, name=name)
        answers = [vetting_services.ItemAnswer(position=i.position, result="meets") for i in vetting.items.all()]
        return vetting_services.vetting_update(actor=owner, vetting_id=vetting.pk, items=answers)

    vetting = _vetting("远景科技")
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")
    vetting_file = vetting_services.vetting_file_add(actor=owner, vetting_id=vetting.pk, upload=upload)
    submitted = vetting_services.vetting_submit(actor=owner, vetting_id=_vetting("华星商贸").pk)
    return {
        **world,
        "visit_plan": plan.pk,
        "visit_plan_item": item.pk,
        "visit": report.pk,
        "vetting": vetting.pk,
        "vetting_file": vetting_file.pk,
        "submitted_vetting": submitted.pk,
    }


@pytest.fixture
def training_world(world: dict[str, Any], make_user: Callable[..., Any]) -> dict[str, Any]:
    """The world, plus one planned customer training of the staff's customer and an engineer to assess."""
    from aftersales.accounts.selectors import actor_for
    from aftersales.training.services import training_plan

    trainer = actor_for(make_user("trainer", username="training_centre"))
    training = training_plan(
        actor=trainer,
        course="数控系统操作",
        planned_on=dt.date(2026, 5, 10),
        trainer="张工",
        customers=[{"customer": world["customer"]}],
    )
    engineer = make_user("engineer", username="training_engineer")
    return {**world, "training": training.pk, "training_engineer": engineer.pk}


@pytest.fixture
def parts_flow_world(parts_world: dict[str, Any]) -> dict[str, Any]:
    """The parts world, plus a requisition (store → store2) asked by its keeper, waiting for a keeper, and a
    purchase request for store waiting for the head of after-sales."""
    from aftersales.accounts.models import User
    from aftersales.accounts.selectors import actor_for
    from aftersales.parts.flow.services.demand import purchase_request_create
    from aftersales.parts.flow.services.requisitions import requisition_create

    keeper = actor_for(User.objects.get(username="world_keeper"))
    requisition = requisition_create(
        actor=keeper,
        from_store=parts_world["store"],
        to_store=parts_world["store2"],
        reason="维修点补货",
        lines=[{"part": parts_world["part"], "quantity": 1}],
    )
    purchase = purchase_request_create(actor=keeper, store=parts_world["store"], quantities={parts_world["part"]: 5})
    return {**parts_world, "requisition": requisition.number, "purchase_request": purchase.number}


@pytest.fixture
def warning_world(world: dict[str, Any]) -> dict[str, Any]:
    """The world, plus one open Q3 early warning on its product."""
    import datetime as _dt

    warning = EarlyWarning.objects.create(
        kind="part",
        key="part:0:PS-12",
        product=Product.objects.get(model=world["product_model"]),
        part_key="PS-12",
        part_label="电源板",
        window="month",
        period_start=_dt.date(2026, 11, 1),
        period_end=_dt.date(2026, 11, 30),
        threshold=3,
        count=3,
    )
    return {**world, "warning": warning.pk}


def _state() -> dict[str, Any]:
    """What a denied call must not change."""
    return {
        "tokens": list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at")),
        "calendar_days": list(CalendarDay.objects.order_by("pk").values_list("pk", "kind", "name")),
        "statutory_years": StatutoryYear.objects.count(),
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
        "consultations": list(Consultation.objects.order_by("pk").values_list("pk", "stage", "version")),
        "consultation_follow_ups": list(ConsultationFollowUp.objects.order_by("pk").values_list("pk", "state")),
        "consultation_fields": list(ConsultationField.objects.order_by("pk").values_list("pk", "version")),
        "trainings": list(CustomerTraining.objects.order_by("pk").values_list("pk", "state", "version")),
        "assessments": Assessment.objects.count(),
        "training_certificates": Certificate.objects.count(),
        "early_warnings": list(EarlyWarning.objects.order_by("pk").values_list("pk", "state", "version")),
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
    if endpoint.name.startswith("parts_"):
        world = request.getfixturevalue("parts_world")
    if endpoint.name.startswith("parts_flow_"):
        world = request.getfixturevalue("parts_flow_world")
    if endpoint.name.startswith("service_attachment"):
        world = request.getfixturevalue("attachment_world")
    if endpoint.name.startswith("callback"):
        world = request.getfixturevalue("callback_world")
    if endpoint.name.startswith("survey"):
        world = request.getfixturevalue("survey_world")
    if endpoint.name.startswith("consultation"):
        world = request.getfixturevalue("consultation_world")
    if endpoint.name.startswith("training"):
        world = request.getfixturevalue("training_world")
    if endpoint.name.startswith("early_warning"):
        world = request.getfixturevalue("warning_world")
    if endpoint.name.startswith(("visit", "gift", "vetting")):
        world = request.getfixturevalue("visits_world")
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
    if endpoint.multipart:
        response = client.client.post(f"/api/v1/{path}", endpoint.body(world), **client.headers)
    elif endpoint.body is None:
        response = getattr(client, endpoint.method)(path)
    else:
        response = getattr(client, endpoint.method)(path, endpoint.body(world))
    expected = endpoint.expected(role)
    assert response.status_code == expected, response.content.decode()
    streamed = getattr(response, "streaming", False)  # a file's bytes (attachment content)
    body = response.json() if not streamed and response.content else None
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


def _operation(method: str, path: str, templates: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The OpenAPI operation (method, template) a declared call reaches: the template matching the
    path with the most literal segments (`units/export` before `units/{serial}`)."""
    path = "/api/v1/" + path.split("?")[0]
    found = [(m, t) for m, t in templates if m == method and re.fullmatch(re.sub(r"\{[^}/]+\}", "[^/]+", t), path)]
    return max(found, key=lambda op: op[1].count("/") - op[1].count("{"), default=None)


def test_every_api_operation_is_declared() -> None:
    """A new endpoint without a line in ENDPOINTS fails here; so does a declaration reaching nothing."""
    from aftersales.api import api

    templates = [(m.lower(), t) for t, ops in api.get_openapi_schema()["paths"].items() for m in ops]
    dummy = {key: "1" for endpoint in ENDPOINTS for key in re.findall(r"\{(\w+)\}", endpoint.path)}
    reached = {e.name: _operation(e.method, e.path.format(**dummy), templates) for e in ENDPOINTS}
    assert [name for name, op in reached.items() if op is None] == []
    assert sorted(set(templates) - set(reached.values())) == []
    assert len({e.name for e in ENDPOINTS}) == len(ENDPOINTS)
