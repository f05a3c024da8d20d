"""S7–S11, S16: dispatch, the engineer's job and closing.

Every move is one service: lock the request, check the actor and the state (the transition table
refuses the rest with 409), change it, record the event, start/stop/pause the clocks.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.approvals.selectors import approval_exists
from aftersales.approvals.services import Approval, ApprovalState
from aftersales.approvals.services import approval_decide as approval_engine_decide
from aftersales.approvals.services import approval_request as approval_ask
from aftersales.clocks.choices import ClockKind
from aftersales.clocks.services import clock_owner_set_for, clock_resume_for, clock_stop_for
from aftersales.core.access import Actor
from aftersales.core.errors import PermissionDenied, ValidationFailed
from aftersales.core.events import event_record
from aftersales.installed_base.choices import ChargingType
from aftersales.service import events
from aftersales.service.choices import (
    PAYMENT_SETTLED,
    ApprovalKind,
    FaultCodeKind,
    QuoteState,
    RequestState,
    Resolution,
    UnitLocation,
)
from aftersales.service.errors import ServiceConflict, ServiceErrorCode
from aftersales.service.models import ServiceRequest, WorkStep
from aftersales.service.selectors import ENGINEER_ROLE, offsite_regions
from aftersales.service.services.codes import fault_code_pick, unit_category
from aftersales.service.services.common import (
    request_clocks_pause,
    request_lock,
    request_move,
    request_save,
    require_own_job,
)
from aftersales.service.services.notices import (
    notice_rating_invitation,
    notice_request_dispatched,
    notice_request_signed,
)
from aftersales.service.transitions import ACTION_TRANSITIONS

# The clocks that stop when the customer has been answered, when the engineer is there, when solved.
RESPOND_STOPS = (RequestState.BOOKED, RequestState.ON_SITE, RequestState.COMPLETED, RequestState.IN_DEPOT)
MAX_SIGNATURE_BYTES = 512 * 1024


def _field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def _engineer(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True, groups__name=ENGINEER_ROLE).first()
    if user is None:
        raise _field_error("engineer", _("%(name)s is not an active engineer.") % {"name": username})
    return user


def _stop(request: ServiceRequest, kind: str, actor: Actor, at: dt.datetime | None = None) -> None:
    clock_stop_for(subject=request, kind=kind, actor=actor, at=at)


@transaction.atomic
def service_request_dispatch(
    *, actor: Actor, number: str, engineer: str, expected_version: int | None = None, note: str = ""
) -> ServiceRequest:
    """Assign (or reassign) an engineer. Rule: S7. The clocks become the engineer's responsibility.

    Raises: PermissionDenied, NotFound, Conflict(invalid_transition, version_conflict), ValidationFailed.
    Events: servicerequest.dispatched.
    """
    actor.require_perm("service.dispatch_servicerequest")
    request = request_lock(actor, number, expected_version)
    user = _engineer(engineer)
    previous = request.engineer
    before = previous.username if previous else None
    to = RequestState.DISPATCHED
    request.engineer = user
    request.dispatched_at = timezone.now()
    request_move(
        request,
        action="dispatch",
        to=to,
        actor=actor,
        reason=note,
        data={"engineer": [before, user.username]},
        fields=("engineer", "dispatched_at"),
    )
    clock_owner_set_for(subject=request, owner=user, actor=actor)
    if previous is None or previous.pk != user.pk:
        notice_request_dispatched(request, by=actor.user, previous=previous)
    return request


@transaction.atomic
def service_request_book(
    *,
    actor: Actor,
    number: str,
    visit_at: dt.datetime,
    confirmed_fault: str = "",
    expected_version: int | None = None,
) -> ServiceRequest:
    """The engineer confirmed the fault with the customer and booked the visit. Rule: S7.

    Stops the response clock (S6): the customer has been answered.
    """
    actor.require_perm("service.work_servicerequest")
    request = request_lock(actor, number, expected_version)
    require_own_job(actor, request)
    if timezone.is_naive(visit_at):
        raise _field_error("visit_at", _("Give the time with its time zone."))
    request.visit_at = visit_at
    request.confirmed_fault = (confirmed_fault or "").strip() or request.confirmed_fault
    request_move(
        request,
        action="book",
        to=RequestState.BOOKED,
        actor=actor,
        data={"visit_at": visit_at.isoformat(), "confirmed_fault": request.confirmed_fault},
        fields=("visit_at", "confirmed_fault"),
    )
    _stop(request, ClockKind.RESPOND, actor)
    return request


@transaction.atomic
def service_request_arrive(*, actor: Actor, number: str, expected_version: int | None = None) -> ServiceRequest:
    """The engineer checks in on site. Rule: S9, S8. Stops the response and arrival clocks (S6).

    S8: a site outside the city the engineer works from (异地) needs an approved off-site trip first.
    Raises: Conflict(offsite_not_approved) besides the usual ones.
    """
    actor.require_perm("service.work_servicerequest")
    request = request_lock(actor, number, expected_version)
    require_own_job(actor, request)
    _require_offsite_approval(request)
    now = timezone.now()
    request.arrived_at = now
    request_move(request, action="arrive", to=RequestState.ON_SITE, actor=actor, fields=("arrived_at",))
    _stop(request, ClockKind.RESPOND, actor, now)
    _stop(request, ClockKind.ARRIVE, actor, now)
    return request


@transaction.atomic
def service_request_step_add(*, actor: Actor, number: str, text: str, expected_version: int | None = None) -> WorkStep:
    """Record one work step (clean, inspect, replace, test, confirm). Rule: S9. Events: servicerequest.step."""
    actor.require_perm("service.work_servicerequest")
    request = request_lock(actor, number, expected_version)
    require_own_job(actor, request)
    if not request.open:
        raise ServiceConflict(_("This request has ended."), code=ServiceErrorCode.INVALID_TRANSITION)
    text = (text or "").strip()
    if not text:
        raise _field_error("text", _("Describe the work step."))
    step = WorkStep.objects.create(request=request, author=actor.user, text=text[:4000])
    request_save(request, [])
    event_record(subject=request, action=events.REQUEST_STEP, actor=actor, rule="S9", data={"text": step.text})
    return step


@transaction.atomic
def service_request_wait_parts(
    *, actor: Actor, number: str, reason: str = "", expected_version: int | None = None
) -> ServiceRequest:
    """Wait for parts. Rule: S9, S10.

    The parts are ours to bring: the clocks keep running unless policy S9.parts_wait_pauses pauses
    the response and arrival clocks; the substitute-equipment clock (S10) never pauses.
    """
    actor.require_perm("service.work_servicerequest")
    request = request_lock(actor, number, expected_version)
    require_own_job(actor, request)
    request.resume_state = request.state
    request_move(
        request,
        action="wait_parts",
        to=RequestState.WAITING_PARTS,
        actor=actor,
        reason=reason,
        fields=("resume_state",),
    )
    request_clocks_pause(request, actor=actor, reason=_("Waiting for parts"), for_parts=True)
    return request


@transaction.atomic
def service_request_parts_arrived(*, actor: Actor, number: str, expected_version: int | None = None) -> ServiceRequest:
    """Parts are here: back on site or in the depot; clocks paused for the wait resume. Rule: S9."""
    actor.require_perm("service.work_servicerequest")
    request = request_lock(actor, number, expected_version)
    require_own_job(actor, request)
    to = request.resume_state or RequestState.ON_SITE
    request.resume_state = ""
    request_move(request, action="parts_arrived", to=to, actor=actor, fields=("resume_state",))
    clock_resume_for(subject=request, actor=actor)
    return request


@transaction.atomic
def service_request_to_depot(
    *, actor: Actor, number: str, reason: str = "", expected_version: int | None = None
) -> ServiceRequest:
    """The unit (or board) goes to the depot with the customer's consent. Rule: S9, S13.

    The depot register (pickup receipt, tag) is kept by service.services.depot.
    """
    actor.require_perm("service.work_servicerequest")
    request = request_lock(actor, number, expected_version)
    require_own_job(actor, request)
    waiting = request.state == RequestState.WAITING_PARTS
    request.unit_location = UnitLocation.IN_TRANSIT
    request.resume_state = ""
    request_move(
        request,
        action="to_depot",
        to=RequestState.IN_DEPOT,
        actor=actor,
        reason=reason,
        fields=("unit_location", "resume_state"),
    )
    if waiting:  # the parts go to the depot instead: the wait is over
        clock_resume_for(subject=request, actor=actor)
    _stop(request, ClockKind.RESPOND, actor)
    _stop(request, ClockKind.ARRIVE, actor)
    return request


SERVICE_APPROVER_PERM = "service.approve_servicerequest"  # S8, S9: the service manager decides


@transaction.atomic
def approval_request(
    *,
    actor: Actor,
    number: str,
    kind: str,
    reason: str,
    cost: Decimal | None = None,
    expected_version: int | None = None,
) -> Approval:
    """The engineer asks a manager: off-site trip (S8), support (S9), leaving unsolved (S9); through the
    approvals engine (one queue, nobody decides their own request).

    Rule: S8, S9. Raises: PermissionDenied, NotFound, Conflict, ValidationFailed. Events: approval.requested.
    """
    actor.require_perm("service.work_servicerequest")
    request = request_lock(actor, number, expected_version)
    require_own_job(actor, request)
    if kind not in ApprovalKind.values:
        raise _field_error("kind", _("Unknown kind of approval."))
    if not request.open:
        raise ServiceConflict(_("This request has ended."), code=ServiceErrorCode.INVALID_TRANSITION)
    if not (reason or "").strip():
        raise _field_error("reason", _("Give a reason."))
    if cost is not None and cost < 0:
        raise _field_error("cost", _("The cost cannot be negative."))
    approval = approval_ask(
        actor=actor,
        subject=request,
        kind=kind,
        rule="S8" if kind == ApprovalKind.OFFSITE else "S9",
        amount=cost,
        note=reason.strip(),
        required_perm=SERVICE_APPROVER_PERM,
        approver_label=_("service manager"),
    )
    request_save(request, [])
    return approval


@transaction.atomic
def approval_decide(*, actor: Actor, approval_id: int, approve: bool, note: str = "") -> Approval:
    """A manager approves or refuses from the board or the request page, through the approvals engine.

    Rule: S8 (travel before approval is not allowed), S9. Raises: NotFound, PermissionDenied
    (own_approval, not_decider), Conflict (approval_already_decided). Events: approval.approved /
    approval.refused, approval.decided.
    """
    actor.require_perm(SERVICE_APPROVER_PERM)
    return approval_engine_decide(actor=actor, approval_id=approval_id, approve=approve, note=(note or "")[:200])


def _require_offsite_approval(request: ServiceRequest) -> None:
    """S8: refuse a check-in at an off-site location without an approved off-site trip (nothing changes)."""
    regions = offsite_regions(request)
    if regions is None or approval_exists(request, kind=ApprovalKind.OFFSITE, state=ApprovalState.APPROVED):
        return
    site, base = regions
    raise ServiceConflict(
        _(
            "The site is in %(site)s, outside %(base)s where the engineer works from: an off-site trip needs a "
            "manager's approval before travel. Ask for it on the job page first (S8)."
        )
        % {"site": site.name, "base": base.name},
        code=ServiceErrorCode.OFFSITE_NOT_APPROVED,
    )


def _unsolved_allowed(request: ServiceRequest) -> bool:
    return approval_exists(request, kind=ApprovalKind.LEAVE_UNSOLVED, state=ApprovalState.APPROVED)


@transaction.atomic
def service_request_complete(
    *,
    actor: Actor,
    number: str,
    resolution: str,
    work_summary: str,
    self_check_passed: bool,
    labour_minutes: int | None = None,
    expected_version: int | None = None,
    cause_code_id: int | None = None,
    confirmed_symptom_code_id: int | None = None,
) -> ServiceRequest:
    """The engineer finishes the job. Rule: S11 (self-check), S9 (unsolved only with permission),
    S16 (resolved remotely), B1 (chargeable work only after an accepted quotation).
    The cause code and, when it differs from the intake's, the confirmed symptom code come from the
    managed list for the unit's product category (S15 compares the confirmed symptom).

    Stops the response, arrival and substitute-equipment clocks.
    """
    actor.require_perm("service.work_servicerequest")
    request = request_lock(actor, number, expected_version)
    require_own_job(actor, request)
    if resolution not in Resolution.values:
        raise _field_error("resolution", _("Choose how the job ended."))
    if not (work_summary or "").strip():
        raise _field_error("work_summary", _("Describe the work done."))
    if labour_minutes is not None and not 0 <= labour_minutes <= 60 * 24 * 30:
        raise _field_error("labour_minutes", _("Give the labour time in minutes."))
    if request.state in (RequestState.REGISTERED, RequestState.DISPATCHED, RequestState.BOOKED) and (
        resolution != Resolution.REMOTE
    ):
        raise ServiceConflict(
            _("Check in on site first: before that, only a remote resolution completes the job (S16)."),
            code=ServiceErrorCode.INVALID_TRANSITION,
        )
    if not self_check_passed:
        raise ServiceConflict(
            _("The engineer's self-check must pass before the job is completed (S11)."),
            code=ServiceErrorCode.SELF_CHECK_REQUIRED,
        )
    if resolution == Resolution.UNSOLVED and not _unsolved_allowed(request):
        raise ServiceConflict(
            _("An unsolved job may only be left with a manager's permission (S9)."),
            code=ServiceErrorCode.UNSOLVED_NEEDS_PERMISSION,
        )
    if request.charging_type == ChargingType.PAID and not request.quotes.filter(state=QuoteState.ACCEPTED).exists():
        raise ServiceConflict(
            _(
                "This is paid service: offer the customer a quotation and have them accept it "
                "(signed on site or on the portal) before completing the job (B1)."
            ),
            code=ServiceErrorCode.QUOTE_REQUIRED,
        )
    category = unit_category(request)
    cause = fault_code_pick(cause_code_id, kind=FaultCodeKind.CAUSE, category=category, field="cause_code_id")
    confirmed = fault_code_pick(
        confirmed_symptom_code_id, kind=FaultCodeKind.SYMPTOM, category=category, field="confirmed_symptom_code_id"
    )
    if confirmed is not None and confirmed.pk == request.symptom_code_id:
        confirmed = None  # the same as at intake: nothing to confirm
    now = timezone.now()
    request.cause_code = cause
    request.confirmed_symptom_code = confirmed
    request.resolution = resolution
    request.work_summary = work_summary.strip()
    request.self_check_passed = True
    request.labour_minutes = labour_minutes
    request.completed_at = now
    request_move(
        request,
        action="complete",
        to=RequestState.COMPLETED,
        actor=actor,
        data={
            "resolution": resolution,
            "labour_minutes": labour_minutes,
            "cause_code": cause.code if cause else "",
            "confirmed_symptom_code": confirmed.code if confirmed else "",
        },
        fields=(
            "resolution",
            "work_summary",
            "self_check_passed",
            "labour_minutes",
            "completed_at",
            "cause_code",
            "confirmed_symptom_code",
        ),
    )
    for kind in (ClockKind.RESPOND, ClockKind.ARRIVE, ClockKind.SOLVE):
        _stop(request, kind, actor, now)
    return request


def signature_decode(data_url: str) -> bytes:
    """A PNG from the signature pad ("data:image/png;base64,…"). Raises: ValidationFailed."""
    prefix = "data:image/png;base64,"
    text = (data_url or "").strip()
    if text.startswith(prefix):
        text = text[len(prefix) :]
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise _field_error("signature", _("The signature is not a valid image.")) from None
    if not raw.startswith(b"\x89PNG\r\n\x1a\n") or len(raw) > MAX_SIGNATURE_BYTES:
        raise _field_error("signature", _("The signature is not a valid image."))
    return raw


@transaction.atomic
def service_request_sign_off(
    *, actor: Actor, number: str, signature: str, signed_by_name: str, expected_version: int | None = None
) -> ServiceRequest:
    """The customer verifies the work and signs the repair order on the engineer's screen. Rule: S11."""
    actor.require_perm("service.work_servicerequest")
    request = request_lock(actor, number, expected_version)
    require_own_job(actor, request)
    png = signature_decode(signature)
    if not (signed_by_name or "").strip():
        raise _field_error("signed_by_name", _("Give the name of the person signing."))
    request.signature_png = png
    request.signed_by_name = signed_by_name.strip()[:64]
    request.signed_at = timezone.now()
    request_move(
        request,
        action="sign_off",
        to=RequestState.SIGNED,
        actor=actor,
        data={"signed_by": request.signed_by_name, "signature_bytes": len(png)},
        fields=("signature_png", "signed_by_name", "signed_at"),
    )
    notice_request_signed(request)  # S11: the manager countersigns next
    notice_rating_invitation(request)  # V3: the customer is invited to rate the engineer
    return request


