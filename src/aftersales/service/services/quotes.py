"""B1–B2: paid service out of warranty — fee standards, quotations, the customer's decision, the fee.

B2: a fee standard (收费标准) is drafted and sent at once to the service-centre manager (the
approvals engine); approved, it prices quotations and the version it replaces is superseded; refused,
it may be sent again (service.transitions.FEE_STANDARD_TRANSITIONS). B1: the engineer (or a dispatcher) offers a quotation
(labour hours × the rate + the call-out fee + parts); the request waits in "quoted" with its clocks
paused (the wait is the customer's); the customer accepts on the portal, signs on site or agrees by
phone, and the work resumes where it stood — or declines, and the request ends with nothing charged.
Finance records the fee collected on site or invoiced.

Every write locks the request first (service.services.common.request_lock), so the request's row
lock serialises all writes to its quotations; quotations need no lock of their own.

`number` in quote_accept / quote_decline / quote_payment_record is the request's number (FW…),
meaning its current quotation, or the quotation's own number (BJ…).

A new offer while an earlier one still waits is not refused: the earlier one is declined with the
reason "superseded by BJ…" (the engineer revised the price after talking to the customer), and the
request stays "quoted" with its clocks still paused. The model's constraint
quote_one_offered_per_request keeps at most one offered quotation per request.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.selectors import actor_for, user_list_with_role
from aftersales.approvals.selectors import pending_approval_lock
from aftersales.approvals.services import Approval, ApprovalKind, ApprovalState, approval_decide, approval_request
from aftersales.clocks.choices import ClockKind
from aftersales.clocks.services import clock_resume_for, clock_stop_for
from aftersales.core.access import Actor
from aftersales.core.errors import NotFound, PermissionDenied, ValidationFailed, full_clean
from aftersales.core.events import event_record
from aftersales.core.numbering import number_next
from aftersales.core.workflow import expect_transition, transition
from aftersales.installed_base.choices import ChargingType
from aftersales.notifications.services import notify_users
from aftersales.policies.selectors import policy_get
from aftersales.service import events
from aftersales.service.choices import FeeStandardState, PaymentState, QuoteState, RequestState
from aftersales.service.errors import ServiceConflict, ServiceErrorCode
from aftersales.service.models import FeeStandard, Quote, QuoteLine, ServiceRequest
from aftersales.service.selectors import fee_standard_current
from aftersales.service.services.common import (
    request_clocks_pause,
    request_lock,
    request_move,
    request_save,
    require_own_job,
)
from aftersales.service.services.work import signature_decode
from aftersales.service.transitions import FEE_STANDARD_TRANSITIONS, PAYMENT_TRANSITIONS, QUOTE_TRANSITIONS

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1e10")  # the amount fields hold 12 digits, 2 after the point
STAFF_VIA = ("onsite", "phone")
VIA_PORTAL = "portal"
# Charging types that are never quoted: free (in warranty) and internal work (S4).
FINANCE_ROLE = "finance"  # B1: confirms cash received and invoices the rest
FREE_CHARGING = frozenset({ChargingType.FREE, ChargingType.INTERNAL})


def _field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def _money(value: Any, field: str, *, allow_zero: bool = True) -> Decimal:
    """A non-negative amount in yuan with at most two decimals."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise _field_error(field, _("Give an amount in yuan.")) from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        raise _field_error(
            field, _("Give an amount greater than zero.") if not allow_zero else _("The amount cannot be negative.")
        )
    if amount >= MAX_AMOUNT or amount != amount.quantize(CENT):
        raise _field_error(field, _("Give the amount to the cent (two decimals at most)."))
    return amount.quantize(CENT)


# --- B2 fee standards ---------------------------------------------------------------------------


