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
    Role.FINANCE: STAFF_READ | EXPORT | SERVICE_READ | CHARGE | {"service.view_feestandard"},
    Role.WAREHOUSE: STAFF_READ | SERVICE_READ | {"service.depot_servicerequest"},
    Role.VP: STAFF_READ | EXPORT | APPROVE_ACCESS | AUDIT | CLOCKS_ALL | SERVICE_READ | RATINGS_READ,
    Role.GM: STAFF_READ | EXPORT | APPROVE_ACCESS | AUDIT | CLOCKS_ALL | SERVICE_READ | RATINGS_READ,
    Role.MGMT_REP: STAFF_READ | EXPORT | AUDIT,
    Role.TRAINER: STAFF_READ,
    Role.ADMIN: STAFF_READ
    | CLOCKS_ALL
    | SERVICE_MANAGE
    | INTAKE
    | INSTALLED_BASE_ADMIN
    | EXPORT
    | IMPORT
    | APPROVE_ACCESS
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

STAFF_ROLES = frozenset(role for role in Role if role != Role.CUSTOMER)
