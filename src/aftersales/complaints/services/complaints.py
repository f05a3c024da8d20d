"""Writes of complaints (K1–K13, K15): register, contact, decide, escalate, approve, reply,
implement, close, reject the conclusion, report a major complaint.

Each service runs in one transaction, checks the right, moves the state through the action's
table (complaints.transitions) with one event, and stops or starts the K5/K6 clocks.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.selectors import actor_for, user_list_with_role
from aftersales.approvals.services import (
    LIMITS_KEY,
    Approval,
    ApprovalKind,
    ApprovalPurpose,
    ApprovalState,
    actor_may_decide,
    approval_level,
    approval_request,
)
from aftersales.calendars.selectors import CN, calendar_add, calendar_for_code
from aftersales.clocks.choices import ClockKind
from aftersales.clocks.selectors import clock_list_for
from aftersales.clocks.services import ClockSpec, clock_owner_set_for, clock_stop_for, clocks_start, policy_target
from aftersales.complaints import events
from aftersales.complaints.choices import (
    ComplaintChannel,
    ComplaintState,
    Disposition,
    FollowUpKind,
)
from aftersales.complaints.errors import ComplaintConflict, ComplaintErrorCode
from aftersales.complaints.models import Complaint, FollowUpTask
from aftersales.complaints.services.common import complaint_lock, complaint_move
from aftersales.complaints.services.followup import tasks_raise_on_close
from aftersales.complaints.transitions import ACTION_TRANSITIONS
from aftersales.core.access import SYSTEM, Actor
from aftersales.core.errors import DomainError, PermissionDenied, ValidationFailed, full_clean
from aftersales.core.events import EventDraft, event_record, snapshot
from aftersales.core.numbering import number_next
from aftersales.core.timeutils import received_time
from aftersales.customers.selectors import customer_for_intake
from aftersales.notifications.services import notification_language, notify_users
from aftersales.policies.selectors import policy_get, received_at_earliest
from aftersales.service.models import ServiceRequest

# Complaint deadlines run on China's statutory calendar (docs/decisions/0005-complaints.md).
CALENDAR = CN
REGISTER_FIELDS = [
    "customer",
    "complaint_class",
    "channel",
    "description",
    "order_number",
    "batch_number",
    "ship_date",
    "quantity",
    "defective_quantity",
    "customer_request",
    "amount_claimed",
    "loss_amount",
    "media_exposure",
    "industry_inspection",
    "samples",
    "received_at",
    "registered_by",
    "service_request",
    "callback",
    "parent",
]
# Every K5/K6 clock kind: a complaint that ends stops whichever still run.
COMPLAINT_CLOCKS = [
    ClockKind.CONTACT,
    ClockKind.SOLUTION,
    ClockKind.HEAD_DECISION,
    ClockKind.REPLY,
    ClockKind.IMPLEMENT,
    ClockKind.CLOSE,
    ClockKind.REPORT_DESK,
    ClockKind.REPORT_HEAD,
]
PURPOSE_BY_DISPOSITION: dict[str, ApprovalPurpose] = {
    Disposition.COMPENSATION: ApprovalPurpose.COMPENSATION,
    Disposition.RETURN: ApprovalPurpose.RETURN,
    Disposition.EXCHANGE: ApprovalPurpose.EXCHANGE,
}
SUMMARY_LENGTH = 120  # characters of the complaint's description shown in the approvals queue


def _field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def _check_move(complaint: Complaint, action: str) -> None:
    """409 before any other work when the action cannot start from the complaint's state."""
    if complaint.state not in ACTION_TRANSITIONS[action]:
        raise ComplaintConflict(
            _("This complaint is “%(state)s”; this step is not possible now.")
            % {"state": complaint.get_state_display()},
            code=ComplaintErrorCode.INVALID_TRANSITION,
        )


# Clock kind → (rule, policy key). Each policy is a duration with its own unit (K5/K6 defaults and the
# alternatives of 001 and 002 are one policy change apart; docs/decisions/0005).
DEADLINES: dict[str, tuple[str, str]] = {
    ClockKind.CONTACT: ("K5", "K5.contact"),
    ClockKind.SOLUTION: ("K5", "K5.solution"),
    ClockKind.HEAD_DECISION: ("K5", "K5.decide"),
    ClockKind.REPLY: ("K5", "K5.reply"),
    ClockKind.IMPLEMENT: ("K5", "K5.implement"),
    ClockKind.CLOSE: ("K5", "K5.close"),
    ClockKind.REPORT_DESK: ("K6", "K6.report_desk"),
    ClockKind.REPORT_HEAD: ("K6", "K6.report_head"),
}


def _spec(kind: str, owner: Any) -> ClockSpec:
    rule, key = DEADLINES[kind]
    return ClockSpec(kind=kind, rule=rule, policy_key=key, owner=owner)


def _start(complaint: Complaint, actor: Any, specs: list[ClockSpec], **kwargs: Any) -> None:
    clocks_start(subject=complaint, specs=specs, calendar_code=CALENDAR, actor=actor, **kwargs)


def _stop(complaint: Complaint, actor: Any, *kinds: str) -> None:
    for kind in kinds:
        clock_stop_for(subject=complaint, kind=kind, actor=actor)


def complaint_is_major(
    *, loss_amount: Decimal | None, media_exposure: bool, industry_inspection: bool, at: dt.datetime | None = None
) -> tuple[bool, dict[str, Any]]:
    """K6: industry inspection, media exposure or a customer loss of at least K6.major_loss_yuan.

    Rule: K6. Returns (major, explanation). Raises: nothing.
    """
    threshold = policy_get("K6.major_loss_yuan", at=at)
    reasons = []
    if industry_inspection:
        reasons.append("industry_inspection")
    if media_exposure:
        reasons.append("media_exposure")
    if loss_amount is not None and loss_amount >= Decimal(threshold.value):
        reasons.append("loss_amount")
    return bool(reasons), {
        "rule": "K6",
        "policy_version": threshold.version,
        "major_loss_yuan": threshold.value,
        "loss_amount": str(loss_amount) if loss_amount is not None else None,
        "reasons": reasons,
    }


def _first_user(role: str) -> User | None:
    return user_list_with_role(role).first()


def _service_request(number: str, customer_id: int) -> ServiceRequest | None:
    number = (number or "").strip().upper()
    if not number:
        return None
    found = ServiceRequest.objects.filter(number=number, customer_id=customer_id).first()
    if found is None:
        raise _field_error("service_request", _("No service request %(number)s of this customer.") % {"number": number})
    return found


def _callback(task_id: int | None, customer_id: int) -> FollowUpTask | None:
    """K2: the callback task (K15) on which the customer raised this complaint, one of theirs."""
    if task_id is None:
        return None
    task = FollowUpTask.objects.filter(
        pk=task_id, kind=FollowUpKind.CALLBACK, complaint__customer_id=customer_id
    ).first()
    if task is None:
        raise _field_error("callback", _("No callback %(id)s of this customer.") % {"id": task_id})
    return task


@transaction.atomic
def complaint_register(
    *,
    actor: Actor,
    customer_id: int,
    complaint_class: str,
    channel: str,
    description: str,
    amount_claimed: Decimal = Decimal(0),
    loss_amount: Decimal | None = None,
    media_exposure: bool = False,
    industry_inspection: bool = False,
    received_at: dt.datetime | None = None,
    service_request: str = "",
    order_number: str = "",
    batch_number: str = "",
    ship_date: dt.date | None = None,
    quantity: int | None = None,
    defective_quantity: int | None = None,
    customer_request: str = "",
    samples: str = "",
    callback: int | None = None,
    parent: Complaint | None = None,
) -> Complaint:
    """Register a complaint and start its clocks; flag and route a major complaint.

    Rule: K1 (number TS<yyyymm><seq>), K2 (whoever receives it registers it: every member of staff;
    a portal user for their own organisation, channel "web"; optionally from a service request or
    a callback task of the same customer), K4, K5 (contact and whole-case clocks),
    K6 (major: team lead owns, department head supervises, report clock).
    Raises: PermissionDenied, NotFound (customer), ValidationFailed.
    Events: complaint.registered, complaint.major, clock.started per clock.
    """
    is_portal = actor.has_role("customer")
    if not is_portal:
        actor.require_perm("complaints.add_complaint")
    customer = customer_for_intake(actor, customer_id)  # C3: a confidential file too; nothing of it is copied
    now = timezone.now()
    if is_portal:
        channel, received_at = ComplaintChannel.WEB, None
        # K6, K2: staff judge whether a complaint is major, and make the callbacks
        judged = {
            "loss_amount": loss_amount,
            "media_exposure": media_exposure or None,
            "industry_inspection": industry_inspection or None,
            "callback": callback,
        }
        refused = [name for name, value in judged.items() if value is not None]
        if refused:
            message = _("Not available on the customer portal.")
            raise ValidationFailed(message, fields=dict.fromkeys(refused, message))
    earliest = received_at_earliest(actor, at=now) if received_at is not None else None
    received = received_time(received_at, now, earliest=earliest)
    if quantity is not None and defective_quantity is not None and defective_quantity > quantity:
        raise _field_error("defective_quantity", _("The defective quantity cannot exceed the quantity."))
    major, why = complaint_is_major(
        loss_amount=loss_amount, media_exposure=media_exposure, industry_inspection=industry_inspection, at=now
    )
    owner = _first_user("team_lead") if major else _registration_owner(actor, is_portal, now)
    complaint = Complaint(
        number="TS-PENDING",
        customer=customer,
        complaint_class=complaint_class,
        channel=channel,
        description=(description or "").strip(),
        order_number=(order_number or "").strip(),
        batch_number=(batch_number or "").strip(),
        ship_date=ship_date,
        quantity=quantity,
        defective_quantity=defective_quantity,
        customer_request=(customer_request or "").strip(),
        amount_claimed=amount_claimed,
        loss_amount=loss_amount,
        media_exposure=media_exposure,
        industry_inspection=industry_inspection,
        samples=(samples or "").strip(),
        received_at=received,
        registered_by=actor.user,
        owner=owner,
        supervisor=_first_user("cs_manager") if major else None,
        service_request=_service_request(service_request, customer.pk),
        callback=_callback(callback, customer.pk),
        parent=parent,
        major=major,
    )
    full_clean(complaint, exclude=["number", "registered_by"])
    month = timezone.localtime(now).strftime("%Y%m")
    complaint.number = f"TS{month}{number_next(key='complaint', period=month):04d}"
    complaint.save()
    drafts = [
        EventDraft(
            subject=complaint,
            action=events.COMPLAINT_REGISTERED,
            actor=actor,
            rule="K1",
            data={"number": complaint.number, **snapshot(complaint, REGISTER_FIELDS)},
        )
    ]
    if major:
        drafts.append(
            EventDraft(
                subject=complaint,
                action=events.COMPLAINT_MAJOR,
                actor=actor,
                rule="K6",
                policy_version=why["policy_version"],
                data={**why, "owner": owner.pk if owner else None, "supervisor": complaint.supervisor_id},
            )
        )
    specs = [_spec(ClockKind.CONTACT, owner), _spec(ClockKind.CLOSE, owner)]
    if major:
        specs.append(_spec(ClockKind.REPORT_DESK, owner))
    _start(complaint, actor, specs, started_at=received, events_before=drafts)
    if major:
        _inform_vp(complaint, actor)
    if owner is not None and owner.pk != actor.pk:
        _notify_owner(complaint, owner)
    return complaint


OWNER_ROLE_KEY = "K2.owner_role"
HANDLE_PERM = "complaints.handle_complaint"
# The clocks the owner answers for (the head-decision clock is the supervisor's).
OWNER_CLOCKS: list[str] = [kind for kind in COMPLAINT_CLOCKS if kind != ClockKind.HEAD_DECISION]


def _owner_for_role(role: str) -> User | None:
    """The active holder of `role` with the fewest open complaints (then by username), or None."""
    open_states = [s for s in ComplaintState.values if s not in (ComplaintState.CLOSED, ComplaintState.REJECTED)]
    return (
        user_list_with_role(role)
        .annotate(open_count=Count("owned_complaints", filter=Q(owned_complaints__state__in=open_states)))
        .order_by("open_count", "username")
        .first()
    )


def _registration_owner(actor: Actor, is_portal: bool, now: dt.datetime) -> User | None:
    """K2: who receives a complaint registers it; its owner must be able to act on it. A handler
    (complaints.handle_complaint) owns what they register; a portal complaint, or one registered by
    staff outside complaint handling (an engineer …), goes to the role of K2.owner_role (the team lead)."""
    if not is_portal and actor.has_perm(HANDLE_PERM):
        return actor.user
    # nobody holds the role (yet): the department head, who can always act
    return _owner_for_role(policy_get(OWNER_ROLE_KEY, at=now).value) or _owner_for_role("cs_manager")


def _notify_owner(complaint: Complaint, owner: User) -> None:
    """The hand-off: the new owner learns the complaint is theirs (bell and e-mail, on commit)."""
    notify_users(
        users=[owner],
        title=_("Complaint %(number)s is yours") % {"number": complaint.number},
        body=f"{complaint.customer.name}: {complaint.description[:300]}",
        url=reverse("complaints:complaint_detail", args=[complaint.number]),
        rule="K2",
    )


@transaction.atomic
def complaint_reassign(
    *, actor: Actor, number: str, owner: str, reason: str = "", expected_version: int | None = None
) -> Complaint:
    """Give the complaint to another handler: they own it and its running deadlines and are notified.

    Who may: a handler who owns it, the department head (complaints.head_complaint), or a holder of the
    K2.owner_role (the team lead distributes). The new owner is an active user who handles complaints.
    Rule: K2. Raises: NotFound, PermissionDenied, ValidationFailed (owner), Conflict (ended, version).
    Events: complaint.reassigned (owner old → new), clock.reassigned per running clock.
    """
    actor.require_perm(HANDLE_PERM)
    complaint = complaint_lock(actor, number, expected_version)
    role = policy_get(OWNER_ROLE_KEY).value
    if not (complaint.owner_id == actor.pk or actor.has_perm("complaints.head_complaint") or actor.has_role(role)):
        raise PermissionDenied(
            _("The owner, the department head or the person who distributes complaints may reassign it.")
        )
    if complaint.state in (ComplaintState.CLOSED, ComplaintState.REJECTED):
        raise ComplaintConflict(
            _("This complaint is “%(state)s”; this step is not possible now.")
            % {"state": complaint.get_state_display()},
            code=ComplaintErrorCode.INVALID_TRANSITION,
        )
    new_owner = User.objects.filter(username=(owner or "").strip(), is_active=True).first()
    if new_owner is None or not actor_for(new_owner).has_perm(HANDLE_PERM):
        raise _field_error("owner", _("Choose an active colleague who handles complaints."))
    if new_owner.pk == complaint.owner_id:
        raise _field_error("owner", _("This complaint is already theirs."))
    before = complaint.owner
    complaint.owner = new_owner
    complaint.version += 1
    complaint.save(update_fields=["owner", "version", "updated_at"])
    event_record(
        subject=complaint,
        action=events.COMPLAINT_REASSIGNED,
        actor=actor,
        rule="K2",
        data={
            "owner": [before.username if before else None, new_owner.username],
            "reason": (reason or "").strip(),
        },
    )
    clock_owner_set_for(subject=complaint, owner=new_owner, kinds=OWNER_CLOCKS, actor=actor)
    _notify_owner(complaint, new_owner)
    return complaint


def _inform_vp(complaint: Complaint, actor: Actor) -> None:
    """K16: a serious (major) complaint goes to the vice-president: in the bell and by e-mail, recorded."""
    vps = list(user_list_with_role("vp"))
    notify_users(
        users=vps,
        title=_("Major complaint %(number)s") % {"number": complaint.number},
        body=complaint.description[:300],
        url=reverse("complaints:complaint_detail", args=[complaint.number]),
        rule="K16",
    )
    event_record(
        subject=complaint,
        action=events.COMPLAINT_VP_INFORMED,
        actor=actor,
        rule="K16",
        data={"vp": [user.username for user in vps]},
    )


@transaction.atomic
def complaint_report(*, actor: Actor, number: str, note: str = "", expected_version: int | None = None) -> Complaint:
    """K6: record that a major complaint reached the complaint desk, then (second call) the department head.

    Rule: K6. Raises: NotFound, PermissionDenied, Conflict (already_reported, version_conflict).
    Events: complaint.reported, clock.stopped, clock.started.
    """
    actor.require_perm("complaints.handle_complaint")
    complaint = complaint_lock(actor, number, expected_version)
    ended = complaint.state in (ComplaintState.CLOSED, ComplaintState.REJECTED)
    if not complaint.major or complaint.head_reported_at is not None or ended:
        raise ComplaintConflict(
            _("Nothing is left to report for this complaint."), code=ComplaintErrorCode.ALREADY_REPORTED
        )
    now = timezone.now()
    if complaint.desk_reported_at is None:
        complaint.desk_reported_at, to, field = now, "desk", "desk_reported_at"
        _stop(complaint, actor, ClockKind.REPORT_DESK)
    else:
        complaint.head_reported_at, to, field = now, "head", "head_reported_at"
        _stop(complaint, actor, ClockKind.REPORT_HEAD)
    complaint.version += 1
    complaint.save(update_fields=[field, "version", "updated_at"])
    event_record(
        subject=complaint, action=events.COMPLAINT_REPORTED, actor=actor, rule="K6", data={"to": to, "note": note}
    )
    if to == "desk":
        _start(complaint, actor, [_spec(ClockKind.REPORT_HEAD, complaint.owner)], started_at=now)
    return complaint


def _append(text: str, note: str) -> str:
    note = (note or "").strip()
    return f"{text}\n{note}".strip() if note else text


@transaction.atomic
def complaint_contact(*, actor: Actor, number: str, note: str = "", expected_version: int | None = None) -> Complaint:
    """K5: the customer has been contacted; the solution clock starts.

    Rule: K5. Raises: NotFound, PermissionDenied, Conflict. Events: complaint.contacted, clocks.
    """
    actor.require_perm("complaints.handle_complaint")
    complaint = complaint_lock(actor, number, expected_version)
    _check_move(complaint, "contact")
    complaint.internal_handling = _append(complaint.internal_handling, note)
    complaint_move(complaint, action="contact", to=ComplaintState.CONTACTED, actor=actor, fields=("internal_handling",))
    _stop(complaint, actor, ClockKind.CONTACT)
    _start(complaint, actor, [_spec(ClockKind.SOLUTION, complaint.owner)])
    return complaint


def _decide(
    complaint: Complaint,
    *,
    actor: Actor,
    action: str,
    disposition: str,
    decision: str,
    amount: Decimal,
    internal_handling: str,
) -> bool:
    """Fix the decision; an amount beyond the actor's authority asks for an approval instead (K7, K11).

    Returns True when decided, False when it waits for the approval.
    """
    if not (disposition or "").strip():  # K9: no default; the decider chooses it
        raise _field_error("disposition", _("Choose the disposition (return, exchange, guidance …)."))
    if disposition not in Disposition.values:
        raise _field_error("disposition", _("Unknown disposition."))
    if not (decision or "").strip():
        raise _field_error("decision", _("Describe the solution."))
    if amount < 0:
        raise _field_error("amount", _("The amount cannot be negative."))
    if disposition == Disposition.COMPENSATION and amount <= 0:
        # K7/K11: a compensation or discount is approved by its amount, so it must have one.
        raise _field_error("amount", _("Give the amount of the compensation or discount."))
    complaint.disposition = disposition
    complaint.decision = decision.strip()
    complaint.decision_amount = amount
    complaint.internal_handling = _append(complaint.internal_handling, internal_handling)
    fields = ("disposition", "decision", "decision_amount", "internal_handling", "within_authority")
    role, explanation = approval_level(amount)
    if amount > 0 and not actor_may_decide(actor, role):
        complaint.within_authority = False
        complaint_move(
            complaint,
            action=action,
            to=ComplaintState.AWAITING_APPROVAL,
            actor=actor,
            data={"approval_role": role, "amount": str(amount)},
            fields=fields,
            policy_version=explanation["policy_version"],
        )
        approval_request(
            actor=actor,
            subject=complaint,
            kind=ApprovalKind.COMPLAINT,
            purpose=PURPOSE_BY_DISPOSITION.get(disposition, ApprovalPurpose.OTHER),
            amount=amount,
            note=complaint.decision,
            policy_key=LIMITS_KEY,
            payload=_approval_summary(complaint),
        )
        return False
    if complaint.within_authority is None:
        complaint.within_authority = True
    complaint_move(
        complaint,
        action=action,
        to=ComplaintState.DECIDED,
        actor=actor,
        # K7: who was entitled to decide this amount, and why (the policy's limits and version)
        data={"disposition": disposition, "amount": str(amount), "approval_role": role, "k7": explanation},
        fields=fields,
        policy_version=explanation["policy_version"],
    )
    return True


def _approval_summary(complaint: Complaint) -> dict[str, str]:
    """What the approver's queue shows of the decision waiting for them: the customer, the complaint in
    short and the disposition decided (K9) — read by approvals.schemas.ApprovalOut and the queue page."""
    description = " ".join(complaint.description.split())
    if len(description) > SUMMARY_LENGTH:
        description = description[: SUMMARY_LENGTH - 1] + "…"
    return {
        "customer_name": complaint.customer.name,
        "summary": description,
        "disposition": complaint.disposition,
        "disposition_label": str(complaint.get_disposition_display()),
    }