@transaction.atomic
def fee_standard_create(*, actor: Actor, labour_rate: Decimal, callout_fee: Decimal, note: str = "") -> FeeStandard:
    """Draft the next version of the fee standard (收费标准); it prices nothing until approved.

    Rule: B2. Raises: PermissionDenied, ValidationFailed.
    Events: feestandard.created, approval.requested, feestandard.submitted (draft → pending).
    """
    actor.require_perm("service.add_feestandard")
    rate = _money(labour_rate, "labour_rate", allow_zero=False)
    callout = _money(callout_fee, "callout_fee")
    # The counter row's lock serialises concurrent drafts (even on an empty table); the version is max + 1.
    number_next(key="fee_standard", period="all")
    version = (FeeStandard.objects.aggregate(top=Max("version"))["top"] or 0) + 1
    standard = FeeStandard(
        version=version, labour_rate=rate, callout_fee=callout, note=(note or "").strip(), created_by=actor.user
    )
    full_clean(standard)
    standard.save()
    event_record(
        subject=standard,
        action=events.FEE_STANDARD_CREATED,
        actor=actor,
        rule="B2",
        data={"version": version, "labour_rate": str(rate), "callout_fee": str(callout), "note": standard.note},
    )
    _ask_fee_approval(actor, standard)
    return standard


FEE_APPROVER_PERM = "service.approve_feestandard"  # B2: the service-centre manager


def _ask_fee_approval(actor: Actor, standard: FeeStandard) -> Approval:
    """B2: the draft (or a refused version) waits for the service-centre manager in the approvals queue
    (not its drafter). Raises: Conflict(invalid_transition) when it is approved or superseded."""
    if standard.state != FeeStandardState.PENDING:
        expect_transition(standard, to=FeeStandardState.PENDING, table=FEE_STANDARD_TRANSITIONS)
    approval = approval_request(
        actor=actor,
        subject=standard,
        kind=ApprovalKind.FEE_STANDARD,
        rule="B2",
        note=standard.note,
        required_perm=FEE_APPROVER_PERM,
        approver_label=_("service-centre manager"),
    )
    if standard.state != FeeStandardState.PENDING:
        transition(
            standard,
            to=FeeStandardState.PENDING,
            table=FEE_STANDARD_TRANSITIONS,
            actor=actor,
            action=events.FEE_STANDARD_SUBMITTED,
            data={"version": standard.version, "approval": approval.pk},
        )
    return approval


@transaction.atomic
def fee_standard_approve(*, actor: Actor, version: int) -> FeeStandard:
    """The service-centre manager approves a version someone else drafted; from now on it prices new
    quotations. Decided through the approvals engine (nobody approves their own draft).

    Rule: B2. Raises: PermissionDenied (own_approval), NotFound, Conflict(fee_standard_already_approved).
    Events: (feestandard.submitted when a draft or a refused version is sent again,) approval.approved,
    approval.decided, feestandard.superseded (the version in force until now), feestandard.approved.
    """
    actor.require_perm(FEE_APPROVER_PERM)
    seen = FeeStandard.objects.filter(version=version).first()
    if seen is None:
        raise NotFound()
    approval = pending_approval_lock(seen)
    standard = FeeStandard.objects.select_for_update().get(pk=seen.pk)
    _expect_approvable(standard)
    if approval is None:  # a draft from before B2 asked the engine, or a refused one: ask on its drafter's behalf
        approval = _ask_fee_approval(actor_for(standard.created_by), standard)
    approval_decide(actor=actor, approval_id=approval.pk, approve=True)
    standard.refresh_from_db()
    return standard


def _expect_approvable(standard: FeeStandard) -> None:
    if standard.state in (FeeStandardState.APPROVED, FeeStandardState.SUPERSEDED):
        raise ServiceConflict(
            _("Fee standard v%(version)s is already approved.") % {"version": standard.version},
            code=ServiceErrorCode.FEE_STANDARD_APPROVED,
        )
    current = fee_standard_current()
    if current is not None and current.version > standard.version:
        raise ServiceConflict(
            _("A newer fee standard (v%(current)s) is already approved.") % {"current": current.version},
            code=ServiceErrorCode.FEE_STANDARD_APPROVED,
        )


