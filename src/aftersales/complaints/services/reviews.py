"""K8: the monthly responsibility review of last month's closed complaints (001 §25, §28).

By K8.review_day of each month the department head reviews the previous month's closed complaints
whose cause was a human factor. Each case costs the responsible person K8.negligence_points; the
review lists them as the sanction list (人事公布单: points per person), approved by the VP, and the
reward/penalty notice (奖罚通知单: the loss amounts deducted per person), approved by the GM.
Two decisions on the review, not K7 amount approvals: the SPEC names the approvers by role, whatever
the amount (docs/decisions/0005-complaints.md, "Decisions (follow-up)"). Submitting asks the one
approvals engine for one approval per part (kind responsibility_review, docs/decisions/0015); the
engine's handler (review_approval_decided) moves the review.

draft (prepared, again and again) → submitted (cs_manager) → approved (VP and GM both approved);
a refusal sends it back to draft. The due date is a clock (kind responsibility_review, rule K8)
from the first of the next month, K8.review_day calendar days: due at the end of that day.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.selectors import actor_for
from aftersales.approvals.selectors import pending_approvals_lock
from aftersales.approvals.services import (
    Approval,
    ApprovalKind,
    ApprovalPurpose,
    ApprovalState,
    approval_decide,
    approval_refuse_pending,
    approval_request,
)
from aftersales.calendars.selectors import CN
from aftersales.clocks.choices import ClockKind
from aftersales.clocks.services import ClockSpec, clock_stop_for, clocks_start
from aftersales.complaints import events
from aftersales.complaints.choices import ComplaintState, ReviewState
from aftersales.complaints.errors import ComplaintConflict, ComplaintErrorCode
from aftersales.complaints.models import Complaint, ResponsibilityReview
from aftersales.complaints.selectors import access_review
from aftersales.complaints.transitions import REVIEW_TRANSITIONS
from aftersales.core.access import SYSTEM, Actor
from aftersales.core.errors import PermissionDenied, ValidationFailed
from aftersales.core.events import event_record
from aftersales.core.workflow import expect_transition, expect_version, locked_for_change, versioned_transition
from aftersales.policies.selectors import policy_get

SANCTION_APPROVER = "vp"  # 人事公布单 (K8: sanctions approved by the VP)
NOTICE_APPROVER = "gm"  # 奖罚通知单 (K8: approved by the GM)
PARTS = ("sanctions", "notices")
APPROVER = {"sanctions": SANCTION_APPROVER, "notices": NOTICE_APPROVER}


def _period_error() -> ValidationFailed:
    message = _("Give the month as YYYY-MM.")
    return ValidationFailed(message, fields={"period": [message]})


def period_bounds(period: str) -> tuple[dt.datetime, dt.datetime]:
    """[first instant, first instant of the next month) of "YYYY-MM" in the local time zone. Raises: ValidationFailed."""
    try:
        year_text, month_text = period.split("-")
        if len(year_text) != 4 or len(month_text) != 2:
            raise ValueError(period)
        first = dt.date(int(year_text), int(month_text), 1)
    except (ValueError, TypeError, AttributeError):
        raise _period_error() from None
    after = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(dt.datetime.combine(first, dt.time.min), zone),
        timezone.make_aware(dt.datetime.combine(after, dt.time.min), zone),
    )


def previous_period(now: dt.datetime | None = None) -> str:
    today = timezone.localtime(now or timezone.now()).date()
    last = today.replace(day=1) - dt.timedelta(days=1)
    return f"{last.year:04d}-{last.month:02d}"


LOSS_STANDARD_KEY = "K8.loss_standard"
CENT = Decimal("0.01")


def penalty_deduction(loss: Decimal, standard: dict[str, Any]) -> Decimal:
    """K8 (客户投诉损失金额核算基准, 罚扣判定基准): the deduction for one case = share_percent % of the loss the
    responsible person is accountable for, at most cap_yuan; rounded to the fen. Pure. Raises: nothing."""
    share = (Decimal(loss) * Decimal(standard["share_percent"]) / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
    return min(share, Decimal(standard["cap_yuan"]).quantize(CENT))


def review_lines(period: str) -> dict[str, Any]:
    """The period's closed complaints as review lines; the human-factor ones make the sanction list
    (points per person) and the reward/penalty notice (deductions per person, by the loss standard).

    Rule: K8. Raises: ValidationFailed (period). Reads K8.negligence_points and K8.loss_standard in
    force at the month's end. One query over complaint_review_idx (state, closed_at), plain rows
    (make bench: 1M complaints).
    """
    start, end = period_bounds(period)
    points = policy_get("K8.negligence_points", at=end)
    standard = policy_get(LOSS_STANDARD_KEY, at=end)
    rows = (
        Complaint.objects.filter(state=ComplaintState.CLOSED, closed_at__gte=start, closed_at__lt=end)
        .order_by("closed_at", "id")
        .values_list(
            "number",
            "closed_at",
            "human_factor",
            "responsible_person__username",
            "responsible_person__first_name",
            "responsible_person__last_name",
            "responsible_department",
            "loss_amount",
        )
    )
    lines: list[dict[str, Any]] = []
    people: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()
    for number, closed_at, human, username, first, last, department, loss_amount in rows:
        assert closed_at is not None  # a closed_at range is in the filter
        username = username or ""
        name = f"{first or ''} {last or ''}".strip() or username
        loss = (loss_amount or Decimal("0.00")) if human else Decimal("0.00")
        deduction = penalty_deduction(loss, standard.value) if human else Decimal("0.00")
        lines.append(
            {
                "complaint": number,
                "closed_at": closed_at.isoformat(),
                "human_factor": human,
                "responsible_person": username if human else "",
                "responsible_name": name if human else "",
                "department": department if human else "",
                "points": points.value if human else 0,
                "loss_amount": str(loss),
                "deduction": str(deduction),
            }
        )
        if not human:
            continue
        row = people.setdefault(
            (username, department),
            {
                "responsible_person": username,
                "responsible_name": name,
                "department": department,
                "cases": [],
                "points": 0,
                "loss": Decimal("0.00"),
                "deduction": Decimal("0.00"),
            },
        )
        row["cases"].append(number)
        row["points"] += points.value
        row["loss"] += loss
        row["deduction"] += deduction
    sanctions = [{k: v for k, v in row.items() if k not in ("loss", "deduction")} for row in people.values()]
    notices = [{**row, "loss": str(row["loss"]), "deduction": str(row["deduction"])} for row in people.values()]
    return {
        "lines": lines,
        "sanctions": sanctions,
        "notices": notices,
        "total_points": sum(line["points"] for line in lines),
        "total_deductions": sum((Decimal(line["deduction"]) for line in lines), Decimal("0.00")),
        "policy_version": points.version,
        "loss_standard": {**standard.value, "policy_version": standard.version, "points": points.value},
    }


def _version_message() -> str:
    return _("Someone else changed this review in the meantime (version %(theirs)s, yours %(yours)s). Reload it.")


def _check_version(review: ResponsibilityReview, expected_version: int | None) -> None:
    expect_version(review, expected_version, _version_message(), code=ComplaintErrorCode.VERSION_CONFLICT)


def _locked(actor: Actor, period: str, expected_version: int | None) -> ResponsibilityReview:
    """The review locked by its period, at the version the caller acted on (404, 409 version_conflict)."""
    return locked_for_change(
        access_review,
        actor,
        period,
        expected_version,
        message=_version_message(),
        code=ComplaintErrorCode.VERSION_CONFLICT,
    )


def _check_state(review: ResponsibilityReview, *states: str) -> None:
    if review.state not in states:
        raise ComplaintConflict(
            _("This review is “%(state)s”; this step is not possible now.") % {"state": review.get_state_display()},
            code=ComplaintErrorCode.REVIEW_STATE,
        )


_BUILT = ("lines", "sanctions", "notices", "total_points", "total_deductions", "policy_version", "loss_standard")


def _fill(review: ResponsibilityReview, built: dict[str, Any]) -> None:
    for field in _BUILT:
        setattr(review, field, built[field])
    review.prepared_at = timezone.now()


def _create(period: str, actor: Any) -> ResponsibilityReview:
    _start, end = period_bounds(period)
    review = ResponsibilityReview(period=period, due_at=end)
    _fill(review, review_lines(period))
    try:
        with transaction.atomic():  # a savepoint: the period is unique
            review.save()
    except IntegrityError:
        raise ComplaintConflict(
            _("The review of %(period)s was prepared by someone else at the same time; open it again.")
            % {"period": period},
            code=ComplaintErrorCode.REVIEW_STATE,
        ) from None
    spec = ClockSpec(kind=ClockKind.REVIEW, rule="K8", policy_key="K8.review_day", unit="days")
    clock = clocks_start(subject=review, specs=[spec], calendar_code=CN, actor=actor, started_at=end)[0]
    review.due_at = clock.due_at or end
    review.save(update_fields=["due_at", "updated_at"])
    return review


def _prepared(review: ResponsibilityReview, actor: Any) -> ResponsibilityReview:
    event_record(
        subject=review,
        action=events.REVIEW_PREPARED,
        actor=actor,
        rule="K8",
        policy_version=review.policy_version,
        data={
            "period": review.period,
            "cases": [line["complaint"] for line in review.lines],
            "total_points": review.total_points,
            "total_deductions": str(review.total_deductions),
        },
    )
    return review


def _check_period_over(period: str) -> None:
    _start, end = period_bounds(period)
    if end > timezone.now():
        message = _("The month is not over yet.")
        raise ValidationFailed(message, fields={"period": [message]})


@transaction.atomic
def review_prepare(*, actor: Actor, period: str, expected_version: int | None = None) -> ResponsibilityReview:
    """Prepare (or prepare again, while a draft) the review of a past month.

    Rule: K8. Raises: PermissionDenied, ValidationFailed (period), Conflict (submitted or approved).
    Events: responsibility_review.prepared, clock.started (first time).
    """
    actor.require_perm("complaints.submit_responsibilityreview")
    _check_period_over(period)
    review = ResponsibilityReview.objects.select_for_update().filter(period=period).first()
    if review is None:
        return _prepared(_create(period, actor), actor)
    _check_version(review, expected_version)
    _check_state(review, ReviewState.DRAFT)
    _fill(review, review_lines(period))
    review.version += 1
    review.save(update_fields=[*_BUILT, "prepared_at", "version", "updated_at"])  # the state is not touched here
    return _prepared(review, actor)


@transaction.atomic
def review_prepare_due(*, now: dt.datetime | None = None) -> ResponsibilityReview | None:
    """Periodic (1st of the month, 00:20): prepare last month's review unless it exists already.

    Idempotent: returns None when the review exists. Rule: K8. Events: as review_prepare.
    """
    period = previous_period(now)
    if ResponsibilityReview.objects.filter(period=period).exists():
        return None
    try:
        review = _create(period, SYSTEM)
    except ComplaintConflict:  # prepared by someone else meanwhile
        return None
    return _prepared(review, SYSTEM)


def _ask_approvals(actor: Actor, review: ResponsibilityReview, parts: tuple[str, ...] = PARTS) -> None:
    """K8: one approval per part of the review in the approvals engine: the VP decides the sanction
    list, the GM the reward/penalty notice (the approvals queue, bell and e-mail)."""
    people = len(review.sanctions)
    for part in parts:
        if part == "sanctions":
            text = _("Sanction list of %(period)s: %(people)s people, %(points)s penalty points.") % {
                "period": review.period,
                "people": people,
                "points": review.total_points,
            }
        else:
            text = _("Reward and penalty notice of %(period)s: %(people)s people, deductions %(amount)s yuan.") % {
                "period": review.period,
                "people": people,
                "amount": review.total_deductions,
            }
        approval_request(
            actor=actor,
            subject=review,
            kind=ApprovalKind.RESPONSIBILITY_REVIEW,
            rule="K8",
            purpose=ApprovalPurpose.SANCTION,
            required_role=APPROVER[part],
            note=_append_note(text, review.note),
            payload={"part": part},
        )


def _append_note(text: str, note: str) -> str:
    return f"{text}\n{note}" if note else text


@transaction.atomic
def review_submit(
    *, actor: Actor, period: str, note: str = "", expected_version: int | None = None
) -> ResponsibilityReview:
    """The department head submits the draft for the VP's and the GM's approval: one approval per part
    in the approvals engine (kind responsibility_review), decided there or on the review's page.

    Rule: K8. Raises: PermissionDenied, NotFound, Conflict(invalid_transition, version_conflict).
    Events: responsibility_review.submitted (state draft → submitted), approval.requested (two).
    """
    actor.require_perm("complaints.submit_responsibilityreview")
    review = _locked(actor, period, expected_version)
    expect_transition(review, to=ReviewState.SUBMITTED, table=REVIEW_TRANSITIONS)
    review.submitted_by, review.submitted_at = actor.user, timezone.now()
    review.note = (note or "").strip()
    versioned_transition(
        review,
        to=ReviewState.SUBMITTED,
        table=REVIEW_TRANSITIONS,
        actor=actor,
        action=events.REVIEW_SUBMITTED,
        fields=("submitted_by", "submitted_at", "note"),
        data={"period": review.period, "note": review.note},
    )
    _ask_approvals(actor, review)
    return review


def _refusal_note_required(note: str) -> None:
    if not (note or "").strip():
        message = _("Say why the review goes back.")
        raise ValidationFailed(message, fields={"note": [message]})


@transaction.atomic
def review_approve(
    *, actor: Actor, period: str, approve: bool = True, note: str = "", expected_version: int | None = None
) -> ResponsibilityReview:
    """The review's own approve/refuse: the VP decides the sanctions' approval, the GM the notice's, both
    through the approvals engine (approval_decide: nobody decides their own request, authority,
    notifications), whose handler (review_approval_decided) moves the review.

    Rule: K8. Raises: PermissionDenied (neither VP nor GM; own_approval), NotFound, ValidationFailed (a
    refusal without its reason), Conflict (not submitted, or the actor's part already approved;
    version_conflict). Events: as review_approval_decided, and the approvals' own.
    """
    actor.require_perm("complaints.approve_responsibilityreview")
    seen = access_review(actor, period)
    expect_transition(seen, to=ReviewState.APPROVED if approve else ReviewState.DRAFT, table=REVIEW_TRANSITIONS)
    if not any(actor.has_role(APPROVER[part]) for part in PARTS):
        raise PermissionDenied(_("The VP approves the sanctions and the GM the reward and penalty notice."))
    if not approve:
        _refusal_note_required(note)
    # Lock order of approval_decide and its handler: the review's pending approvals, then the review.
    pending = pending_approvals_lock(seen, kind=ApprovalKind.RESPONSIBILITY_REVIEW)
    review = _locked(actor, period, expected_version)
    expect_transition(review, to=ReviewState.APPROVED if approve else ReviewState.DRAFT, table=REVIEW_TRANSITIONS)
    if not pending:  # submitted before reviews asked the engine: ask on the submitter's behalf
        missing = tuple(p for p in PARTS if getattr(review, f"{p}_approved_by_id") is None)
        _ask_approvals(actor_for(review.submitted_by), review, missing)
        pending = pending_approvals_lock(review, kind=ApprovalKind.RESPONSIBILITY_REVIEW)
    mine = [a for a in pending if actor.has_role(APPROVER.get(a.payload.get("part", ""), ""))]
    if not mine:
        raise ComplaintConflict(_("You have already approved this review."), code=ComplaintErrorCode.REVIEW_STATE)
    for approval in mine:
        approval_decide(actor=actor, approval_id=approval.pk, approve=approve, note=note)
        if not approve:
            break  # the handler refused the other parts with it
    review.refresh_from_db()
    return review


def review_approval_decided(approval: Approval) -> None:
    """Approval handler (inside approval_decide's transaction). Approved: the part (VP: sanctions, GM:
    reward/penalty notice) is approved; both approved → approved, the clock stops. Refused: back to
    draft, both parts cleared, the other part's pending approval refused with it.

    Rule: K8. Raises: ValidationFailed (a refusal without its reason), which undoes the decision.
    Events: responsibility_review.approved (state submitted → approved once both approved; state
    [submitted, submitted] after the first) / .refused (submitted → draft), clock.stopped.
    """
    seen = ResponsibilityReview.objects.filter(pk=approval.subject_id).first()
    if seen is None:
        return
    approve = approval.state == ApprovalState.APPROVED
    if not approve:
        _refusal_note_required(approval.decision_note)
        pending_approvals_lock(seen, kind=ApprovalKind.RESPONSIBILITY_REVIEW)  # before the review (lock order)
    review = ResponsibilityReview.objects.select_for_update().get(pk=seen.pk)
    if review.state != ReviewState.SUBMITTED:
        return
    part = approval.payload.get("part", "")
    if part not in PARTS:
        return
    actor = actor_for(approval.decided_by)
    note = approval.decision_note
    fields: tuple[str, ...] = ("note",)
    for each in PARTS:
        fields += (f"{each}_approved_by", f"{each}_approved_at")
    if approve:
        setattr(review, f"{part}_approved_by", approval.decided_by)
        setattr(review, f"{part}_approved_at", approval.decided_at)
    else:
        for each in PARTS:
            setattr(review, f"{each}_approved_by", None)
            setattr(review, f"{each}_approved_at", None)
    if note:
        review.note = note
    action = events.REVIEW_APPROVED if approve else events.REVIEW_REFUSED
    data = {"period": review.period, "parts": [part], "note": note, "approval": approval.pk}
    if not approve or (review.sanctions_approved_by_id and review.notices_approved_by_id):
        versioned_transition(
            review,
            to=ReviewState.APPROVED if approve else ReviewState.DRAFT,
            table=REVIEW_TRANSITIONS,
            actor=actor,
            action=action,
            fields=fields,
            data=data,
        )
    else:  # one part approved, the other still waits: no move
        review.version += 1
        review.save(update_fields=[*fields, "version", "updated_at"])
        event_record(
            subject=review,
            action=action,
            actor=actor,
            rule="K8",
            data={**data, "state": [review.state, review.state]},
        )
    if review.state == ReviewState.APPROVED:
        clock_stop_for(subject=review, kind=ClockKind.REVIEW, actor=actor)
    elif not approve:
        approval_refuse_pending(
            actor=actor,
            subject=review,
            kind=ApprovalKind.RESPONSIBILITY_REVIEW,
            note=_("The review went back to draft: %(note)s") % {"note": note},
        )
