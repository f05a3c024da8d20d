"""Which Django permissions each role's group holds. The single source of role rights.

Object scope (own customer, own files, grants) is applied on top by each app's selectors.
"""

from __future__ import annotations

from aftersales.accounts.choices import Role

# Read access every member of staff has (the hotline, engineers and back office all look up
# customers and their equipment).
STAFF_READ = {
    "customers.view_customer",
    "installed_base.view_product",
    "installed_base.view_unit",
    "installed_base.view_servicecontract",
    "installed_base.view_substituteloan",
    "accounts.view_region",
    "accounts.view_servicepoint",
    "policies.view_policyversion",
    "calendars.view_workcalendar",
}
INTAKE = {
    "customers.add_customer",
    "customers.change_customer",
    "installed_base.add_unit",
    "installed_base.change_unit",
}
INSTALLED_BASE_ADMIN = {
    "installed_base.add_product",
    "installed_base.change_product",
    "installed_base.add_unit",
    "installed_base.change_unit",
    "installed_base.add_servicecontract",
    "installed_base.change_servicecontract",
    "installed_base.add_substituteloan",
    "installed_base.change_substituteloan",
    "installed_base.add_substituteequipment",
}
EXPORT = {"customers.export_customer", "installed_base.export_unit"}
IMPORT = {"customers.import_customer", "installed_base.import_unit"}
APPROVE_ACCESS = {"customers.approve_customer_access"}
AUDIT = {"core.view_event"}
CLOCKS_ALL = {"clocks.view_all_clocks"}  # X2: GET /api/v1/clocks?due_before=
# Service case (S1–S16, B1–B2). Engineers without dispatch rights see only their own jobs (selectors).
SERVICE_READ = {"service.view_servicerequest"}
SERVICE_INTAKE = SERVICE_READ | {"service.add_servicerequest"}
SERVICE_MANAGE = SERVICE_INTAKE | {
    "service.dispatch_servicerequest",  # S7
    "service.approve_servicerequest",  # S8, S9
    "service.close_servicerequest",  # S11 countersign
}
SERVICE_ENGINEER = SERVICE_READ | {
    "service.work_servicerequest",  # S7 book, S9, S11
    "service.depot_servicerequest",  # S13
}
FEES = {"service.view_feestandard", "service.add_feestandard"}
FEES_APPROVE = FEES | {"service.approve_feestandard"}  # B2: approved by the service-centre manager
# Fault symptom and cause codes (the managed list the pickers offer): kept by the service managers.
FAULT_CODES = {"service.view_faultcode", "service.add_faultcode", "service.change_faultcode"}
# B2: nobody approves their own draft, so finance drafts too (the service-centre manager approves it).
CHARGE = {"service.charge_servicerequest"}  # B1: fee collected, invoice number
RATINGS_RECORD = {"followup.add_servicerating", "followup.view_servicerating"}  # V3: a rating taken by phone
RATINGS_READ = {"followup.view_servicerating"}  # V3: monthly appraisal

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.AGENT: STAFF_READ
    | INTAKE
    | SERVICE_INTAKE
    | {"installed_base.add_substituteloan", "installed_base.change_substituteloan"},
    Role.TEAM_LEAD: STAFF_READ
    | INTAKE
    | INSTALLED_BASE_ADMIN
    | EXPORT
    | APPROVE_ACCESS
    | CLOCKS_ALL
    | SERVICE_MANAGE
    | FAULT_CODES
    | RATINGS_RECORD,
    Role.CS_MANAGER: STAFF_READ
    | INTAKE
    | INSTALLED_BASE_ADMIN
    | EXPORT
    | IMPORT
    | APPROVE_ACCESS
    | AUDIT
    | CLOCKS_ALL
    | SERVICE_MANAGE
    | FEES_APPROVE
    | FAULT_CODES
    | CHARGE
    | RATINGS_RECORD,
    Role.ENGINEER: STAFF_READ | SERVICE_ENGINEER | {"installed_base.add_unit", "installed_base.change_unit"},
    Role.PARTS_KEEPER: STAFF_READ,
    Role.ANALYST: STAFF_READ | EXPORT | SERVICE_READ | RATINGS_READ,
    Role.QUALITY: STAFF_READ | EXPORT | SERVICE_READ | RATINGS_READ,
    Role.SALES: STAFF_READ | INTAKE | {"installed_base.add_servicecontract", "installed_base.change_servicecontract"},
    Role.SALES_MANAGER: STAFF_READ
    | INTAKE
    | EXPORT
    | APPROVE_ACCESS
    | {"installed_base.add_servicecontract", "installed_base.change_servicecontract"},
    Role.RND: STAFF_READ,
    # 制造本部 receives the approved 统计分析表 (002 §5.1.10; docs/decisions/0040): that table only.
    Role.MANUFACTURING: STAFF_READ | {"reports.view_analysistable"},
    Role.FINANCE: STAFF_READ | EXPORT | SERVICE_READ | CHARGE | FEES,
    Role.WAREHOUSE: STAFF_READ | SERVICE_READ | {"service.depot_servicerequest"},
    Role.VP: STAFF_READ | EXPORT | APPROVE_ACCESS | AUDIT | CLOCKS_ALL | SERVICE_READ | RATINGS_READ,
    Role.GM: STAFF_READ | EXPORT | APPROVE_ACCESS | AUDIT | CLOCKS_ALL | SERVICE_READ | RATINGS_READ,
    Role.MGMT_REP: STAFF_READ | EXPORT | AUDIT,
    Role.TRAINER: STAFF_READ,
    # The administrator keeps the system and its reference data; business decisions are the managers'
    # (S7 dispatch, S8/S9 approvals, S11 countersignature; C3 access to confidential files).
    Role.ADMIN: STAFF_READ
    | CLOCKS_ALL
    | SERVICE_READ
    | INTAKE
    | INSTALLED_BASE_ADMIN
    | EXPORT
    | IMPORT
    | AUDIT
    | {
        "policies.add_policyversion",
        "calendars.add_workcalendar",
        "calendars.change_workcalendar",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.add_region",
        "accounts.change_region",
        "accounts.add_servicepoint",
        "accounts.change_servicepoint",
    },
    # Portal users hold no model permission: their selectors scope them to their own customer.
    Role.CUSTOMER: set(),
}

