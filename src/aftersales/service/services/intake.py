"""S1–S6, S15: registering a service request (服务登记).

One call takes the request from any channel: the customer file and unit are checked, the
charging type derived (S4), the service point and calendar chosen (S6), the response, arrival
and substitute-equipment clocks started, and a repeat repair flagged (S15).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import RegionTier
from aftersales.accounts.models import ServicePoint
from aftersales.accounts.selectors import region_tier_for, service_point_for_region
from aftersales.calendars.selectors import ALWAYS
from aftersales.clocks.choices import ClockKind
from aftersales.clocks.selectors import clocks_known
from aftersales.clocks.services import ClockSpec, clock_calendar, clocks_start
from aftersales.core.access import Actor
from aftersales.core.errors import ValidationFailed, full_clean
from aftersales.core.events import EventDraft, snapshot
from aftersales.core.numbering import number_next
from aftersales.core.prefetch import prefetched_set
from aftersales.core.rows import row_get
from aftersales.core.timeutils import received_time
from aftersales.customers.selectors import customer_for_intake
from aftersales.installed_base.choices import ChargingType
from aftersales.installed_base.models import Unit
from aftersales.installed_base.selectors import (
    service_calendar_code,
    unit_coverage,
    unit_with_terms,
    warranty_terms,
)
from aftersales.policies.selectors import PolicySnapshot, policy_snapshot, received_at_earliest
from aftersales.service import events
from aftersales.service.choices import Channel, FaultCodeKind, Priority, ServiceKind
from aftersales.service.models import ServiceRequest
from aftersales.service.selectors import repeat_candidate
from aftersales.service.services.codes import fault_code_pick
from aftersales.service.services.notices import notice_request_registered

REGISTER_FIELDS = [
    "customer",
    "unit",
    "model_text",
    "contact_name",
    "phone",
    "address",
    "channel",
    "priority",
    "kind",
    "fault",
    "symptom",
    "symptom_code",
    "received_at",
    "received_by",
    "service_point",
    "region_tier",
    "in_warranty",
    "contract_number",
    "charging_type",
    "calendar_code",
]
# Kinds that need someone on site, so an arrival clock (S6) runs.
ON_SITE_KINDS = frozenset({ServiceKind.REPAIR, ServiceKind.INSTALLATION})
# S10: no equipment to lend a substitute for, so no substitute-equipment clock.
NO_SUBSTITUTE_KINDS = frozenset({ServiceKind.CONSULTING, ServiceKind.SOFTWARE, ServiceKind.TRAINING})


def _field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def _unit(customer_id: int, serial: str) -> Unit | None:
    serial = (serial or "").strip()
    if not serial:
        return None
    unit = unit_with_terms(serial)
    if unit is None:
        raise _field_error("serial", _("No unit with serial number %(serial)s is registered.") % {"serial": serial})
    if unit.customer_id != customer_id:
        raise _field_error("serial", _("Unit %(serial)s belongs to another customer.") % {"serial": serial})
    return unit


def _service_point(code: str, customer: Any) -> ServicePoint | None:
    if code:
        point = row_get(ServicePoint, code=code.strip().upper())
        if point is None:
            raise _field_error("service_point", _("Unknown service point %(code)s.") % {"code": code})
        return point
    return service_point_for_region(customer.region)  # C9: the region's own point, its province's, the centre


def _charging(
    actor: Actor, unit: Unit | None, on: dt.date, override: str, reason: str, policies: PolicySnapshot
) -> tuple[str, bool, str, str]:
    """(charging type, in warranty, contract number, basis) per S4, with the recorded override."""
    if unit is not None:
        coverage = unit_coverage(unit, on, warranty_terms(policies))
        derived, in_warranty = coverage.charging_type, coverage.in_warranty
        contract = coverage.contract.number if coverage.contract else ""
        basis = coverage.explanation
    else:
        derived, in_warranty, contract = ChargingType.PAID, False, ""
        basis = _("The unit is not registered, so no warranty or contract can be shown: paid service.")
    if not override or override == derived:
        return derived, in_warranty, contract, basis
    if override not in ChargingType.values:
        raise _field_error("charging_type", _("Unknown charging type."))
    if actor.has_role("customer"):
        raise _field_error("charging_type", _("The charging type is set by the service centre."))
    if not (reason or "").strip():
        raise _field_error("charging_reason", _("Give the reason for changing the charging type (S4)."))
    return override, in_warranty, contract, basis


def _arrive_target(priority: str, in_warranty: bool, tier: str) -> tuple[str, str]:
    """(policy key, unit) of the arrival clock (S6, C9)."""
    if emergency_line(priority, in_warranty, tier):
        return "S6.urgent_arrive_hours", "hours"
    return f"C9.tiers:{tier or RegionTier.SAME_PROVINCE}", "working_days"


def emergency_line(priority: str, in_warranty: bool, tier: str) -> bool:
    """S6: the request is served on the 24-hour emergency line, around the clock, whatever the calendar:
    an urgent fault of a unit in warranty in the service city (on site within S6.urgent_arrive_hours).

    Both of its first clocks then run on 24-hour time: the response as well as the arrival, so the
    response is never due after the arrival (office hours would put it on the next working morning).
    """
    return priority == Priority.URGENT and in_warranty and tier == RegionTier.SAME_CITY


def service_request_create(
    *,
    actor: Actor,
    customer_id: int,
    channel: str,
    fault: str,
    priority: str = Priority.GENERAL,
    kind: str = ServiceKind.REPAIR,
    serial: str = "",
    model: str = "",
    symptom: str = "",
    symptom_code_id: int | None = None,
    contact_name: str = "",
    phone: str = "",
    address: str = "",
    received_at: dt.datetime | None = None,
    service_point_code: str = "",
    charging_type: str = "",
    charging_reason: str = "",
) -> ServiceRequest:
    """Register a request in the service register and start its clocks.

    Rule: S1 (register), S2 (the receiving user owns registration), S4 (charging type), S6 (clocks
    by priority and region tier C9, on the contract's or service point's calendar), S10 (substitute-equipment
    clock), S15 (repeat flag). A portal user registers for their own organisation, channel "web".
    C3: a confidential file may be chosen by someone who may not open it; nothing of its contents
    is copied into the request. Raises: PermissionDenied, NotFound (customer), ValidationFailed.
    Events: servicerequest.registered,
    clock.started, servicerequest.repeat.

    Everything is read and checked first; only the writes (number, request, clocks, events) run
    in the transaction, which on SQLite holds the database's one write lock (docs/decisions/0004).
    """
    is_portal = actor.has_role("customer")
    if not is_portal:
        actor.require_perm("service.add_servicerequest")
    customer = customer_for_intake(actor, customer_id)  # C3: a confidential file too (nothing of it is shown)
    now = timezone.now()
    if is_portal:
        channel, received_at, service_point_code = Channel.WEB, None, ""
    earliest = received_at_earliest(actor, at=now) if received_at is not None else None
    received = received_time(received_at, now, earliest=earliest).astimezone(dt.UTC)  # as the database gives it back
    unit = _unit(customer.pk, serial)
    if unit is None and not (model or "").strip():
        raise _field_error("serial", _("Give the unit's serial number, or its model when it is not registered."))
    code = fault_code_pick(
        symptom_code_id,
        kind=FaultCodeKind.SYMPTOM,
        category=unit.product.category if unit else None,
        field="symptom_code_id",
    )
    local_day = timezone.localtime(received).date()
    policies = policy_snapshot(now)  # A3 (warranty) and S15 (repeat window), read once
    charge, in_warranty, contract_number, basis = _charging(
        actor, unit, local_day, charging_type, charging_reason, policies
    )
    point = _service_point(service_point_code, customer)
    # The covering contract is one of the unit's, loaded with it (unit_with_terms).
    contract = next((c for c in unit.contracts.all() if c.number == contract_number), None) if unit else None
    # C3: a confidential file's phone and address are never copied into the request, which every
    # service user reads; the caller's name and number are typed as given, and the engineer
    # dispatched to it reads the file's contact and address on the job page.
    file_phone = "" if customer.confidential else customer.phone
    file_address = "" if customer.confidential else (unit.site if unit and unit.site else customer.address)
    request = ServiceRequest(
        number="FW-PENDING",
        customer=customer,
        unit=unit,
        model_text=(model or "").strip() or (unit.product.model if unit else ""),
        contact_name=(contact_name or "").strip(),
        phone=(phone or "").strip() or file_phone,
        address=(address or "").strip() or file_address,
        channel=channel,
        priority=priority,
        kind=kind,
        fault=(fault or "").strip(),
        symptom=(symptom or "").strip() or (code.name if code else ""),
        symptom_code=code,
        received_at=received,
        received_by=actor.user,
        service_point=point,
        region_tier=region_tier_for(customer.region, point),  # C9: relative to the point that serves it
        in_warranty=in_warranty,
        contract_number=contract_number,
        charging_type=charge,
        charging_basis=basis,
        charging_override_reason=(charging_reason or "").strip() if charging_type else "",
        calendar_code=service_calendar_code(contract=contract, service_point=point),
    )
    # The related rows were loaded above: no query to check they exist.
    full_clean(request, exclude=["number", "received_by", "customer", "unit", "service_point"])
    repeat = _repeat_of(request, actor, policies)
    specs = _clock_specs(request)
    calendar = clock_calendar(request.calendar_code)
    clock_policies = policies if received == now else policy_snapshot(received)
    day = timezone.localtime(now).strftime("%Y%m%d")
    with transaction.atomic():
        request.number = f"FW{day}{number_next(key='service_request', period=day):04d}"
        request.repeat_of = repeat[0] if repeat else None
        request.save(force_insert=True)
        drafts = [
            EventDraft(
                subject=request,
                action=events.REQUEST_REGISTERED,
                actor=actor,
                rule="S1",
                data={"number": request.number, **snapshot(request, REGISTER_FIELDS), "basis": basis},
            )
        ]
        if repeat:
            drafts.append(repeat[1])
        clocks = clocks_start(
            subject=request,
            specs=specs,
            calendar_code=request.calendar_code,
            actor=actor,
            url=request.get_absolute_url(),
            started_at=request.received_at,
            events_before=drafts,
            policies=clock_policies,
            calendar=calendar,
        )
        notice_request_registered(request, by=actor.user)  # S7: an urgent one → the point's team lead
    # The API body of a request just registered: no steps, parts, approvals, tasks or quotes yet,
    # and the clocks are the ones just started.
    for relation in ("steps", "parts", "tasks", "quotes"):
        prefetched_set(request, relation)
    request.known_approvals = []  # type: ignore[attr-defined]  # read by ServiceRequestOut
    clocks_known(request, clocks)
    return request


def _clock_specs(request: ServiceRequest) -> list[ClockSpec]:
    """S6, S10: the response, arrival (on-site kinds) and substitute-equipment clocks.

    On the 24-hour emergency line (emergency_line) the response runs on the 7×24 calendar, as the
    arrival does in wall-clock hours; otherwise both run on the request's calendar. The S10 clock
    runs in calendar days from receipt, except for kinds with nothing to lend (NO_SUBSTITUTE_KINDS).
    """
    around_the_clock = emergency_line(request.priority, request.in_warranty, request.region_tier)
    specs = [
        ClockSpec(
            kind=ClockKind.RESPOND,
            rule="S6",
            policy_key="S6.respond_minutes",
            unit="working_minutes",
            calendar_code=ALWAYS if around_the_clock else "",
        )
    ]
    if request.kind in ON_SITE_KINDS:
        key, unit = _arrive_target(request.priority, request.in_warranty, request.region_tier)
        specs.append(ClockSpec(kind=ClockKind.ARRIVE, rule="S6", policy_key=key, unit=unit))
    if request.kind not in NO_SUBSTITUTE_KINDS:
        specs.append(ClockSpec(kind=ClockKind.SOLVE, rule="S10", policy_key="S10.substitute_after_days", unit="days"))
    return specs


def _repeat_of(
    request: ServiceRequest, actor: Actor, policies: PolicySnapshot
) -> tuple[ServiceRequest, EventDraft] | None:
    """S15: the same symptom on the same unit, repaired within the policy window: (previous, event)."""
    window = policies.get("S15.repeat_window_days")
    previous = repeat_candidate(
        unit_id=request.unit_id,
        symptom=request.symptom,
        received_at=request.received_at,
        window_days=window.value,
        symptom_code_id=request.symptom_code_id,
    )
    if previous is None:
        return None
    return previous, EventDraft(
        subject=request,
        action=events.REQUEST_REPEAT,
        actor=actor,
        rule="S15",
        policy_version=window.version,
        data={
            "repeat_of": previous.number,
            "symptom": request.symptom,
            **({"symptom_code": request.symptom_code.code} if request.symptom_code else {}),
            "window_days": window.value,
        },
    )