def fee_standard_approval_decided(approval: Approval) -> None:
    """Approval handler (inside approval_decide's transaction): approved → the version prices new
    quotations, approved by the decider, and the version in force until now is superseded;
    refused → refused (it may be sent again).

    Rule: B2. Raises: Conflict(fee_standard_already_approved, invalid_transition) (the whole decision
    rolls back). Events: feestandard.superseded (the previous version), feestandard.approved /
    feestandard.refused, each with state old → new.
    """
    standard = FeeStandard.objects.select_for_update().filter(pk=approval.subject_id).first()
    if standard is None:
        return
    if approval.state != ApprovalState.APPROVED:
        transition(
            standard,
            to=FeeStandardState.REFUSED,
            table=FEE_STANDARD_TRANSITIONS,
            actor=approval.decided_by,
            action=events.FEE_STANDARD_REFUSED,
            reason=approval.decision_note,
            data={"version": standard.version, "approval": approval.pk},
        )
        return
    _expect_approvable(standard)
    expect_transition(standard, to=FeeStandardState.APPROVED, table=FEE_STANDARD_TRANSITIONS)
    in_force = FeeStandard.objects.select_for_update().filter(state=FeeStandardState.APPROVED).order_by("version")
    for previous in in_force:
        transition(
            previous,
            to=FeeStandardState.SUPERSEDED,
            table=FEE_STANDARD_TRANSITIONS,
            actor=approval.decided_by,
            action=events.FEE_STANDARD_SUPERSEDED,
            data={"version": previous.version, "superseded_by": standard.version},
        )
    standard.approved_by = approval.decided_by
    standard.approved_at = approval.decided_at
    transition(
        standard,
        to=FeeStandardState.APPROVED,
        table=FEE_STANDARD_TRANSITIONS,
        actor=approval.decided_by,
        action=events.FEE_STANDARD_APPROVED,
        extra_update_fields=("approved_by", "approved_at"),
        data={
            "version": standard.version,
            "labour_rate": str(standard.labour_rate),
            "callout_fee": str(standard.callout_fee),
            "approval": approval.pk,
        },
    )


# --- B1 quotations -----------------------------------------------------------------------------


def _require_quoting(actor: Actor, request: ServiceRequest) -> None:
    """The assigned engineer on their own job, or a dispatcher."""
    if actor.has_perm("service.dispatch_servicerequest"):
        return
    actor.require_perm("service.work_servicerequest")
    require_own_job(actor, request)


def _lines(lines: list[dict[str, Any]]) -> list[QuoteLine]:
    out = []
    for i, raw in enumerate(lines or []):
        description = str(raw.get("description") or "").strip()
        if not description:
            raise _field_error("lines", _("Line %(n)s: describe the part.") % {"n": i + 1})
        try:
            quantity = int(raw.get("quantity") or 0)
        except (TypeError, ValueError):
            quantity = 0
        if quantity < 1:
            raise _field_error("lines", _("Line %(n)s: the quantity must be at least 1.") % {"n": i + 1})
        try:
            price = _money(raw.get("unit_price"), "lines")
        except ValidationFailed:
            raise _field_error("lines", _("Line %(n)s: give the unit price in yuan.") % {"n": i + 1}) from None
        line = QuoteLine(
            part_code=str(raw.get("part_code") or "").strip().upper()[:32],
            description=description[:100],
            quantity=quantity,
            unit_price=price,
            amount=(price * quantity).quantize(CENT, rounding=ROUND_HALF_UP),
        )
        try:
            full_clean(line, exclude=["quote"])
        except ValidationFailed:
            raise _field_error("lines", _("Line %(n)s: the amount is too large.") % {"n": i + 1}) from None
        out.append(line)
    return out


def _quote_number(now: dt.datetime) -> str:
    day = timezone.localtime(now).strftime("%Y%m%d")
    return f"BJ{day}{number_next(key='quote', period=day):04d}"