# Returns and exchanges (R1–R4), merged into the roles above. Sales and customer service ask;
# the sales manager, VP and GM decide, each up to their K7 limit (checked by the returns services);
# the warehouse receives (and ships an exchange's replacement), finance books (R3); only the VP
# signs a sales discount certificate (R4).
RETURNS_READ = {"returns.view_returnrequest", "returns.view_discountcertificate"}
RETURNS_REQUEST = RETURNS_READ | {"returns.add_returnrequest"}
RETURNS_APPROVE = RETURNS_READ | {"returns.approve_returnrequest"}
RETURNS_ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.AGENT: RETURNS_REQUEST,
    Role.TEAM_LEAD: RETURNS_REQUEST,
    Role.CS_MANAGER: RETURNS_REQUEST,
    Role.SALES: RETURNS_REQUEST,
    Role.SALES_MANAGER: RETURNS_REQUEST | RETURNS_APPROVE,
    Role.VP: RETURNS_APPROVE | {"returns.add_discountcertificate"},
    Role.GM: RETURNS_APPROVE | {"returns.add_discountcertificate"},  # above the VP's K7 limit
    Role.WAREHOUSE: RETURNS_READ | {"returns.receive_returnrequest"},
    Role.FINANCE: RETURNS_READ | {"returns.book_returnrequest"},
    Role.QUALITY: RETURNS_READ,
    Role.ANALYST: RETURNS_READ,
    Role.ADMIN: RETURNS_READ,
}
for _role, _perms in RETURNS_ROLE_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms

# Knowledge base (T1): every member of staff reads it (the hotline suggests answers, S1); those who
# write manuals, FAQ and diagnosis guides edit it. Portal users do not see it.
KNOWLEDGE_READ = {"knowledge.view_article"}
KNOWLEDGE_EDIT = KNOWLEDGE_READ | {"knowledge.add_article", "knowledge.change_article"}
KNOWLEDGE_EDITORS = {Role.CS_MANAGER, Role.TEAM_LEAD, Role.RND, Role.TRAINER, Role.ADMIN}
for _role in set(Role) - {Role.CUSTOMER}:
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | (
        KNOWLEDGE_EDIT if _role in KNOWLEDGE_EDITORS else KNOWLEDGE_READ
    )