@transaction.atomic
def complaint_decide(
    *,
    actor: Actor,
    number: str,
    disposition: str,
    decision: str,
    amount: Decimal = Decimal(0),
    internal_handling: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """Decide a complaint within one's authority; an amount beyond it waits for the K7 approver.

    Rule: K5, K7, K9, K11 (sales may not promise beyond its authority).
    Raises: NotFound, PermissionDenied, ValidationFailed, Conflict.
    Events: complaint.decided, or complaint.awaiting_approval and approval.requested.
    """
    actor.require_perm("complaints.handle_complaint")
    complaint = complaint_lock(actor, number, expected_version)
    _check_move(complaint, "decide")
    _decide(
        complaint,
        actor=actor,
        action="decide",
        disposition=disposition,
        decision=decision,
        amount=amount,
        internal_handling=internal_handling,
    )
    return complaint


@transaction.atomic
def complaint_escalate(
    *, actor: Actor, number: str, reason: str = "", expected_version: int | None = None
) -> Complaint:
    """Beyond authority: the case goes to the department head, who decides within K5.decide_hours.

    Rule: K5, K16. Raises: NotFound, PermissionDenied, Conflict.
    Events: complaint.escalated, clock.stopped (solution), clock.started (head_decision).
    """
    actor.require_perm("complaints.handle_complaint")
    complaint = complaint_lock(actor, number, expected_version)
    _check_move(complaint, "escalate")
    complaint.escalated_to_head = True
    complaint.within_authority = False
    fields = ["escalated_to_head", "within_authority"]
    if complaint.supervisor_id is None:
        complaint.supervisor = _first_user("cs_manager")
        fields.append("supervisor")
    complaint_move(
        complaint,
        action="escalate",
        to=ComplaintState.ESCALATED,
        actor=actor,
        reason=reason,
        fields=tuple(fields),
        data=_head_reached(complaint),
    )
    _stop(complaint, actor, ClockKind.SOLUTION)
    _start(complaint, actor, [_spec(ClockKind.HEAD_DECISION, complaint.supervisor)])
    _notify_head(complaint, actor, reason)
    return complaint


def _short(complaint: Complaint) -> str:
    """The complaint in short (customer and description), as the approvals queue shows it."""
    summary = _approval_summary(complaint)
    return f"{summary['customer_name']}: {summary['summary']}"


def _notify_head(complaint: Complaint, actor: Actor, reason: str) -> None:
    """K5 hand-off: the department head who must decide the escalated case is told (bell and e-mail)."""
    if complaint.supervisor is None or complaint.supervisor_id == actor.pk:
        return
    with notification_language():
        notify_users(
            users=[complaint.supervisor],
            title=_("Complaint %(number)s escalated to you: %(customer)s")
            % {"number": complaint.number, "customer": complaint.customer.name},
            body=_("%(who)s asks for your decision. Reason: %(reason)s. %(complaint)s")
            % {"who": actor.user, "reason": (reason or "").strip() or "—", "complaint": _short(complaint)},
            url=reverse("complaints:complaint_detail", args=[complaint.number]),
            rule="K5",
        )


def _notify_owner_decided(
    complaint: Complaint, *, by: Any, approved: bool, note: str = "", requester: Any = None
) -> None:
    """The handler (the complaint's owner) learns the decision they carry out or decide again (bell and
    e-mail), unless they made it themselves or asked for the approval (the engine tells the requester).
    Rule: K5, K7."""
    owner = complaint.owner
    if owner is None or any(other is not None and owner.pk == other.pk for other in (by, requester)):
        return
    values = {
        "number": complaint.number,
        "customer": complaint.customer.name,
        "who": by,
        "disposition": complaint.get_disposition_display(),
        "amount": complaint.decision_amount,
        "note": (note or "").strip(),
    }
    with notification_language():
        if approved:
            title = _("Complaint %(number)s decided: %(disposition)s (%(customer)s)") % values
            body = _(
                "%(who)s approved the decision (%(disposition)s, %(amount)s yuan). Reply to the customer. %(note)s"
            )
        else:
            title = _("Complaint %(number)s: the decision was refused (%(customer)s)") % values
            body = _("%(who)s refused the decision. %(note)s")
        notify_users(
            users=[owner],
            title=title,
            body=(body % values).strip(),
            url=reverse("complaints:complaint_detail", args=[complaint.number]),
            rule="K7",
        )


def _head_reached(complaint: Complaint) -> dict[str, Any]:
    """K5.head: did the case reach the department head within that duration of the first contact
    (the solution clock's start), on the complaint calendar? Recorded on the escalation event."""
    started = [c.started_at for c in clock_list_for(complaint) if c.kind == ClockKind.SOLUTION]
    if not started:
        return {}
    amount, unit, version = policy_target("K5.head")
    now = timezone.now()
    try:
        due = calendar_add(calendar_for_code(CALENDAR), start=started[-1], amount=amount, unit=unit or "hours").result
    except DomainError:  # the calendar cannot say (a year without statutory data): record what is known
        due = None
    return {
        "head_deadline": f"{amount} {unit}",
        "head_policy_version": version,
        "head_due_at": due.isoformat() if due else None,
        "hours_since_contact": round((now - started[-1]).total_seconds() / 3600, 2),
        "within_head_deadline": None if due is None else now <= due,
    }


def _start_reply(complaint: Complaint, actor: Any) -> None:
    _start(complaint, actor, [_spec(ClockKind.REPLY, complaint.owner)])


@transaction.atomic
def complaint_approve(
    *,
    actor: Actor,
    number: str,
    disposition: str,
    decision: str,
    amount: Decimal = Decimal(0),
    internal_handling: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """The department head decides an escalated complaint; an amount still needs its K7 approver.

    Rule: K5, K7. Raises: NotFound, PermissionDenied, ValidationFailed, Conflict.
    Events: complaint.decided or complaint.awaiting_approval, clocks.
    """
    actor.require_perm("complaints.head_complaint")
    complaint = complaint_lock(actor, number, expected_version)
    _check_move(complaint, "approve")
    decided = _decide(
        complaint,
        actor=actor,
        action="approve",
        disposition=disposition,
        decision=decision,
        amount=amount,
        internal_handling=internal_handling,
    )
    _stop(complaint, actor, ClockKind.HEAD_DECISION)
    if decided:
        _start_reply(complaint, actor)
        _notify_owner_decided(complaint, by=actor.user, approved=True)
    return complaint


def complaint_approval_decided(approval: Approval) -> None:
    """Approval handler (inside approval_decide's transaction): approved → decided; refused → back to
    whoever decided: "contacted" (the handler decides again or escalates), or "escalated" for a case
    with the department head, who decides again on a new head-decision clock.

    Rule: K5, K7. Raises: nothing. Events: complaint.decided / complaint.contacted / complaint.escalated,
    clock.started (reply or head decision).
    """
    complaint = Complaint.objects.select_for_update().filter(pk=approval.subject_id).first()
    if complaint is None or complaint.state != ComplaintState.AWAITING_APPROVAL:
        return
    approved = approval.state == ApprovalState.APPROVED
    if approved:
        to = ComplaintState.DECIDED
    else:
        to = ComplaintState.ESCALATED if complaint.escalated_to_head else ComplaintState.CONTACTED
    complaint_move(
        complaint,
        action="approval_approved" if approved else "approval_refused",
        to=to,
        actor=approval.decided_by,
        reason=approval.decision_note,
        data={"approval": approval.pk},
        policy_version=approval.policy_version,
    )
    _notify_owner_decided(
        complaint,
        by=approval.decided_by,
        approved=approved,
        note=approval.decision_note,
        requester=approval.requested_by,
    )
    if approved and complaint.escalated_to_head:
        _start_reply(complaint, approval.decided_by)
    elif to == ComplaintState.ESCALATED:
        _start(complaint, approval.decided_by, [_spec(ClockKind.HEAD_DECISION, complaint.supervisor)])


@transaction.atomic
def complaint_reply(*, actor: Actor, number: str, public_reply: str, expected_version: int | None = None) -> Complaint:
    """The customer gets the reply (letter or call); the internal form stays internal (K11).

    Rule: K5, K11. Raises: NotFound, PermissionDenied, ValidationFailed, Conflict.
    Events: complaint.replied, clocks.
    """
    actor.require_perm("complaints.handle_complaint")
    complaint = complaint_lock(actor, number, expected_version)
    _check_move(complaint, "reply")
    if not (public_reply or "").strip():
        raise _field_error("public_reply", _("Write the reply to the customer."))
    complaint.public_reply = public_reply.strip()
    complaint.replied_at = timezone.now()
    complaint_move(
        complaint, action="reply", to=ComplaintState.REPLIED, actor=actor, fields=("public_reply", "replied_at")
    )
    _stop(complaint, actor, ClockKind.SOLUTION, ClockKind.REPLY)
    _start(complaint, actor, [_spec(ClockKind.IMPLEMENT, complaint.owner)])
    return complaint


@transaction.atomic
def complaint_implement(
    *,
    actor: Actor,
    number: str,
    note: str = "",
    human_factor: bool = False,
    responsible_department: str = "",
    responsible_person: str = "",
    loss_amount: Decimal | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """The responsible person has carried out the solution; responsibility is recorded (K8).

    Rule: K5, K8 (negligence costs K8.negligence_points). Raises: NotFound, PermissionDenied,
    ValidationFailed, Conflict. Events: complaint.implemented, clock.stopped.
    """
    actor.require_perm("complaints.handle_complaint")
    complaint = complaint_lock(actor, number, expected_version)
    _check_move(complaint, "implement")
    person = None
    if (responsible_person or "").strip():
        person = User.objects.filter(username=responsible_person.strip(), is_active=True).first()
        if person is None:
            raise _field_error("responsible_person", _("No active user %(name)s.") % {"name": responsible_person})
    if human_factor and (person is None or not (responsible_department or "").strip()):
        # K8: the sanction list names a department and a person for every human-factor case.
        raise _field_error(
            "responsible_person" if person is None else "responsible_department",
            _("A human-factor case needs the responsible department and person (K8)."),
        )
    points = policy_get("K8.negligence_points")
    complaint.human_factor = human_factor
    complaint.responsible_department = (responsible_department or "").strip()
    complaint.responsible_person = person
    complaint.penalty_points = points.value if human_factor else 0
    if loss_amount is not None:
        complaint.loss_amount = loss_amount
    complaint.internal_handling = _append(complaint.internal_handling, note)
    complaint_move(
        complaint,
        action="implement",
        to=ComplaintState.IMPLEMENTED,
        actor=actor,
        data={"penalty_points": complaint.penalty_points},
        policy_version=points.version,
        fields=(
            "human_factor",
            "responsible_department",
            "responsible_person",
            "penalty_points",
            "loss_amount",
            "internal_handling",
        ),
    )
    _stop(complaint, actor, ClockKind.IMPLEMENT)
    return complaint


@transaction.atomic
def complaint_close(
    *,
    actor: Actor,
    number: str,
    unfounded: bool = False,
    receivables: Decimal | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """Close the case; a callback to confirm the result becomes due (K15: a task for the owner); an
    unfounded complaint's receivables are collected on schedule (K13: a task for finance with
    `receivables`, by default the amount claimed).

    Rule: K5, K13, K15. Raises: NotFound, PermissionDenied, ValidationFailed, Conflict.
    Events: complaint.closed, clock.stopped, complaint.callback_due, complaint.receivables_due,
    complaint.task_raised (with its clock.started).
    """
    actor.require_perm("complaints.handle_complaint")
    complaint = complaint_lock(actor, number, expected_version)
    _check_move(complaint, "close")
    if receivables is not None and receivables < 0:
        raise _field_error("receivables", _("The amount cannot be negative."))
    complaint.closed_at = timezone.now()
    complaint.unfounded = unfounded
    complaint_move(complaint, action="close", to=ComplaintState.CLOSED, actor=actor, fields=("closed_at", "unfounded"))
    _stop(complaint, actor, *COMPLAINT_CLOCKS)
    event_record(
        subject=complaint,
        action=events.COMPLAINT_CALLBACK_DUE,
        actor=actor,
        rule="K15",
        data={"customer": complaint.customer_id, "closed_at": complaint.closed_at.isoformat()},
    )
    if unfounded:
        event_record(
            subject=complaint,
            action=events.COMPLAINT_RECEIVABLES_DUE,
            actor=actor,
            rule="K13",
            data={"customer": complaint.customer_id},
        )
    tasks_raise_on_close(complaint, actor, receivables)
    return complaint


@transaction.atomic
def complaint_reject_conclusion(
    *, actor: Actor, number: str, reason: str, expected_version: int | None = None
) -> Complaint:
    """The customer rejects the conclusion: the form ends as "rejected" and a new one, linked to it,
    is registered and handled again. Returns the new complaint.

    Rule: K10. Raises: NotFound, PermissionDenied, ValidationFailed, Conflict.
    Events: complaint.rejected, complaint.reopened (on the original), the new complaint's registration.
    """
    actor.require_perm("complaints.handle_complaint")
    original = complaint_lock(actor, number, expected_version)
    _check_move(original, "reject_conclusion")
    if not (reason or "").strip():
        raise _field_error("reason", _("Say what the customer does not accept."))
    complaint_move(original, action="reject_conclusion", to=ComplaintState.REJECTED, actor=actor, reason=reason.strip())
    _stop(original, actor, *COMPLAINT_CLOCKS)
    follower = complaint_register(
        actor=actor,
        customer_id=original.customer_id,
        complaint_class=original.complaint_class,
        channel=original.channel,
        description=_("The customer rejects the conclusion of %(number)s: %(reason)s")
        % {"number": original.number, "reason": reason.strip()},
        amount_claimed=original.amount_claimed,
        loss_amount=original.loss_amount,
        media_exposure=original.media_exposure,
        industry_inspection=original.industry_inspection,
        service_request=original.service_request.number if original.service_request else "",
        order_number=original.order_number,
        batch_number=original.batch_number,
        ship_date=original.ship_date,
        quantity=original.quantity,
        defective_quantity=original.defective_quantity,
        customer_request=original.customer_request,
        samples=original.samples,
        parent=original,
    )
    event_record(
        subject=original, action=events.COMPLAINT_REOPENED, actor=actor, rule="K10", data={"follower": follower.number}
    )
    return follower


def complaint_clock_escalated(escalation: Any) -> None:
    """Escalation handler (clocks.sweep, inside its transaction): a K5/K6 ladder step on a complaint's
    clock is recorded on the complaint, and a reassignment makes the new user its owner.

    Rule: K5, K6, X2. Raises: nothing. Events: complaint.clock_escalated.
    """
    clock = escalation.clock
    complaint = Complaint.objects.filter(pk=int(clock.subject_id)).first()
    if complaint is None:
        return
    reassigned = escalation.reassigned_to
    if reassigned is not None and complaint.owner_id != reassigned.pk:
        # Locked and versioned like any change: a form opened before the reassignment is refused.
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        complaint.owner = reassigned
        complaint.version += 1
        complaint.save(update_fields=["owner", "version", "updated_at"])
    event_record(
        subject=complaint,
        action=events.COMPLAINT_CLOCK_ESCALATED,
        actor=SYSTEM,
        rule=clock.rule,
        policy_version=clock.policy_version,
        data={
            "clock": clock.kind,
            "at": escalation.at,
            "level": escalation.level,
            "reassigned_to": getattr(reassigned, "username", None),
        },
    )
