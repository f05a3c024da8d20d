"""Complaint follow-up (K12–K15): tasks raised at closing, joint handling with a supplier, corrective
and preventive action (CAPA).

- K15: closing makes the callback of kind "after complaint" in the callbacks queue for the complaint's
  owner (signal complaints.signals.callback_due, heard by the callbacks app), due K15.callback_days
  working days later on the complaint calendar. Tasks of kind "callback" raised before that stay as
  history (docs/decisions/0036).
- K13: closing an unfounded complaint raises a receivables task for finance with the amount to
  collect, due K13.collect_days calendar days later (a "collect" clock).
- K14: a corrective action is planned → carried out (raises a verification task for quality) →
  verified by the quality department (never by its own owner).
- K12: a supplier or another company shares the handling and the cost.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.selectors import user_list_with_role
from aftersales.calendars.selectors import CN
from aftersales.clocks.choices import ClockKind
from aftersales.clocks.services import ClockSpec, clock_stop_for, clocks_start
from aftersales.complaints import events
from aftersales.complaints.choices import CapaState, ComplaintState, FollowUpKind
from aftersales.complaints.errors import ComplaintConflict, ComplaintErrorCode
from aftersales.complaints.models import Complaint, CorrectiveAction, FollowUpTask
from aftersales.complaints.selectors import access_capa, access_complaint, access_task
from aftersales.complaints.services.common import complaint_lock
from aftersales.complaints.signals import callback_due
from aftersales.complaints.transitions import CAPA_TRANSITIONS
from aftersales.core.access import SYSTEM, Actor
from aftersales.core.errors import NotFound, PermissionDenied, ValidationFailed
from aftersales.core.events import event_record
from aftersales.core.workflow import transition
from aftersales.notifications.services import notify_users

FINANCE_ROLE = "finance"
QUALITY_ROLE = "quality"
# kind → (clock kind, policy key, unit) of the task's deadline
TASK_CLOCKS: dict[str, tuple[ClockKind, str, str]] = {
    FollowUpKind.CALLBACK: (ClockKind.CALLBACK, "K15.callback_days", "working_days"),
    FollowUpKind.RECEIVABLES: (ClockKind.COLLECT, "K13.collect_days", "days"),
}


def _field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


# --- tasks (K13, K14, K15) ----------------------------------------------------------------------


def task_raise(
    *,
    complaint: Complaint,
    kind: str,
    rule: str,
    actor: Any = SYSTEM,
    assignee: User | None = None,
    assignee_role: str = "",
    amount: Decimal | None = None,
    corrective_action: CorrectiveAction | None = None,
    started_at: dt.datetime | None = None,
) -> FollowUpTask | None:
    """Raise a follow-up task once per complaint and kind (per corrective action for K14); a callback or
    receivables task gets its deadline clock. Returns None when it was already raised.

    Runs inside the caller's transaction. Events: complaint.task_raised, clock.started.
    """
    existing = FollowUpTask.objects.filter(complaint=complaint, kind=kind, corrective_action=corrective_action)
    if existing.exists():
        return None
    task = FollowUpTask.objects.create(
        complaint=complaint,
        kind=kind,
        rule=rule,
        corrective_action=corrective_action,
        assignee=assignee,
        assignee_role=assignee_role,
        amount=amount,
    )
    if kind in TASK_CLOCKS:
        clock_kind, policy_key, unit = TASK_CLOCKS[kind]
        spec = ClockSpec(kind=clock_kind, rule=rule, policy_key=policy_key, unit=unit, owner=assignee)
        clock = clocks_start(subject=task, specs=[spec], calendar_code=CN, actor=actor, started_at=started_at)[0]
        task.due_at, task.policy_version = clock.due_at, clock.policy_version
        task.save(update_fields=["due_at", "policy_version", "updated_at"])
    event_record(
        subject=complaint,
        action=events.COMPLAINT_TASK_RAISED,
        actor=actor,
        rule=rule,
        policy_version=task.policy_version or None,
        data={
            "task": task.pk,
            "kind": kind,
            "assignee": getattr(assignee, "username", None),
            "assignee_role": assignee_role,
            "amount": str(amount) if amount is not None else None,
            "due_at": task.due_at.isoformat() if task.due_at else None,
        },
    )
    return task


def tasks_raise_on_close(complaint: Complaint, actor: Actor, receivables: Decimal | None = None) -> None:
    """K15 callback for the owner (the closer when nobody owns it), made in the callbacks queue; K13
    receivables for finance when the complaint is unfounded (the amount: `receivables`, else the amount
    claimed)."""
    callback_due.send(
        sender=Complaint,
        complaint=complaint,
        actor=actor,
        assignee=complaint.owner or actor.user,
        started_at=complaint.closed_at,
    )
    if complaint.unfounded:
        task_raise(
            complaint=complaint,
            kind=FollowUpKind.RECEIVABLES,
            rule="K13",
            actor=actor,
            assignee=user_list_with_role(FINANCE_ROLE).first(),
            assignee_role=FINANCE_ROLE,
            amount=receivables if receivables is not None else complaint.amount_claimed,
            started_at=complaint.closed_at,
        )


def _may_do(actor: Actor, task: FollowUpTask) -> bool:
    if task.assignee_id is not None and task.assignee_id == actor.pk:
        return True
    if task.assignee_role:
        return actor.has_role(task.assignee_role)
    return actor.has_perm("complaints.handle_complaint")


@transaction.atomic
def task_done(*, actor: Actor, task_id: int, note: str = "") -> FollowUpTask:
    """Mark a follow-up task done: the callback made, the receivables collected, the action verified.

    Who: the assignee, or anyone of the task's role (finance, quality), or a complaint handler for a
    callback. Rule: K13, K14, K15. Raises: NotFound, PermissionDenied, Conflict (task_already_done).
    Events: complaint.task_done, clock.stopped.
    """
    actor.require_perm("complaints.change_followuptask")
    task = access_task(actor, task_id, for_update=True)
    if not _may_do(actor, task):
        raise PermissionDenied(_("This task is for someone else."))
    if task.done_at is not None:
        raise ComplaintConflict(_("This task is already done."), code=ComplaintErrorCode.TASK_DONE)
    task.done_at = timezone.now()
    task.done_by = actor.user
    task.note = (note or "").strip()
    task.save(update_fields=["done_at", "done_by", "note", "updated_at"])
    if task.kind in TASK_CLOCKS:
        clock_stop_for(subject=task, kind=TASK_CLOCKS[task.kind][0], actor=actor)
    event_record(
        subject=task.complaint,
        action=events.COMPLAINT_TASK_DONE,
        actor=actor,
        rule=task.rule,
        data={"task": task.pk, "kind": task.kind, "note": task.note},
    )
    return task


# --- K12 joint handling with a supplier ---------------------------------------------------------


@transaction.atomic
def complaint_supplier_set(
    *,
    actor: Actor,
    number: str,
    supplier_name: str,
    supplier_contact: str = "",
    supplier_share: Decimal | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """Record the supplier (or other company) handling the complaint jointly and its share of the cost.

    An empty name clears the joint handling. Rule: K12. Raises: NotFound, PermissionDenied,
    ValidationFailed, Conflict. Events: complaint.supplier_set.
    """
    actor.require_perm("complaints.handle_complaint")
    complaint = complaint_lock(actor, number, expected_version)
    if complaint.state in (ComplaintState.CLOSED, ComplaintState.REJECTED):
        raise ComplaintConflict(
            _("This complaint is “%(state)s”; this step is not possible now.")
            % {"state": complaint.get_state_display()},
            code=ComplaintErrorCode.INVALID_TRANSITION,
        )
    name = (supplier_name or "").strip()
    if supplier_share is not None and supplier_share < 0:
        raise _field_error("supplier_share", _("The amount cannot be negative."))
    if not name and ((supplier_contact or "").strip() or supplier_share):
        raise _field_error("supplier_name", _("Name the supplier."))
    complaint.supplier_name = name
    complaint.supplier_contact = (supplier_contact or "").strip() if name else ""
    complaint.supplier_share = supplier_share if name else None
    complaint.version += 1
    complaint.save(update_fields=["supplier_name", "supplier_contact", "supplier_share", "version", "updated_at"])
    event_record(
        subject=complaint,
        action=events.COMPLAINT_SUPPLIER,
        actor=actor,
        rule="K12",
        data={
            "supplier_name": complaint.supplier_name,
            "supplier_contact": complaint.supplier_contact,
            "supplier_share": str(complaint.supplier_share) if complaint.supplier_share is not None else None,
        },
    )
    return complaint


# --- K14 corrective and preventive action -------------------------------------------------------


def _capa_data(capa: CorrectiveAction, **extra: Any) -> dict[str, Any]:
    return {"capa": capa.pk, "state": capa.state, **extra}


def _check_capa(capa: CorrectiveAction, state: str) -> None:
    if capa.state != state:
        raise ComplaintConflict(
            _("This corrective action is “%(state)s”; this step is not possible now.")
            % {"state": capa.get_state_display()},
            code=ComplaintErrorCode.CAPA_STATE,
        )


@transaction.atomic
def capa_plan(
    *,
    actor: Actor,
    number: str,
    needed: bool = True,
    measures: str = "",
    owner: str = "",
    due_date: dt.date | None = None,
) -> CorrectiveAction:
    """Decide whether improvement is needed and plan the measures, their owner and due date.

    Not needed: recorded as verified at once (nothing to carry out). Rule: K14. Raises: NotFound,
    PermissionDenied, ValidationFailed. Events: complaint.capa_planned.
    """
    actor.require_perm("complaints.add_correctiveaction")
    complaint = access_complaint(actor, number, for_update=True)
    measures = (measures or "").strip()
    person = None
    if needed:
        if not measures:
            raise _field_error("measures", _("Describe the measures."))
        if (owner or "").strip():
            person = User.objects.filter(username=owner.strip(), is_active=True).first()
            if person is None:
                raise _field_error("owner", _("No active user %(name)s.") % {"name": owner})
        if due_date is not None and due_date < timezone.localdate():
            raise _field_error("due_date", _("The due date cannot be in the past."))
    now = timezone.now()
    capa = CorrectiveAction.objects.create(
        complaint=complaint,
        needed=needed,
        measures=measures,
        owner=person or (actor.user if needed else None),
        due_date=due_date if needed else None,
        planned_by=actor.user,
        state=CapaState.PLANNED if needed else CapaState.VERIFIED,
        verified_by=None if needed else actor.user,
        verified_at=None if needed else now,
    )
    event_record(
        subject=complaint,
        action=events.CAPA_PLANNED,
        actor=actor,
        rule="K14",
        data=_capa_data(
            capa,
            needed=needed,
            measures=measures,
            owner=getattr(capa.owner, "username", None),
            due_date=capa.due_date.isoformat() if capa.due_date else None,
        ),
    )
    return capa


@transaction.atomic
def capa_plan_on_topic(
    *,
    actor: Actor,
    topic: str,
    measures: str,
    owner: str = "",
    due_date: dt.date | None = None,
) -> CorrectiveAction:
    """Plan a corrective action that stands on no complaint (e.g. a Q3 recurring-problem warning):
    `topic` says what it addresses. The measures are required (improvement is needed by definition).

    Rule: K14. Raises: PermissionDenied, ValidationFailed. Events: complaint.capa_planned (on the action).
    """
    actor.require_perm("complaints.add_correctiveaction")
    topic, measures = (topic or "").strip(), (measures or "").strip()
    if not topic:
        raise _field_error("topic", _("Say which problem the action addresses."))
    if not measures:
        raise _field_error("measures", _("Describe the measures."))
    person = None
    if (owner or "").strip():
        person = User.objects.filter(username=owner.strip(), is_active=True).first()
        if person is None:
            raise _field_error("owner", _("No active user %(name)s.") % {"name": owner})
    if due_date is not None and due_date < timezone.localdate():
        raise _field_error("due_date", _("The due date cannot be in the past."))
    capa = CorrectiveAction.objects.create(
        complaint=None,
        topic=topic[:200],
        needed=True,
        measures=measures,
        owner=person or actor.user,
        due_date=due_date,
        planned_by=actor.user,
        state=CapaState.PLANNED,
    )
    event_record(
        subject=capa,
        action=events.CAPA_PLANNED,
        actor=actor,
        rule="K14",
        data=_capa_data(
            capa,
            topic=capa.topic,
            measures=measures,
            owner=getattr(capa.owner, "username", None),
            due_date=due_date.isoformat() if due_date else None,
        ),
    )
    return capa


def _capa_carried_out(actor: Actor, capa: CorrectiveAction, note: str, *, subject: Any) -> None:
    """K14 planned → done on a locked action, its event recorded on `subject` (the complaint, or the action
    itself when it stands on no complaint)."""
    _check_capa(capa, CapaState.PLANNED)
    capa.done_at = timezone.now()
    capa.done_note = (note or "").strip()
    transition(
        capa, to=CapaState.DONE, table=CAPA_TRANSITIONS, actor=actor, extra_update_fields=("done_at", "done_note")
    )
    event_record(
        subject=subject, action=events.CAPA_DONE, actor=actor, rule="K14", data=_capa_data(capa, note=capa.done_note)
    )


def _capa_verified(actor: Actor, capa: CorrectiveAction, effective: bool, note: str, *, subject: Any) -> str:
    """K14 verification of a locked action: effective → verified; not effective (the reason required) →
    planned again; nobody verifies their own. Records the event on `subject`; returns the cleaned note."""
    _check_capa(capa, CapaState.DONE)
    if capa.owner_id == actor.pk:
        raise PermissionDenied(_("Nobody verifies their own corrective action."), code=ComplaintErrorCode.OWN_CAPA)
    note = (note or "").strip()
    if not effective and not note:
        raise _field_error("note", _("Say why the measures are not effective."))
    capa.verification_note = note
    if effective:
        capa.verified_by, capa.verified_at = actor.user, timezone.now()
    else:
        capa.done_at = None
    transition(
        capa,
        to=CapaState.VERIFIED if effective else CapaState.PLANNED,
        table=CAPA_TRANSITIONS,
        actor=actor,
        reason=note,
        extra_update_fields=("verified_by", "verified_at", "verification_note", "done_at"),
    )
    event_record(
        subject=subject,
        action=events.CAPA_VERIFIED,
        actor=actor,
        rule="K14",
        data=_capa_data(capa, effective=effective, note=note),
    )
    return note


@transaction.atomic
def capa_done(*, actor: Actor, number: str, capa_id: int, note: str = "") -> CorrectiveAction:
    """The measures have been carried out; quality is asked to verify them (a capa_verify task).

    Rule: K14. Raises: NotFound, PermissionDenied, Conflict (capa_invalid_state).
    Events: complaint.capa_done, complaint.task_raised.
    """
    actor.require_perm("complaints.change_correctiveaction")
    complaint = access_complaint(actor, number)
    capa = access_capa(actor, complaint, capa_id, for_update=True)
    _capa_carried_out(actor, capa, note, subject=complaint)
    task_raise(
        complaint=complaint,
        kind=FollowUpKind.CAPA_VERIFY,
        rule="K14",
        actor=actor,
        assignee=user_list_with_role(QUALITY_ROLE).first(),
        assignee_role=QUALITY_ROLE,
        corrective_action=capa,
    )
    return capa


@transaction.atomic
def capa_verify(*, actor: Actor, number: str, capa_id: int, effective: bool = True, note: str = "") -> CorrectiveAction:
    """The quality department verifies the measures: effective → verified (and its task done);
    not effective → planned again, to be carried out anew.

    Rule: K14. Raises: NotFound, PermissionDenied (not quality; own action), ValidationFailed,
    Conflict. Events: complaint.capa_verified, complaint.task_done.
    """
    actor.require_perm("complaints.verify_correctiveaction")
    complaint = access_complaint(actor, number)
    capa = access_capa(actor, complaint, capa_id, for_update=True)
    note = _capa_verified(actor, capa, effective, note, subject=complaint)
    task = (
        FollowUpTask.objects.select_for_update()
        .filter(corrective_action=capa, kind=FollowUpKind.CAPA_VERIFY, done_at__isnull=True)
        .first()
    )
    if task is not None and effective:
        task.done_at, task.done_by, task.note = timezone.now(), actor.user, note
        task.save(update_fields=["done_at", "done_by", "note", "updated_at"])
    elif task is not None:  # to be carried out again: the next "done" asks for a new verification
        task.delete()
    return capa


# --- K14 on a corrective action that stands on no complaint (a Q3 warning; docs/decisions/0040) -------------


def _topic_capa(capa_id: int) -> CorrectiveAction:
    """A complaint-less corrective action, locked. Raises: NotFound."""
    found = CorrectiveAction.objects.select_for_update().filter(pk=capa_id, complaint__isnull=True).first()
    if found is None:
        raise NotFound()
    return found


@transaction.atomic
def capa_done_on_topic(*, actor: Actor, capa_id: int, note: str = "", url: str = "") -> CorrectiveAction:
    """The measures of a complaint-less action have been carried out (its owner, or whoever may change
    corrective actions); quality is told to verify them (bell + mail, linked to `url`: the warning).

    Rule: K14. Raises: NotFound, PermissionDenied, Conflict (capa_invalid_state). Events: complaint.capa_done
    (on the action)."""
    actor.require_perm("complaints.change_correctiveaction")
    capa = _topic_capa(capa_id)
    _capa_carried_out(actor, capa, note, subject=capa)
    notify_users(
        users=[u for u in user_list_with_role(QUALITY_ROLE) if u.pk != capa.owner_id],
        title=_("Corrective action to verify: %(topic)s") % {"topic": capa.topic},
        body=capa.done_note or capa.measures,
        url=url,
        rule="K14",
    )
    return capa


@transaction.atomic
def capa_verify_on_topic(*, actor: Actor, capa_id: int, effective: bool = True, note: str = "") -> CorrectiveAction:
    """Quality verifies a complaint-less action: effective → verified; not effective (with the reason) →
    planned again. Nobody verifies their own action.

    Rule: K14. Raises: NotFound, PermissionDenied (not quality; own action), ValidationFailed, Conflict.
    Events: complaint.capa_verified (on the action)."""
    actor.require_perm("complaints.verify_correctiveaction")
    capa = _topic_capa(capa_id)
    note = _capa_verified(actor, capa, effective, note, subject=capa)
    return capa