# Complaints (K1–K16), merged into the roles above. Whoever receives a complaint registers it (K2:
# first-responder rule), so every member of staff may add one. Customer service and sales handle
# them; the department head (cs_manager) decides escalated ones; the sales manager, VP and GM
# decide amounts up to their K7 limit (checked by approvals.services).
COMPLAINTS_READ = {"complaints.view_complaint"}
COMPLAINTS_HANDLE = COMPLAINTS_READ | {"complaints.handle_complaint"}
COMPLAINTS_HEAD = COMPLAINTS_HANDLE | {"complaints.head_complaint"}
K7_APPROVALS = {"approvals.view_approval"}
COMPLAINTS_ROLE_PERMISSIONS: dict[str, set[str]] = {
    **{role: {"complaints.add_complaint"} for role in Role if role != Role.CUSTOMER},
}
for _role, _perms in {
    Role.AGENT: COMPLAINTS_HANDLE,
    Role.TEAM_LEAD: COMPLAINTS_HANDLE,
    Role.CS_MANAGER: COMPLAINTS_HEAD,
    Role.SALES: COMPLAINTS_HANDLE,
    Role.SALES_MANAGER: COMPLAINTS_HANDLE | K7_APPROVALS,
    Role.VP: COMPLAINTS_HEAD | K7_APPROVALS,
    Role.GM: COMPLAINTS_READ | K7_APPROVALS,
    Role.QUALITY: COMPLAINTS_READ,
    Role.ANALYST: COMPLAINTS_READ,
    Role.MGMT_REP: COMPLAINTS_READ,
    Role.ADMIN: COMPLAINTS_READ,
}.items():
    COMPLAINTS_ROLE_PERMISSIONS[_role] = COMPLAINTS_ROLE_PERMISSIONS[_role] | _perms
# Complaint follow-up (K8, K12–K15): handlers, finance (K13 receivables) and quality (K14, which it
# verifies) work the follow-up tasks; handlers and quality plan corrective actions; the department head
# prepares and submits the monthly responsibility review, the VP (sanctions) and GM (notices) approve it.
FOLLOWUP_TASKS = {"complaints.view_followuptask", "complaints.change_followuptask"}
CAPA_WORK = {"complaints.add_correctiveaction", "complaints.change_correctiveaction"}
REVIEW_READ = {"complaints.view_responsibilityreview"}
for _role, _perms in {
    Role.AGENT: FOLLOWUP_TASKS | CAPA_WORK,
    Role.TEAM_LEAD: FOLLOWUP_TASKS | CAPA_WORK,
    Role.CS_MANAGER: FOLLOWUP_TASKS | CAPA_WORK | REVIEW_READ | {"complaints.submit_responsibilityreview"},
    Role.SALES: FOLLOWUP_TASKS | CAPA_WORK,
    Role.SALES_MANAGER: FOLLOWUP_TASKS | CAPA_WORK,
    Role.VP: FOLLOWUP_TASKS | CAPA_WORK | REVIEW_READ | {"complaints.approve_responsibilityreview"},
    Role.GM: {"complaints.view_followuptask"} | REVIEW_READ | {"complaints.approve_responsibilityreview"},
    Role.FINANCE: FOLLOWUP_TASKS,
    Role.QUALITY: FOLLOWUP_TASKS | CAPA_WORK | {"complaints.verify_correctiveaction"},
    Role.ANALYST: {"complaints.view_followuptask"},
    Role.MGMT_REP: {"complaints.view_followuptask"} | REVIEW_READ,
    Role.ADMIN: {"complaints.view_followuptask"} | REVIEW_READ,
}.items():
    COMPLAINTS_ROLE_PERMISSIONS[_role] = COMPLAINTS_ROLE_PERMISSIONS[_role] | _perms
for _role, _perms in COMPLAINTS_ROLE_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms

# Statistics, KPIs and dashboards (reports app, Q1–Q7): the information clerk, quality, R&D, the head of
# after-sales, management and the management representative.
STATISTICS_READ = {"reports.view_statistics"}
for _role in (Role.ANALYST, Role.QUALITY, Role.RND, Role.CS_MANAGER, Role.VP, Role.GM, Role.MGMT_REP, Role.ADMIN):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | STATISTICS_READ
# Period reports (Q1, Q2, Q5; docs/decisions/0037): the information clerk and the head draft and submit
# them; the appraisal is read by the head, team leads and management.
for _role in (Role.ANALYST, Role.CS_MANAGER, Role.ADMIN):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"reports.draft_periodreport"}
for _role in (Role.ANALYST, Role.CS_MANAGER, Role.TEAM_LEAD, Role.VP, Role.GM, Role.ADMIN):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"reports.view_appraisal"}
# Q3 early warnings are closed by quality; X5 the risk register is read by the statistics readers and kept by
# the management representative, the head of after-sales and management; Q6 archiving is the administrator's.
for _role in (Role.ANALYST, Role.QUALITY, Role.RND, Role.CS_MANAGER, Role.VP, Role.GM, Role.MGMT_REP, Role.ADMIN):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"reports.view_risk"}
ROLE_PERMISSIONS[Role.QUALITY] = ROLE_PERMISSIONS[Role.QUALITY] | {"reports.close_earlywarning"}
for _role in (Role.MGMT_REP, Role.CS_MANAGER, Role.VP, Role.GM):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"reports.manage_risk"}
ROLE_PERMISSIONS[Role.ADMIN] = ROLE_PERMISSIONS[Role.ADMIN] | {"reports.archive_records"}
# Spare parts (P1–P5), merged into the roles above. The parts keeper keeps the catalogue, the stores
# and the stock (receipts, transfers) and approves count adjustments; the head of after-sales
# approves list prices (like the fee standards, B2); engineers see the catalogue and their van stock
# and ask for a count adjustment when a part they fitted shows out of stock.
PARTS_READ = {"parts.view_part", "parts.view_store", "parts.view_stocklevel"}
PARTS_KEEP = PARTS_READ | {
    "parts.add_part",
    "parts.change_part",
    "parts.add_pricelist",
    "parts.view_pricelist",
    "parts.add_store",
    "parts.change_store",
    "parts.add_stockmove",
    "parts.view_stockmove",
    "parts.add_stockadjustment",
    "parts.view_stockadjustment",
    "parts.approve_stockadjustment",
}
PARTS_ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.PARTS_KEEPER: PARTS_KEEP,
    Role.CS_MANAGER: PARTS_READ | {"parts.view_pricelist", "parts.approve_pricelist", "parts.view_stockmove"},
    Role.ENGINEER: PARTS_READ | {"parts.add_stockadjustment"},
    Role.TEAM_LEAD: PARTS_READ,
    Role.WAREHOUSE: PARTS_READ | {"parts.view_stockmove"},
    Role.FINANCE: PARTS_READ | {"parts.view_pricelist"},
    Role.ANALYST: PARTS_READ,
    Role.ADMIN: PARTS_READ,
}
for _role, _perms in PARTS_ROLE_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms

# Parts flows (P2, P4, P5), merged into the roles above. Engineers and dispatchers ask for parts (a requisition
# for their own van or store) and see their own old-part returns; the parts keepers approve (up to
# P2.keeper_limit_yuan, by the approvals engine), issue and receive, take old parts back and plan; the head of
# after-sales approves larger requisitions and the demand plan; logistics (warehouse) buys what was approved.
PARTS_FLOW_ASK = {"parts.view_requisition", "parts.add_requisition", "parts.view_partreturn"}
PARTS_FLOW_PLAN = {
    "parts.view_purchaserequest",
    "parts.plan_purchaserequest",
    "parts.view_stockplan",
    "parts.change_stockplan",
    "parts.view_reorderalert",
}
PARTS_FLOW_ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.ENGINEER: PARTS_FLOW_ASK,
    Role.TEAM_LEAD: PARTS_FLOW_ASK,
    Role.PARTS_KEEPER: PARTS_FLOW_ASK
    | PARTS_FLOW_PLAN
    | {
        "parts.approve_requisition",
        "parts.issue_requisition",
        "parts.receive_partreturn",
        "approvals.view_approval",
    },
    Role.CS_MANAGER: PARTS_FLOW_ASK | PARTS_FLOW_PLAN | {"parts.approve_requisition", "parts.approve_purchaserequest"},
    Role.WAREHOUSE: {"parts.view_purchaserequest"},
    Role.ADMIN: {"parts.view_requisition", "parts.view_partreturn", "parts.view_purchaserequest"},
}
for _role, _perms in PARTS_FLOW_ROLE_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms

# Approvals (approvals app): whoever decides some kind of approval opens the one approvals queue.
DECIDING_PERMS = {
    "service.approve_servicerequest",
    "service.approve_feestandard",
    "customers.approve_customer_access",
    "parts.approve_pricelist",
    "parts.approve_stockadjustment",
}
for _role, _perms in ROLE_PERMISSIONS.items():
    if _perms & DECIDING_PERMS:
        ROLE_PERMISSIONS[_role] = _perms | {"approvals.view_approval"}