@transaction.atomic
def service_request_reopen(
    *, actor: Actor, number: str, reason: str, expected_version: int | None = None
) -> ServiceRequest:
    """Back to work from "completed": the customer did not accept the result. Rule: S11."""
    actor.require_perm("service.work_servicerequest")
    request = request_lock(actor, number, expected_version)
    require_own_job(actor, request)
    if not (reason or "").strip():
        raise _field_error("reason", _("Give a reason."))
    request.completed_at = None
    request_move(
        request, action="reopen", to=RequestState.ON_SITE, actor=actor, reason=reason.strip(), fields=("completed_at",)
    )
    return request


def _require_fee_settled(request: ServiceRequest) -> None:
    """B1: a paid request is archived only once its fee is collected on site or handed to finance."""
    unpaid = request.quotes.filter(state=QuoteState.ACCEPTED).exclude(payment_state__in=PAYMENT_SETTLED).first()
    if unpaid is None:
        return
    raise ServiceConflict(
        _(
            "The fee of %(quote)s (%(amount)s yuan) has not been collected or invoiced yet: collect it on site "
            "or have finance invoice it before closing (B1)."
        )
        % {"quote": unpaid.number, "amount": unpaid.agreed_price if unpaid.agreed_price is not None else unpaid.total},
        code=ServiceErrorCode.FEE_OUTSTANDING,
    )


@transaction.atomic
def service_request_close(
    *, actor: Actor, number: str, note: str = "", expected_version: int | None = None
) -> ServiceRequest:
    """The manager countersigns and the request is archived. Rule: S11 (S16: a remote resolution
    has no signature to collect; anything else must be signed by the customer first; B1: the fee of a
    paid request must be collected or invoiced first)."""
    actor.require_perm("service.close_servicerequest")
    request = request_lock(actor, number, expected_version)
    if request.state == RequestState.COMPLETED and request.resolution != Resolution.REMOTE:
        raise ServiceConflict(
            _("The customer has not signed the repair order yet (S11)."), code=ServiceErrorCode.SIGNATURE_REQUIRED
        )
    if request.state in ACTION_TRANSITIONS["close"]:  # a move the table refuses anyway keeps its own error
        _require_fee_settled(request)
    request.closed_at = timezone.now()
    request.closed_by = actor.user
    request_move(
        request, action="close", to=RequestState.CLOSED, actor=actor, reason=note, fields=("closed_at", "closed_by")
    )
    return request


@transaction.atomic
def service_request_cancel(
    *, actor: Actor, number: str, reason: str, expected_version: int | None = None
) -> ServiceRequest:
    """Withdraw a request before work started (customer withdrew, duplicate). Rule: S1. Stops every clock."""
    if not (actor.has_perm("service.add_servicerequest") or actor.has_perm("service.dispatch_servicerequest")):
        raise PermissionDenied()
    request = request_lock(actor, number, expected_version)
    if not (reason or "").strip():
        raise _field_error("reason", _("Give a reason."))
    request.end_reason = reason.strip()[:200]
    request_move(
        request,
        action="cancel",
        to=RequestState.CANCELLED,
        actor=actor,
        reason=request.end_reason,
        fields=("end_reason",),
    )
    for kind in (ClockKind.RESPOND, ClockKind.ARRIVE, ClockKind.SOLVE):
        _stop(request, kind, actor)
    return request


@transaction.atomic
def service_request_charging_set(
    *, actor: Actor, number: str, charging_type: str, reason: str, expected_version: int | None = None
) -> ServiceRequest:
    """Override the derived charging type with a recorded reason (damage by the customer: C → A). Rule: S4."""
    actor.require_perm("service.dispatch_servicerequest")
    request = request_lock(actor, number, expected_version)
    if charging_type not in ChargingType.values:
        raise _field_error("charging_type", _("Unknown charging type."))
    if not (reason or "").strip():
        raise _field_error("reason", _("Give the reason for changing the charging type (S4)."))
    if not request.open:
        raise ServiceConflict(_("This request has ended."), code=ServiceErrorCode.INVALID_TRANSITION)
    before = request.charging_type
    if before == charging_type:
        return request
    request.charging_type = charging_type
    request.charging_override_reason = reason.strip()[:200]
    request_save(request, ["charging_type", "charging_override_reason"])
    event_record(
        subject=request,
        action=events.REQUEST_CHARGING_CHANGED,
        actor=actor,
        rule="S4",
        data={"charging_type": [before, charging_type], "reason": request.charging_override_reason},
    )
    return request
