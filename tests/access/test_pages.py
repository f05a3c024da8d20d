"""Every page of the menus × every role and an anonymous visitor (habit 13, pages).

One declaration per page: the roles that open it, written out from SPEC.md's roles (never read from
accounts/permissions.py). An anonymous visitor is sent to the sign-in page, a role not declared gets
403 or 404 and none of the page, a declared role gets 200. Each role's menu must offer exactly the
pages declared for it, so a menu entry without a declaration fails too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from aftersales.accounts.choices import Role
from aftersales.accounts.selectors import actor_for
from aftersales.web.navigation import menu_for
from tests.access.test_matrix import (
    ANON,
    COMPLAINT_VIEWERS,
    EVERYONE,
    RETURN_VIEWERS,
    ROLES,
    SERVICE_VIEWERS,
    STAFF,
    roles,
)
from tests.installed_base.factories import CustomerFactory

PARTS_READERS = roles("parts_keeper cs_manager engineer team_lead warehouse finance analyst admin")


@dataclass(frozen=True)
class Page:
    url_name: str
    allowed: frozenset[str]


PAGES = [
    Page("customers:lookup", STAFF),
    Page("service:request_create", roles("agent team_lead cs_manager")),
    Page("service:request_list", SERVICE_VIEWERS | roles("engineer")),  # an engineer sees their own jobs
    Page("service:board", roles("team_lead cs_manager")),
    Page("service:engineer_jobs", roles("engineer")),
    Page("service:depot_register", roles("engineer warehouse")),
    Page("service:handins", roles("team_lead cs_manager engineer")),  # S14: the repair points hand in
    Page("service:fee_standards", roles("cs_manager finance")),  # B2: approved by the service-centre manager
    Page("service:fees_outstanding", roles("cs_manager finance")),  # B1: fees to invoice or confirm
    Page("service:fault_codes", roles("team_lead cs_manager")),  # the managed symptom and cause codes
    Page("complaints:complaint_list", COMPLAINT_VIEWERS),
    Page("consultations:list", roles("agent team_lead cs_manager analyst sales sales_manager")),  # C8
    Page("consultations:fields", roles("admin")),  # C8: the register's extra fields
    Page("training:customer_list", roles("trainer cs_manager analyst")),  # T2 customer trainings
    Page("training:assessments", roles("trainer cs_manager")),  # T2 staff assessments
    # One queue for every approval: K7 amounts, S8/S9 trips and support, B2 fee standards, C3 access.
    # P1: the parts keeper approves count adjustments there, the head of after-sales list prices.
    Page("approvals:approval_queue", roles("team_lead cs_manager sales_manager vp gm parts_keeper")),
    Page(
        "complaints:task_list",
        roles("agent team_lead cs_manager analyst quality sales sales_manager finance vp gm mgmt_rep admin"),
    ),
    Page("complaints:review_list", roles("cs_manager vp gm mgmt_rep admin")),  # K8
    Page("returns:return_list", RETURN_VIEWERS),
    Page("callbacks:queue", roles("agent team_lead cs_manager analyst")),  # V2
    Page("callbacks:site_checks", roles("cs_manager engineer")),  # V1
    Page("surveys:list", roles("agent team_lead cs_manager analyst quality mgmt_rep vp gm")),  # V4
    Page("surveys:reports", roles("cs_manager analyst quality mgmt_rep vp gm")),  # V5
    Page("surveys:ratings", roles("team_lead cs_manager analyst quality vp gm")),  # V3 monthly appraisal
    Page("knowledge:article_list", STAFF),
    Page("reports:dashboard", roles("analyst quality rnd cs_manager vp gm mgmt_rep admin")),  # issue 16
    Page("reports:statistics", roles("analyst quality rnd cs_manager vp gm mgmt_rep admin")),  # Q1
    Page("reports:kpis", roles("analyst quality rnd cs_manager vp gm mgmt_rep admin")),  # Q4
    Page(
        "reports:period_report_index",
        roles("analyst quality rnd cs_manager vp gm mgmt_rep admin team_lead manufacturing"),
    ),  # Q1 Q2 Q5
    Page("reports:warnings", roles("analyst quality rnd cs_manager vp gm mgmt_rep admin")),  # Q3
    Page("reports:registers", roles("analyst quality rnd cs_manager vp gm mgmt_rep admin")),  # Q7
    Page("reports:risks", roles("analyst quality rnd cs_manager vp gm mgmt_rep admin")),  # X5
    Page("reports:retention", roles("admin")),  # Q6
    # Spare parts (P1, P3)
    Page("parts:van_stock", PARTS_READERS),  # the engineer's van (others: "no van stock")
    Page("parts:catalogue", PARTS_READERS),
    Page("parts:stock", PARTS_READERS),
    Page("parts:stores", PARTS_READERS),
    Page("parts:moves", roles("parts_keeper cs_manager warehouse")),  # the ledger
    Page("parts:adjustments", roles("parts_keeper engineer")),  # counts: engineers ask, the keeper approves
    Page("parts:price_lists", roles("parts_keeper cs_manager finance")),  # approved by the head of after-sales
    # Parts flows (P2, P4, P5): engineers and dispatchers ask; the keeper approves, issues, takes old parts
    # back and plans; the head of after-sales approves the plan; logistics buys.
    Page("parts_flow:requisition_list", roles("parts_keeper cs_manager engineer team_lead admin")),
    Page("parts_flow:part_return_list", roles("parts_keeper cs_manager engineer team_lead admin")),
    Page("parts_flow:demand_plan", roles("parts_keeper cs_manager")),
    Page("parts_flow:purchase_request_list", roles("parts_keeper cs_manager warehouse admin")),
    Page("customers:list", STAFF),
    Page("customers:access_requests", STAFF),
    Page("installed_base:unit_list", STAFF),
    Page("installed_base:product_list", STAFF),
    Page("installed_base:contract_list", STAFF),
    Page("installed_base:loan_list", STAFF),
    Page("customers:import", roles("cs_manager admin")),
    Page("policies:list", STAFF),
    Page("calendars:list", STAFF),
    Page("web:audit", roles("cs_manager vp gm mgmt_rep admin")),  # X3
    Page("accounts:user_list", roles("admin")),  # user administration
    Page("portal:home", roles("customer")),
    Page("portal:request_list", roles("customer")),
    Page("portal:request_create", roles("customer")),
    Page("portal:complaint_list", roles("customer")),
    # C7 visits and C5 vetting (decision 0034): those who visit and the managers; sales investigates new customers
    Page("customers:visit_list", roles("agent engineer sales team_lead cs_manager sales_manager vp gm")),
    Page("customers:vetting_list", roles("sales team_lead cs_manager sales_manager vp gm")),
]
# Pages outside the menus (reached from the top bar): same matrix, no menu entry.
OFF_MENU_PAGES = [
    Page("web:search", STAFF),  # the global search box (issue 13)
    Page("service:fees_outstanding_export", roles("cs_manager finance")),  # the fees list as Excel (B1)
    Page("web:job_list", STAFF),  # my background jobs (imports, large exports), from the user menu
    Page("reports:requests", roles("analyst quality rnd cs_manager vp gm mgmt_rep admin")),  # behind a chart bar
    # C7: reached from the home queue "visits due" and the visit list
    Page("customers:visit_plans", roles("agent engineer sales team_lead cs_manager sales_manager vp gm")),
    Page("customers:visit_new", roles("agent engineer sales team_lead cs_manager sales_manager")),
    Page("customers:gift_list", roles("agent engineer sales team_lead cs_manager sales_manager vp gm")),
    Page("customers:vetting_new", roles("sales team_lead cs_manager sales_manager")),
]
CASES = [(page, role) for page in PAGES + OFF_MENU_PAGES for role in ROLES]

# Pages reached from a menu page (not menu entries themselves), with their URL arguments.
SUB_PAGES = [
    (Page("policies:edit", roles("admin")), {"key": "K5.close"}),  # issue 13.6: the policy editor
    (Page("policies:history", STAFF), {"key": "K7.limits"}),
    (Page("callbacks:list", roles("agent team_lead cs_manager analyst")), {}),  # every callback, from the queue
    (
        Page("surveys:form_pdf", roles("agent team_lead cs_manager analyst quality mgmt_rep vp gm")),
        {},
    ),  # a policy's changes, old → new
    (Page("surveys:new", roles("team_lead cs_manager analyst")), {}),  # V4: a new survey, from the survey list
]
SUB_CASES = [(page, kwargs, role) for page, kwargs in SUB_PAGES for role in ROLES]


def _client(role: str, make_user: Any) -> Client:
    client = Client()
    if role == Role.CUSTOMER:
        client.force_login(make_user(role, customer_id=CustomerFactory().pk))
    elif role != ANON:
        client.force_login(make_user(role))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "role"), CASES, ids=[f"{p.url_name}-{r}" for p, r in CASES])
def test_page_matrix(page: Page, role: str, make_user: Any) -> None:
    url = reverse(page.url_name)
    response = _client(role, make_user).get(url)
    if role == ANON:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse(settings.LOGIN_URL)}?next={url}"
    elif role in page.allowed:
        assert response.status_code == 200
    else:
        assert response.status_code in (403, 404)
        assert f'href="{url}"' not in response.content.decode()  # the menu does not offer it either


# Pages a role may open but does not use day to day: left out of its menu (issue 13, point 11;
# docs/decisions/0026), still reachable from the page they belong to, a home queue, or by address.
# Written out here, so a menu that drops or adds an entry fails.
LOOKUP = {"customers:lookup"}  # the hotline's; everyone else has the top bar's search box
CUSTOMER_FILES = {"customers:list"}
ACCESS = {"customers:access_requests"}  # C3: who asks; deciders use the approvals queue
EQUIPMENT = {"installed_base:unit_list"}
CATALOGUE = {"installed_base:product_list", "installed_base:contract_list"}  # shown on the request
LOANS = {"installed_base:loan_list"}  # S10: shown on the request
RULES = {"policies:list", "calendars:list"}
TASKS = {"complaints:task_list"}  # the home queue "Callbacks and follow-up tasks" links to it
RETURNS = {"returns:return_list"}  # sales asks, warehouse receives, finance books; approvers: approvals
KNOWLEDGE = {"knowledge:article_list"}  # the hotline, engineers and its writers
PARTS = {"parts:van_stock", "parts:catalogue", "parts:stock", "parts:stores"}
# Requisitions and old parts: engineers and dispatchers reach them from their home queues.
PARTS_FLOW_ASK = {"parts_flow:requisition_list", "parts_flow:part_return_list"}
# Statistics and KPIs: the head of after-sales and management reach them from their dashboard.
FIGURES = {"reports:statistics", "reports:kpis"}
# Period reports (Q1, Q2, Q5): the head and management from the dashboard, R&D and team leads from the
# notification that a report is approved.
PERIODIC = {"reports:period_report_index"}
# The head of after-sales decides parts (prices, large requisitions, the demand plan) in the approvals queue
# and reads the customer loop on the dashboard; the pages stay reachable from there.
HEAD_PARTS = {"parts:catalogue", "parts:stock", "parts:price_lists"} | {
    "parts_flow:requisition_list",
    "parts_flow:part_return_list",
    "parts_flow:demand_plan",
    "parts_flow:purchase_request_list",
}
CONSULTATIONS = {"consultations:list"}  # C8: the hotline's register; the others read it by address
TRAINING = {"training:customer_list", "training:assessments"}  # T2: the training centre's; read by address
HEAD_LOOP = {"callbacks:queue", "callbacks:site_checks", "surveys:list", "surveys:reports", "surveys:ratings"}
NOT_IN_MENU: dict[str, set[str]] = {
    "agent": CATALOGUE | RULES | RETURNS | {"surveys:list"},
    "team_lead": CATALOGUE
    | RULES
    | RETURNS
    | TASKS
    | {"service:fault_codes", "surveys:list", "surveys:ratings", "callbacks:queue"}
    | PARTS
    | PARTS_FLOW_ASK
    | PERIODIC,  # codes: linked from intake
    # the manager registers from the request list's button, hand-ins are linked from the request list,
    # the import from the customer list, outstanding fees are finance's (a request's fee is on its page)
    "cs_manager": LOOKUP
    | ACCESS
    | CATALOGUE
    | LOANS
    | TASKS
    | RETURNS
    | KNOWLEDGE
    | {"service:request_create", "service:handins", "customers:import", "service:fees_outstanding"}
    | {"parts:van_stock", "parts:stores", "parts:moves"}
    | FIGURES
    | HEAD_PARTS
    | HEAD_LOOP
    | CONSULTATIONS
    | TRAINING
    | PERIODIC,
    "engineer": LOOKUP
    | CUSTOMER_FILES
    | ACCESS
    | CATALOGUE
    | LOANS
    | RULES
    | {"service:request_list"}
    | {"parts:catalogue", "parts:stock", "parts:stores", "parts:adjustments"}
    | PARTS_FLOW_ASK,  # My jobs
    "parts_keeper": LOOKUP
    | CUSTOMER_FILES
    | ACCESS
    | {"installed_base:contract_list"}
    | LOANS
    | RULES
    | {"parts:van_stock"},
    "analyst": LOOKUP
    | ACCESS
    | EQUIPMENT
    | CATALOGUE
    | LOANS
    | RULES
    | TASKS
    | RETURNS
    | KNOWLEDGE
    | PARTS
    | CONSULTATIONS
    | {"training:customer_list"},
    "quality": LOOKUP | ACCESS | {"installed_base:contract_list"} | LOANS | RULES | KNOWLEDGE,
    "sales": LOOKUP | {"installed_base:product_list"} | LOANS | RULES | TASKS | KNOWLEDGE | CONSULTATIONS,
    "sales_manager": LOOKUP | {"installed_base:product_list"} | LOANS | RULES | TASKS | KNOWLEDGE | CONSULTATIONS,
    "rnd": LOOKUP
    | CUSTOMER_FILES
    | ACCESS
    | {"installed_base:contract_list"}
    | LOANS
    | RULES
    | {"reports:kpis", "reports:dashboard"}
    | PERIODIC,
    "finance": LOOKUP
    | CUSTOMER_FILES
    | ACCESS
    | EQUIPMENT
    | {"installed_base:product_list"}
    | LOANS
    | RULES
    | TASKS
    | KNOWLEDGE
    | PARTS
    | {"parts:price_lists"},
    "warehouse": LOOKUP
    | CUSTOMER_FILES
    | ACCESS
    | CATALOGUE
    | RULES
    | KNOWLEDGE
    | {"parts:van_stock", "parts:stores", "parts:moves", "parts_flow:purchase_request_list"},
    "vp": LOOKUP
    | ACCESS
    | EQUIPMENT
    | CATALOGUE
    | LOANS
    | {"calendars:list"}
    | TASKS
    | RETURNS
    | KNOWLEDGE
    | FIGURES
    | {"surveys:reports"}
    | PERIODIC,
    "gm": LOOKUP
    | ACCESS
    | EQUIPMENT
    | CATALOGUE
    | LOANS
    | {"calendars:list"}
    | TASKS
    | RETURNS
    | KNOWLEDGE
    | FIGURES
    | {"surveys:reports"}
    | PERIODIC,
    "mgmt_rep": LOOKUP
    | CUSTOMER_FILES
    | ACCESS
    | EQUIPMENT
    | CATALOGUE
    | LOANS
    | {"calendars:list"}
    | TASKS
    | KNOWLEDGE,
    "trainer": LOOKUP | CUSTOMER_FILES | ACCESS | EQUIPMENT | {"installed_base:contract_list"} | LOANS | RULES,
    # 制造本部 (docs/decisions/0040): only the approved 统计分析表 in its menu; the staff look-ups by address
    "manufacturing": LOOKUP
    | CUSTOMER_FILES
    | ACCESS
    | EQUIPMENT
    | {"installed_base:contract_list", "installed_base:product_list"}
    | LOANS
    | RULES
    | KNOWLEDGE,
    # administration only: users, rules, calendars, audit, the customer files and their import
    "admin": LOOKUP
    | ACCESS
    | EQUIPMENT
    | CATALOGUE
    | LOANS
    | TASKS
    | RETURNS
    | KNOWLEDGE
    | {"service:request_list", "complaints:complaint_list", "complaints:review_list"}
    | PARTS
    | {"parts_flow:requisition_list", "parts_flow:part_return_list", "parts_flow:purchase_request_list"}
    | FIGURES
    | {"reports:dashboard"}
    | PERIODIC,
    "customer": set(),
}
# Q3 early warnings (quality, management representative), Q7 registers (the information clerk), X5 risk
# register (management): in the menus of those who work them; the other readers open them by address.
for _role, _pages in {
    "analyst": {"reports:warnings", "reports:risks"},
    "quality": {"reports:registers", "reports:risks"},
    "rnd": {"reports:warnings", "reports:registers", "reports:risks"},
    "cs_manager": {"reports:warnings", "reports:registers", "reports:risks"},
    "vp": {"reports:warnings", "reports:registers"},
    "gm": {"reports:warnings", "reports:registers"},
    "mgmt_rep": {"reports:registers"},
    "admin": {"reports:warnings", "reports:registers", "reports:risks"},
}.items():
    NOT_IN_MENU[_role] = NOT_IN_MENU[_role] | _pages
# C7 visits: only sales has them in its menu; the others who visit or read them use the home queue and the list.
for _role in ("agent", "engineer", "team_lead", "cs_manager", "vp", "gm"):
    NOT_IN_MENU[_role] = NOT_IN_MENU[_role] | {"customers:visit_list"}
for _role in ("team_lead", "cs_manager", "vp", "gm"):  # C5: the decider is notified
    NOT_IN_MENU[_role] = NOT_IN_MENU[_role] | {"customers:vetting_list"}


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "kwargs", "role"), SUB_CASES, ids=[f"{p.url_name}-{r}" for p, _k, r in SUB_CASES])
def test_sub_page_matrix(page: Page, kwargs: dict[str, str], role: str, make_user: Any) -> None:
    url = reverse(page.url_name, kwargs=kwargs)
    response = _client(role, make_user).get(url)
    if role == ANON:
        assert response.status_code == 302
    elif role in page.allowed:
        assert response.status_code == 200
    else:
        assert response.status_code in (403, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_each_menu_offers_exactly_the_declared_pages(role: str, make_user: Any) -> None:
    user = make_user(role, customer_id=CustomerFactory().pk) if role == Role.CUSTOMER else make_user(role)
    offered = [item["name"] for item in menu_for(actor_for(user))]
    declared = [page.url_name for page in PAGES if role in page.allowed]
    assert len(offered) == len(set(offered))
    assert set(offered) == set(declared) - NOT_IN_MENU[role]


def test_page_declarations_name_known_roles_once() -> None:
    assert all(page.allowed <= EVERYONE and page.allowed for page in PAGES)
    assert len({page.url_name for page in PAGES}) == len(PAGES)


# Pages outside the menus that htmx polls (issue 13, point 3): every signed-in user may ask for them
# (their content is the user's own: the bell's unread count, the home page's queues, none for a
# portal user); an anonymous visitor is sent to the sign-in page.
POLLED = [Page("web:home_queues", EVERYONE), Page("notifications:bell", EVERYONE)]
POLLED_CASES = [(page, role) for page in POLLED for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "role"), POLLED_CASES, ids=[f"{p.url_name}-{r}" for p, r in POLLED_CASES])
def test_polled_page_matrix(page: Page, role: str, make_user: Any) -> None:
    url = reverse(page.url_name)
    response = _client(role, make_user).get(url)
    if role == ANON:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse(settings.LOGIN_URL)}?next={url}"
    else:
        assert response.status_code == 200
        assert "<nav" not in response.content.decode()  # the fragment alone, never a whole page