# Callbacks, surveys and the satisfaction report (V1–V5, docs/decisions/0030).
SURVEY_WORK = {"surveys.view_campaign", "surveys.add_campaign", "surveys.answer_campaign"}
REPORT_READ = {"surveys.view_analysisreport"}
CALLBACK_WORK = {"callbacks.view_callback", "callbacks.change_callback"}
for _role, _perms in {
    Role.AGENT: CALLBACK_WORK | {"surveys.view_campaign", "surveys.answer_campaign"},
    Role.TEAM_LEAD: CALLBACK_WORK | SURVEY_WORK,
    Role.CS_MANAGER: CALLBACK_WORK | SURVEY_WORK | REPORT_READ | {"callbacks.view_sitecheck"},
    Role.ANALYST: SURVEY_WORK | REPORT_READ | {"callbacks.view_callback"},
    Role.QUALITY: REPORT_READ | {"surveys.view_campaign"},
    Role.MGMT_REP: REPORT_READ | {"surveys.view_campaign"},
    Role.VP: REPORT_READ | {"surveys.view_campaign"},
    Role.GM: REPORT_READ | {"surveys.view_campaign"},
    Role.ENGINEER: {"callbacks.view_sitecheck"},
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms

STAFF_ROLES = frozenset(role for role in Role if role != Role.CUSTOMER)

# Consultation register (C8, docs/decisions/0035): the hotline registers enquiries and calls them back,
# the administrator defines the register's extra fields; analysts and sales read the conversion.
CONSULT_WORK = {
    "consultations.view_consultation",
    "consultations.add_consultation",
    "consultations.change_consultation",
}
CONSULT_FIELDS = {
    "consultations.view_consultationfield",
    "consultations.add_consultationfield",
    "consultations.change_consultationfield",
}
for _role, _perms in {
    Role.AGENT: CONSULT_WORK,
    Role.TEAM_LEAD: CONSULT_WORK,
    Role.CS_MANAGER: CONSULT_WORK,
    Role.SALES: {"consultations.view_consultation"},
    Role.SALES_MANAGER: {"consultations.view_consultation"},
    Role.ANALYST: {"consultations.view_consultation"},
    Role.ADMIN: CONSULT_FIELDS,
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms

# Training (T2, docs/decisions/0035): the training centre plans and records customer trainings and
# assesses staff; the head of after-sales reads them; dispatchers read the certificates.
TRAINING_CUSTOMERS = {
    "training.view_customertraining",
    "training.add_customertraining",
    "training.change_customertraining",
}
TRAINING_STAFF = {"training.view_assessment", "training.add_assessment", "training.view_certificate"}
for _role, _perms in {
    Role.TRAINER: TRAINING_CUSTOMERS | TRAINING_STAFF,
    Role.CS_MANAGER: {"training.view_customertraining", "training.view_assessment", "training.view_certificate"},
    Role.TEAM_LEAD: {"training.view_certificate"},
    Role.ANALYST: {"training.view_customertraining"},
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms

# Visits (C7) and new-customer vetting (C5), docs/decisions/0034. Those who visit customers plan their visits,
# ask for gifts (approved by amount through the approvals engine, C7.gift_limits) and file visit reports;
# the managers see everyone's. Sales and customer service investigate new customers; the decider is a policy
# (C5.decider_role, default the head of after-sales).
VISIT_WORK = {
    "customers.view_visitplan",
    "customers.add_visitplan",
    "customers.view_visitreport",
    "customers.add_visitreport",
    "customers.view_giftrequest",
    "customers.add_giftrequest",
}
VISIT_ALL = {
    "customers.view_all_visits",
    "customers.view_visitplan",
    "customers.view_visitreport",
    "customers.view_giftrequest",
}
VETTING_WORK = {"customers.view_vetting", "customers.add_vetting"}
for _role, _perms in {
    Role.AGENT: VISIT_WORK,
    Role.ENGINEER: VISIT_WORK,
    Role.SALES: VISIT_WORK | VETTING_WORK,
    Role.TEAM_LEAD: VISIT_WORK | VISIT_ALL | VETTING_WORK,
    Role.CS_MANAGER: VISIT_WORK | VISIT_ALL | VETTING_WORK,
    Role.SALES_MANAGER: VISIT_WORK | VISIT_ALL | VETTING_WORK,
    Role.VP: VISIT_ALL | {"customers.view_vetting"},
    Role.GM: VISIT_ALL | {"customers.view_vetting"},
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms
