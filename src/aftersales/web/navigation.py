"""The menu: grouped (work, customers and equipment, administration), each entry shown to the users
holding its permission who use it. `uses` narrows an entry to the roles whose daily work it is (the
administrator included: they get only what administration uses); a page left out of a role's menu
stays reachable from the page it belongs to, from the home queues or by its address, with the same
permissions. What each role's menu holds and why: docs/decisions/0026."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aftersales.core.access import Actor

WORK = "work"
CUSTOMERS = "customers"
ADMIN = "admin"
GROUP_LABELS: dict[str, Promise] = {
    WORK: _("Work"),
    CUSTOMERS: _("Customers and equipment"),
    ADMIN: _("Administration"),
}

HOTLINE = frozenset({"agent", "team_lead"})  # take the calls and register the requests
FRONT_DESK = HOTLINE | {"cs_manager"}
DIRECTORS = frozenset({"vp", "gm"})


@dataclass(frozen=True)
class NavItem:
    label: Promise
    url_name: str
    icon: str
    perm: str = ""
    roles: frozenset[str] = frozenset()
    any_perm: tuple[str, ...] = ()  # shown to holders of any of these
    group: str = WORK
    uses: frozenset[str] = frozenset()  # in the menu of these roles only

    def visible_to(self, actor: Actor) -> bool:
        if self.uses and not actor.has_role(*self.uses):
            return False
        if self.any_perm:
            return any(actor.has_perm(perm) for perm in self.any_perm)
        if self.roles:
            return actor.has_role(*self.roles)
        return actor.has_perm(self.perm) if self.perm else actor.is_authenticated


STAFF_MENU = [
    # Work: the queues and records of the day.
    NavItem(_("Hotline lookup"), "customers:lookup", "telephone", perm="customers.view_customer", uses=HOTLINE),
    NavItem(
        _("Service intake"), "service:request_create", "journal-plus", perm="service.add_servicerequest", uses=HOTLINE
    ),  # the manager registers from the request list's button
    NavItem(
        _("Customer training"),
        "training:customer_list",
        "easel",
        perm="training.view_customertraining",
        uses=frozenset({"trainer"}),  # T2: the training centre plans and records them
    ),
    NavItem(
        _("Staff assessments"),
        "training:assessments",
        "award",
        perm="training.view_assessment",
        uses=frozenset({"trainer"}),  # T2: theory, practice, simulated customer; certificates linked there
    ),
    NavItem(
        _("Consultation register"),
        "consultations:list",
        "chat-left-dots",
        perm="consultations.view_consultation",
        uses=HOTLINE,  # C8: the hotline registers enquiries; others reach it from the home queue or its address
    ),
    NavItem(
        _("Service requests"),
        "service:request_list",
        "card-list",
        perm="service.view_servicerequest",
        uses=FRONT_DESK | DIRECTORS | {"analyst", "quality", "finance", "warehouse"},  # an engineer: My jobs
    ),
    NavItem(_("Dispatch board"), "service:board", "kanban", perm="service.dispatch_servicerequest"),
    NavItem(_("My jobs"), "service:engineer_jobs", "phone", perm="service.work_servicerequest"),
    NavItem(_("Depot register"), "service:depot_register", "tools", perm="service.depot_servicerequest"),
    NavItem(
        _("Repair order hand-ins"),
        "service:handins",
        "inboxes",
        any_perm=("service.dispatch_servicerequest", "service.work_servicerequest"),  # S14: engineers hand in
        uses=frozenset({"team_lead", "engineer"}),  # the manager: linked from the request list
    ),
    NavItem(
        _("Outstanding fees"),
        "service:fees_outstanding",
        "cash-stack",
        perm="service.charge_servicerequest",
        uses=frozenset({"finance"}),  # B1: finance invoices and confirms; a request's fee is on its page
    ),
    NavItem(
        _("Complaints"),
        "complaints:complaint_list",
        "megaphone",
        perm="complaints.view_complaint",
        uses=FRONT_DESK | DIRECTORS | {"analyst", "quality", "sales", "sales_manager", "mgmt_rep"},
    ),
    NavItem(_("Approvals"), "approvals:approval_queue", "check2-square", perm="approvals.view_approval"),
    NavItem(
        _("Follow-up tasks"),
        "complaints:task_list",
        "list-check",
        perm="complaints.view_followuptask",
        # K15 callbacks and K14 actions; the others who work tasks have the home queue "Callbacks and
        # follow-up tasks", which links here
        uses=frozenset({"agent", "quality"}),
    ),
    NavItem(
        _("Callbacks"),
        "callbacks:queue",
        "telephone-outbound",
        perm="callbacks.view_callback",
        uses=frozenset({"agent", "analyst"}),  # V2: who calls; the head reads the results
    ),  # V1, V2; team leads reach it from their home queue tile
    NavItem(
        _("Site checks"),
        "callbacks:site_checks",
        "geo-alt",
        perm="callbacks.view_sitecheck",
        uses=frozenset({"engineer"}),
    ),  # V1: the engineer's visit tasks
    NavItem(
        _("Satisfaction surveys"),
        "surveys:list",
        "ui-checks",
        perm="surveys.view_campaign",
        uses=frozenset({"analyst", "quality", "mgmt_rep", "vp", "gm"}),
    ),  # V4: agents type paper forms in from the survey's page, not from their menu
    NavItem(
        _("Satisfaction reports"),
        "surveys:reports",
        "graph-up",
        perm="surveys.view_analysisreport",
        uses=frozenset({"analyst", "quality", "mgmt_rep"}),  # V5 goes to the management representative and quality
    ),
    NavItem(
        _("Engineer ratings"),
        "surveys:ratings",
        "star-half",
        perm="followup.view_servicerating",
        uses=frozenset({"analyst", "quality", "vp", "gm"}),
    ),  # V3 monthly appraisal
    NavItem(
        _("Responsibility review"),
        "complaints:review_list",
        "clipboard-check",
        perm="complaints.view_responsibilityreview",
        uses=frozenset({"cs_manager", "vp", "gm", "mgmt_rep"}),  # K8 monthly review
    ),
    NavItem(
        _("Returns"),
        "returns:return_list",
        "arrow-return-left",
        perm="returns.view_returnrequest",
        # R1–R4: sales asks, the warehouse receives, finance books; approvers use the approvals queue
        uses=frozenset({"sales", "sales_manager", "warehouse", "finance", "quality"}),
    ),
    NavItem(
        _("Knowledge base"),
        "knowledge:article_list",
        "book",
        perm="knowledge.view_article",
        uses=HOTLINE | {"engineer", "parts_keeper", "rnd", "trainer"},  # T1: who answers and who writes
    ),
    # Statistics, KPIs and the dashboards (reports app, issue 16): the dashboard for those who steer,
    # the tables for those who analyse; the others reach them from the dashboard.
    NavItem(
        _("Dashboard"),
        "reports:dashboard",
        "speedometer2",
        perm="reports.view_statistics",
        uses=frozenset({"analyst", "quality", "cs_manager", "vp", "gm", "mgmt_rep"}),
    ),
    NavItem(
        _("Statistics"),
        "reports:statistics",
        "bar-chart",
        perm="reports.view_statistics",
        uses=frozenset({"analyst", "quality", "rnd", "mgmt_rep"}),
    ),
    NavItem(
        _("KPIs"),
        "reports:kpis",
        "graph-up",
        perm="reports.view_statistics",
        uses=frozenset({"analyst", "quality", "mgmt_rep"}),
    ),
    # Q1 统计分析表, Q2 weekly report, Q5 staff appraisal (docs/decisions/0037): drafted, approved, distributed.
    NavItem(
        _("Period reports"),
        "reports:period_report_index",
        "file-earmark-bar-graph",
        any_perm=("reports.view_statistics", "reports.view_appraisal", "reports.view_analysistable"),
        # the head: from the dashboard and approvals; manufacturing: the approved 统计分析表 (0040)
        uses=frozenset({"analyst", "quality", "mgmt_rep", "manufacturing"}),
    ),
    # Q3 early warnings, Q7 registers, X5 risk register, Q6 retention (docs/decisions/0038).
    NavItem(
        _("Early warnings"),
        "reports:warnings",
        "exclamation-triangle",
        perm="reports.view_statistics",
        uses=frozenset({"quality", "mgmt_rep"}),
    ),
    NavItem(
        _("Registers"),
        "reports:registers",
        "journal-text",
        perm="reports.view_statistics",
        uses=frozenset({"analyst"}),
    ),
    NavItem(
        _("Risk register"),
        "reports:risks",
        "grid-3x3",
        perm="reports.view_risk",
        uses=frozenset({"mgmt_rep", "vp", "gm"}),
    ),
    NavItem(
        _("Records past their keep time"),
        "reports:retention",
        "archive",
        perm="reports.archive_records",
        group=ADMIN,
    ),
    # Spare parts (P1, P3): the keeper's catalogue, stock, stores, ledger and counts; the engineer's van.
    NavItem(_("My van stock"), "parts:van_stock", "truck", perm="parts.view_stocklevel", uses=frozenset({"engineer"})),
    NavItem(
        _("Parts catalogue"),
        "parts:catalogue",
        "gear-wide-connected",
        perm="parts.view_part",
        uses=frozenset({"parts_keeper", "warehouse"}),  # engineers pick parts on the job
    ),
    NavItem(
        _("Stock"),
        "parts:stock",
        "boxes",
        perm="parts.view_stocklevel",
        uses=frozenset({"parts_keeper", "warehouse"}),
    ),
    NavItem(_("Stores"), "parts:stores", "building", perm="parts.view_store", uses=frozenset({"parts_keeper"})),
    NavItem(
        _("Stock ledger"), "parts:moves", "journal-text", perm="parts.view_stockmove", uses=frozenset({"parts_keeper"})
    ),
    NavItem(
        _("Count adjustments"),
        "parts:adjustments",
        "clipboard-check",
        perm="parts.add_stockadjustment",
        uses=frozenset({"parts_keeper"}),
    ),
    NavItem(
        _("Parts list prices"),
        "parts:price_lists",
        "tag",
        perm="parts.view_pricelist",
        uses=frozenset({"parts_keeper"}),  # the head decides in the approvals queue
    ),
    # Parts flows (P2, P4, P5): requisitions, old parts owed back, the demand plan and purchase requests.
    NavItem(
        _("Requisitions"),
        "parts_flow:requisition_list",
        "clipboard-check",
        perm="parts.view_requisition",
        uses=frozenset(
            {"parts_keeper"}
        ),  # the head decides in the approvals queue  # engineers: from their home queue (short phone menu)
    ),
    NavItem(
        _("Old parts to return"),
        "parts_flow:part_return_list",
        "arrow-counterclockwise",
        perm="parts.view_partreturn",
        uses=frozenset({"parts_keeper"}),  # the head decides in the approvals queue
    ),
    NavItem(
        _("Demand plan"),
        "parts_flow:demand_plan",
        "calculator",
        perm="parts.plan_purchaserequest",
        uses=frozenset({"parts_keeper"}),  # the head decides in the approvals queue
    ),
    NavItem(
        _("Purchase requests"),
        "parts_flow:purchase_request_list",
        "cart",
        perm="parts.view_purchaserequest",
        uses=frozenset(
            {"parts_keeper"}
        ),  # the head decides in the approvals queue  # logistics: from its home queue "parts to purchase"
    ),
    # Customers and equipment: open to all staff, in the menu of those who keep or use the files.
    NavItem(
        _("Customers"),
        "customers:list",
        "people",
        perm="customers.view_customer",
        group=CUSTOMERS,
        uses=FRONT_DESK | DIRECTORS | {"sales", "sales_manager", "analyst", "quality", "admin"},
    ),
    NavItem(
        _("Access requests"),
        "customers:access_requests",
        "shield-lock",
        perm="customers.view_customer",
        group=CUSTOMERS,
        # C3: who asks for access to a confidential file; the deciders use the approvals queue
        uses=HOTLINE | {"sales", "sales_manager"},
    ),
    NavItem(
        _("Customer visits"),
        "customers:visit_list",
        "geo-alt",
        perm="customers.view_visitreport",
        group=CUSTOMERS,
        # C7: sales visits its accounts; others who visit reach plans and the report form from the home queue
        uses=frozenset({"sales", "sales_manager"}),
    ),
    NavItem(
        _("New-customer vetting"),
        "customers:vetting_list",
        "clipboard-check",
        perm="customers.view_vetting",
        group=CUSTOMERS,
        uses=frozenset({"sales", "sales_manager"}),  # C5: the decider is notified and opens the vetting
    ),
    NavItem(
        _("Units"),
        "installed_base:unit_list",
        "cpu",
        perm="installed_base.view_unit",
        group=CUSTOMERS,
        uses=FRONT_DESK | {"engineer", "sales", "sales_manager", "parts_keeper", "rnd", "quality", "warehouse"},
    ),
    NavItem(
        _("Products"),
        "installed_base:product_list",
        "box-seam",
        perm="installed_base.view_product",
        group=CUSTOMERS,
        uses=frozenset({"parts_keeper", "rnd", "trainer", "quality"}),  # a request shows its unit's product
    ),
    NavItem(
        _("Contracts"),
        "installed_base:contract_list",
        "file-earmark-text",
        perm="installed_base.view_servicecontract",
        group=CUSTOMERS,
        uses=frozenset({"sales", "sales_manager", "finance"}),  # S4: a request shows the contract that covers it
    ),
    NavItem(
        _("Substitute equipment"),
        "installed_base:loan_list",
        "arrow-left-right",
        perm="installed_base.view_substituteloan",
        group=CUSTOMERS,
        uses=HOTLINE | {"warehouse"},  # S10: a request shows its loan
    ),
    NavItem(
        _("Import"),
        "customers:import",
        "upload",
        perm="customers.import_customer",
        group=CUSTOMERS,
        uses=frozenset({"admin"}),  # the manager: the button on the customer list
    ),
    # Administration: reference data, rules and the audit trail.
    NavItem(
        _("Fee standards"),
        "service:fee_standards",
        "cash-coin",
        perm="service.view_feestandard",
        group=ADMIN,
        uses=frozenset({"cs_manager", "finance"}),  # B2: finance drafts, the manager approves
    ),
    NavItem(
        _("Fault codes"),
        "service:fault_codes",
        "tags",
        perm="service.view_faultcode",
        group=ADMIN,
        uses=frozenset({"cs_manager"}),  # the team lead may edit them too, by link from the intake page
    ),
    NavItem(
        _("Policies"),
        "policies:list",
        "sliders",
        perm="policies.view_policyversion",
        group=ADMIN,
        uses=frozenset({"cs_manager", "vp", "gm", "mgmt_rep", "admin"}),
    ),
    NavItem(
        _("Calendars"),
        "calendars:list",
        "calendar3",
        perm="calendars.view_workcalendar",
        group=ADMIN,
        uses=frozenset({"cs_manager", "admin"}),
    ),
    NavItem(_("Audit log"), "web:audit", "journal-check", perm="core.view_event", group=ADMIN),
    NavItem(_("Users"), "accounts:user_list", "person-gear", perm="accounts.view_user", group=ADMIN),
    NavItem(
        _("Consultation fields"),
        "consultations:fields",
        "input-cursor-text",
        perm="consultations.change_consultationfield",
        group=ADMIN,
        uses=frozenset({"admin"}),  # C8: the extra fields of the register
    ),
]
PORTAL_MENU = [
    NavItem(_("My equipment"), "portal:home", "cpu", roles=frozenset({"customer"})),
    NavItem(_("My service requests"), "portal:request_list", "tools", roles=frozenset({"customer"})),
    NavItem(_("Report a fault"), "portal:request_create", "plus-circle", roles=frozenset({"customer"})),
    NavItem(_("My complaints"), "portal:complaint_list", "megaphone", roles=frozenset({"customer"})),
]


def menu_for(actor: Actor) -> list[dict[str, str]]:
    items = PORTAL_MENU if actor.has_role("customer") else STAFF_MENU
    out = []
    for item in items:
        if not item.visible_to(actor):
            continue
        try:
            url = reverse(item.url_name)
        except Exception:  # noqa: BLE001, S112 — an app that is not installed has no menu entry
            continue
        out.append(
            {"label": str(item.label), "url": url, "icon": item.icon, "name": item.url_name, "group": item.group}
        )
    return out


def menu_groups_for(actor: Actor) -> list[dict[str, Any]]:
    """The menu in its groups, in order, empty groups left out: [{"key", "label", "items"}]."""
    items = menu_for(actor)
    groups: list[dict[str, Any]] = []
    for key, label in GROUP_LABELS.items():
        members = [item for item in items if item["group"] == key]
        if members:
            groups.append({"key": key, "label": str(label), "items": members})
    return groups