@transaction.atomic
def quote_offer(
    *,
    actor: Actor,
    number: str,
    labour_hours: Decimal,
    lines: list[dict[str, Any]],
    note: str = "",
    expected_version: int | None = None,
    recorded_parts: bool = False,
) -> Quote:
    """Offer the customer a quotation (报价单) priced by the approved fee standard; the request waits.

    recorded_parts: the parts already recorded on the job (P3) become the first lines, at their
    recorded prices, so the engineer does not type them again (`lines` adds to them).

    Total = labour_hours × labour rate + call-out fee + Σ quantity × unit price (yuan, to the cent,
    half up). The request moves to "quoted" (resume_state = where it stood) and its clocks pause:
    the wait is the customer's. An earlier offer still waiting is superseded (declined with reason).
    Rule: B1 (prices by B2). Raises: PermissionDenied, NotFound, ValidationFailed,
    Conflict(no_fee_standard, not_chargeable, not_your_job, invalid_transition, version_conflict).
    Events: servicerequest.quoted (unless already quoted), quote.declined (superseded), quote.offered.
    """
    if not (actor.has_perm("service.dispatch_servicerequest") or actor.has_perm("service.work_servicerequest")):
        raise PermissionDenied()
    request = request_lock(actor, number, expected_version)
    _require_quoting(actor, request)
    if not request.open:
        raise ServiceConflict(_("This request has ended."), code=ServiceErrorCode.INVALID_TRANSITION)
    if request.charging_type in FREE_CHARGING:
        raise ServiceConflict(
            _("This request is not chargeable (charging type %(type)s); change the charging type first (S4).")
            % {"type": ChargingType(request.charging_type).label},
            code=ServiceErrorCode.NOT_CHARGEABLE,
        )
    standard = fee_standard_current()
    if standard is None:
        raise ServiceConflict(
            _("No fee standard is approved yet, so nothing can be priced (B2)."), code=ServiceErrorCode.NO_FEE_STANDARD
        )
    try:
        hours = labour_hours if isinstance(labour_hours, Decimal) else Decimal(str(labour_hours))
    except (InvalidOperation, ValueError, TypeError):
        raise _field_error("labour_hours", _("Give the labour in hours.")) from None
    if not hours.is_finite() or hours < 0 or hours > Decimal("999999") or hours != hours.quantize(CENT):
        raise _field_error("labour_hours", _("Give the labour in hours (two decimals at most)."))
    if recorded_parts:
        lines = [*recorded_part_lines(request), *lines]
    quote_lines = _lines(lines)
    labour = (hours * standard.labour_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    parts = sum((line.amount for line in quote_lines), Decimal("0.00"))
    callout = standard.callout_fee
    now = timezone.now()
    quote = Quote(
        number="BJ-PENDING",
        request=request,
        fee_standard=standard,
        labour_hours=hours,
        labour_amount=labour,
        callout_amount=callout,
        parts_amount=parts,
        total=(labour + callout + parts).quantize(CENT),
        note=(note or "").strip(),
        offered_by=actor.user,
    )
    full_clean(quote, exclude=["number", "request", "offered_by", "fee_standard"])
    previous = request.quotes.filter(state=QuoteState.OFFERED).first()
    quote.number = _quote_number(now)
    if previous is not None:
        previous.decline_reason = (_("Superseded by %(number)s") % {"number": quote.number})[:200]
        previous.decided_at = now
        transition(
            previous,
            to=QuoteState.DECLINED,
            table=QUOTE_TRANSITIONS,
            actor=actor,
            reason=previous.decline_reason,
            extra_update_fields=("decline_reason", "decided_at"),
        )
    quote.save()
    for line in quote_lines:
        line.quote = quote
    QuoteLine.objects.bulk_create(quote_lines)
    if request.state == RequestState.QUOTED:
        request_save(request, [])
    else:
        request.resume_state = request.state
        request_move(
            request,
            action="quote",
            to=RequestState.QUOTED,
            actor=actor,
            data={"quote": quote.number},
            fields=("resume_state",),
        )
        request_clocks_pause(request, actor=actor, reason=_("Waiting for the customer to accept the quotation"))
    event_record(
        subject=request,
        action=events.QUOTE_OFFERED,
        actor=actor,
        rule="B1",
        data={
            "quote": quote.number,
            "fee_standard": standard.version,
            "labour_hours": str(hours),
            "labour_rate": str(standard.labour_rate),
            "labour_amount": str(labour),
            "callout_amount": str(callout),
            "parts_amount": str(parts),
            "total": str(quote.total),
            "lines": [[ln.part_code, ln.description, ln.quantity, str(ln.unit_price)] for ln in quote_lines],
            "supersedes": previous.number if previous is not None else None,
            "recorded_parts": recorded_parts,
        },
    )
    return quote


def recorded_part_lines(request: ServiceRequest) -> list[dict[str, Any]]:
    """The parts recorded on the job (P3) as quotation lines (part number, name, quantity, unit price)."""
    return [
        {"part_code": p.part_code, "description": p.part_name, "quantity": p.quantity, "unit_price": p.unit_price}
        for p in request.parts.order_by("created_at", "id")
    ]


def _decision_actor(actor: Actor, request: ServiceRequest, via: str) -> str:
    """The portal user of the request's customer (always "portal"), or staff recording "onsite"/"phone"."""
    if actor.has_role("customer"):
        return VIA_PORTAL  # access_service_request already scoped them to their own organisation
    if not (actor.has_perm("service.dispatch_servicerequest") or actor.has_perm("service.work_servicerequest")):
        raise PermissionDenied()
    _require_quoting(actor, request)
    if via not in STAFF_VIA:
        raise _field_error("via", _("Record how the customer decided: signed on site or by phone."))
    return via


def _quote_of(request: ServiceRequest, number: str, state: str) -> Quote | None:
    """The request's quotation in `state`: the one numbered BJ…, or the newest (the request's number)."""
    qs = request.quotes.filter(state=state).select_related("fee_standard")
    text = str(number or "").strip().upper()
    if text.startswith("BJ"):
        qs = qs.filter(number=text)
    return qs.order_by("-created_at", "-id").first()


def _lock_for_quote(actor: Actor, number: str, expected_version: int | None = None) -> ServiceRequest:
    """The request of a quotation number (BJ…) or a request number (FW…), row-locked and in scope."""
    text = str(number or "").strip().upper()
    if text.startswith("BJ"):
        request_number = Quote.objects.filter(number=text).values_list("request__number", flat=True).first()
        if request_number is None:
            raise NotFound()
        return request_lock(actor, request_number, expected_version)
    return request_lock(actor, text, expected_version)


def _offered(request: ServiceRequest, number: str) -> Quote:
    quote = _quote_of(request, number, QuoteState.OFFERED)
    if quote is None or not quote.can_decide():
        raise ServiceConflict(
            _("No quotation is waiting for the customer's decision."), code=ServiceErrorCode.QUOTE_NOT_OFFERED
        )
    return quote


@transaction.atomic
def quote_accept(
    *,
    actor: Actor,
    number: str,
    decided_by_name: str,
    via: str,
    agreed_price: Decimal | None = None,
    payment_date: dt.date | None = None,
    signature: str = "",
    expected_version: int | None = None,
) -> Quote:
    """The customer accepts the quotation and confirms the price and the payment date; work resumes.

    A portal user of the request's customer decides on the portal (via is "portal" whatever is
    passed); staff who may quote record a decision signed on site (signature required) or by phone.
    The request returns to the state it was quoted from and its clocks resume.
    Rule: B1. Raises: PermissionDenied, NotFound, ValidationFailed, Conflict(quote_not_offered,
    not_your_job, invalid_transition). Events: quote.accepted, servicerequest.<state resumed>,
    quote.decided.
    """
    request = _lock_for_quote(actor, number, expected_version)
    via = _decision_actor(actor, request, via)
    quote = _offered(request, number)
    name = (decided_by_name or "").strip()
    if not name and via == VIA_PORTAL:
        name = getattr(actor.user, "display_name", "") or actor.user.get_username()
    if not name:
        raise _field_error("decided_by_name", _("Give the name of the person who decided."))
    price = quote.total if agreed_price is None else _money(agreed_price, "agreed_price")
    png = signature_decode(signature) if via == "onsite" else None
    if payment_date is not None and not isinstance(payment_date, dt.date):
        raise _field_error("payment_date", _("Give the payment date."))
    quote.decided_at = timezone.now()
    quote.decided_via = via
    quote.decided_by_name = name[:64]
    quote.agreed_price = price
    quote.payment_date = payment_date
    quote.signature_png = png
    transition(
        quote,
        to=QuoteState.ACCEPTED,
        table=QUOTE_TRANSITIONS,
        actor=actor,
        extra_update_fields=(
            "decided_at",
            "decided_via",
            "decided_by_name",
            "agreed_price",
            "payment_date",
            "signature_png",
        ),
    )
    to = request.resume_state or (RequestState.DISPATCHED if request.engineer_id else RequestState.REGISTERED)
    request.resume_state = ""
    request_move(
        request, action="accept_quote", to=to, actor=actor, data={"quote": quote.number}, fields=("resume_state",)
    )
    clock_resume_for(subject=request, actor=actor)
    event_record(
        subject=request,
        action=events.QUOTE_DECIDED,
        actor=actor,
        rule="B1",
        data={
            "quote": quote.number,
            "state": [QuoteState.OFFERED, QuoteState.ACCEPTED],
            "via": via,
            "decided_by": quote.decided_by_name,
            "agreed_price": str(price),
            "payment_date": payment_date.isoformat() if payment_date else None,
            "signature_bytes": len(png) if png else 0,
        },
    )
    return quote


@transaction.atomic
def quote_decline(
    *,
    actor: Actor,
    number: str,
    reason: str,
    decided_by_name: str = "",
    via: str = "phone",
    expected_version: int | None = None,
) -> Quote:
    """The customer declines the quotation: the request ends ("quote declined"), nothing is charged.

    Same deciders as quote_accept. Every clock of the request stops.
    Rule: B1. Raises: PermissionDenied, NotFound, ValidationFailed, Conflict(quote_not_offered,
    not_your_job). Events: quote.declined, servicerequest.declined, quote.decided.
    """
    request = _lock_for_quote(actor, number, expected_version)
    via = _decision_actor(actor, request, via)
    quote = _offered(request, number)
    reason = (reason or "").strip()
    if not reason:
        raise _field_error("reason", _("Give a reason."))
    name = (decided_by_name or "").strip()
    if not name and via == VIA_PORTAL:
        name = getattr(actor.user, "display_name", "") or actor.user.get_username()
    now = timezone.now()
    quote.decided_at = now
    quote.decided_via = via
    quote.decided_by_name = name[:64]
    quote.decline_reason = reason[:200]
    transition(
        quote,
        to=QuoteState.DECLINED,
        table=QUOTE_TRANSITIONS,
        actor=actor,
        reason=quote.decline_reason,
        extra_update_fields=("decided_at", "decided_via", "decided_by_name", "decline_reason"),
    )
    request.resume_state = ""
    request.end_reason = quote.decline_reason
    request_move(
        request,
        action="decline_quote",
        to=RequestState.DECLINED,
        actor=actor,
        reason=request.end_reason,
        data={"quote": quote.number},
        fields=("resume_state", "end_reason"),
    )
    for kind in ClockKind.values:
        clock_stop_for(subject=request, kind=kind, actor=actor, at=now)
    event_record(
        subject=request,
        action=events.QUOTE_DECIDED,
        actor=actor,
        rule="B1",
        data={
            "quote": quote.number,
            "state": [QuoteState.OFFERED, QuoteState.DECLINED],
            "via": via,
            "decided_by": quote.decided_by_name,
            "reason": quote.decline_reason,
        },
    )
    return quote


def cash_limit() -> Decimal:
    """B1: the largest fee collected in cash on site (policy B1.cash_limit, yuan)."""
    return Decimal(policy_get("B1.cash_limit").value).quantize(CENT)


def quote_agreed(quote: Quote) -> Decimal:
    """The price agreed with the customer: the negotiated price where there is one, else the total."""
    return quote.agreed_price if quote.agreed_price is not None else quote.total


def quote_cash_collectable(quote: Quote | None) -> bool:
    """B1: an accepted fee still due and small enough to be collected in cash on site."""
    if quote is None or quote.state != QuoteState.ACCEPTED or quote.payment_state != PaymentState.DUE:
        return False
    return quote_agreed(quote) <= cash_limit()


def _accepted(request: ServiceRequest, number: str) -> Quote:
    quote = _quote_of(request, number, QuoteState.ACCEPTED)
    if quote is None:
        raise ServiceConflict(_("There is no accepted quotation to charge."), code=ServiceErrorCode.QUOTE_NOT_ACCEPTED)
    return quote


def _expect_payment_move(quote: Quote, state: str) -> None:
    if state not in PAYMENT_TRANSITIONS.get(quote.payment_state, {}):
        raise ServiceConflict(
            _("The fee of %(number)s is already recorded as “%(state)s”.")
            % {"number": quote.number, "state": quote.get_payment_state_display()},
            code=ServiceErrorCode.PAYMENT_RECORDED,
        )


def _within_cash_limit(amount: Decimal) -> None:
    """B1: only small amounts are collected on site; above the limit finance invoices."""
    limit = cash_limit()
    if amount > limit:
        raise ServiceConflict(
            _(
                "%(amount)s yuan is more than the %(limit)s yuan that may be collected in cash on site: "
                "finance invoices this fee."
            )
            % {"amount": amount, "limit": limit},
            code=ServiceErrorCode.CASH_LIMIT,
        )


def _move_payment(
    actor: Actor, request: ServiceRequest, quote: Quote, state: str, *, amount: Decimal | None, invoice: str = ""
) -> Quote:
    """One move of the fee (service.transitions.PAYMENT_TRANSITIONS), with its event on the request."""
    before = quote.payment_state
    fields: list[str] = []
    if amount is not None:
        quote.collected_amount = amount
        fields.append("collected_amount")
    if invoice:
        quote.invoice_number = invoice[:40]
        fields.append("invoice_number")
    transition(
        quote,
        to=state,
        table=PAYMENT_TRANSITIONS,
        actor=actor,
        field="payment_state",
        extra_update_fields=tuple(fields),
    )
    event_record(
        subject=request,
        action=events.QUOTE_PAID,
        actor=actor,
        rule="B1",
        data={
            "quote": quote.number,
            "payment_state": [before, state],
            "amount": str(quote.collected_amount) if quote.collected_amount is not None else None,
            "agreed_price": str(quote.agreed_price) if quote.agreed_price is not None else None,
            "invoice_number": quote.invoice_number,
        },
    )
    return quote


def _notify_finance(request: ServiceRequest, title: str, body: str) -> None:
    """The hand-off to finance (bell + e-mail): they confirm the cash or invoice the fee."""
    notify_users(
        users=user_list_with_role(FINANCE_ROLE),
        title=title,
        body=body,
        url=reverse("service:fees_outstanding"),
        rule="B1",
    )


@transaction.atomic
def quote_payment_record(
    *,
    actor: Actor,
    number: str,
    state: str,
    amount: Decimal,
    invoice_number: str = "",
    expected_version: int | None = None,
) -> Quote:
    """Finance records the fee: collected on site (small amounts, up to the cash limit) or invoiced.

    Only for an accepted quotation; cash collected on site may be invoiced afterwards.
    Rule: B1 (policy B1.cash_limit). Raises: PermissionDenied, NotFound, ValidationFailed,
    Conflict(quote_not_accepted, payment_already_recorded, cash_limit_exceeded).
    Events: quote.<collected|invoiced>, quote.paid.
    """
    actor.require_perm("service.charge_servicerequest")
    request = _lock_for_quote(actor, number, expected_version)
    quote = _accepted(request, number)
    if state not in (PaymentState.COLLECTED, PaymentState.INVOICED):
        raise _field_error("state", _("Choose collected on site or invoiced."))
    paid = _money(amount, "amount", allow_zero=False)
    invoice = (invoice_number or "").strip()
    if state == PaymentState.INVOICED and not invoice:
        raise _field_error("invoice_number", _("Give the invoice number."))
    _expect_payment_move(quote, state)
    if state == PaymentState.COLLECTED:
        _within_cash_limit(paid)
    return _move_payment(actor, request, quote, state, amount=paid, invoice=invoice)


@transaction.atomic
def quote_cash_collect(
    *, actor: Actor, number: str, amount: Decimal | None = None, expected_version: int | None = None
) -> Quote:
    """The engineer collects the agreed fee in cash on site and hands it to finance, who is told to
    confirm receipt. Only the whole agreed price, and only up to the cash limit (above it finance
    invoices: nothing to do on site).

    Rule: B1 (policy B1.cash_limit, default 2,000 yuan). Raises: PermissionDenied, NotFound,
    ValidationFailed, Conflict(quote_not_accepted, payment_already_recorded, cash_limit_exceeded,
    not_your_job). Events: quote.collected, quote.paid.
    """
    if not (actor.has_perm("service.work_servicerequest") or actor.has_perm("service.charge_servicerequest")):
        raise PermissionDenied()
    request = _lock_for_quote(actor, number, expected_version)
    if not actor.has_perm("service.charge_servicerequest"):
        require_own_job(actor, request)
    quote = _accepted(request, number)
    agreed = quote_agreed(quote)
    paid = agreed if amount is None else _money(amount, "amount", allow_zero=False)
    if paid != agreed:
        raise _field_error(
            "amount", _("Collect the whole agreed price: %(price)s yuan.") % {"price": agreed.quantize(CENT)}
        )
    _expect_payment_move(quote, PaymentState.COLLECTED)
    _within_cash_limit(paid)
    _move_payment(actor, request, quote, PaymentState.COLLECTED, amount=paid)
    _notify_finance(
        request,
        _("%(number)s: %(amount)s yuan collected in cash on site") % {"number": request.number, "amount": paid},
        _("%(engineer)s collected the fee of quotation %(quote)s; confirm when the cash is received.")
        % {"engineer": getattr(actor.user, "display_name", "") or actor.user.get_username(), "quote": quote.number},
    )
    return quote


@transaction.atomic
def quote_cash_confirm(*, actor: Actor, number: str, expected_version: int | None = None) -> Quote:
    """Finance confirms it has received the cash the engineer collected on site.

    Rule: B1. Raises: PermissionDenied, NotFound, Conflict(quote_not_accepted, payment_already_recorded).
    Events: quote.received, quote.paid.
    """
    actor.require_perm("service.charge_servicerequest")
    request = _lock_for_quote(actor, number, expected_version)
    quote = _accepted(request, number)
    if quote.payment_state != PaymentState.COLLECTED:
        raise ServiceConflict(
            _("No cash collected on site waits for confirmation on %(number)s.") % {"number": quote.number},
            code=ServiceErrorCode.PAYMENT_RECORDED,
        )
    return _move_payment(actor, request, quote, PaymentState.RECEIVED, amount=None)


def charge_explanation(request: ServiceRequest, standard: FeeStandard | None) -> str:
    """S4, B1: why this request is charged (or not), in plain words, for the engineer to tell the customer."""
    if request.charging_type == ChargingType.PAID:
        why = (
            _("The unit is out of warranty and no service contract covers this job, so the repair is paid service.")
            if not request.in_warranty
            else _("This job is charged although the unit is in warranty.")
        )
        if standard is not None:
            how = _(
                "The fee follows the fee standard in force: %(rate)s yuan per hour of labour, a call-out fee of "
                "%(callout)s yuan, and the parts at their prices."
            ) % {"rate": standard.labour_rate, "callout": standard.callout_fee}
        else:
            how = _("No fee standard is approved yet, so nothing can be priced.")
        then = _("Before the work goes on, the customer accepts the quotation and signs for it.")
        parts = [why, how, then]
    elif request.charging_type == ChargingType.CONTRACT:
        parts = [_("A service contract covers this job: nothing is charged to the customer on site.")]
    elif request.charging_type == ChargingType.FREE:
        parts = [_("The unit is in warranty: this repair is free of charge.")]
    else:
        parts = [_("Internal work: nothing is charged.")]
    if request.charging_override_reason:
        parts.append(_("The charging type was changed: %(reason)s") % {"reason": request.charging_override_reason})
    return " ".join(str(p) for p in parts)
