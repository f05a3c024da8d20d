"""Rules that run by themselves: S10 substitute equipment, S7 day-end carry-over, S14 monthly hand-in.

Scheduled by service.tasks (settings.AFTERSALES_PERIODIC_JOBS): the S10 task through the clock
sweep's escalation handler, S7 daily at 00:05, S14 daily at 00:10.

Each is idempotent and driven by stored times, so a second run or a missed minute does no harm.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import ServicePointKind
from aftersales.accounts.models import ServicePoint, User
from aftersales.clocks.choices import ClockKind
from aftersales.core.access import SYSTEM, Actor
from aftersales.core.errors import NotFound, PermissionDenied, ValidationFailed
from aftersales.core.events import event_record
from aftersales.core.models import Event
from aftersales.notifications.services import notify_users
from aftersales.policies.selectors import policy_get
from aftersales.service import events
from aftersales.service.choices import RequestState
from aftersales.service.errors import ServiceConflict, ServiceErrorCode
from aftersales.service.models import RepairOrderHandIn, ServiceRequest, ServiceTask
from aftersales.service.selectors import service_request_scope


def request_escalated(escalation: Any) -> None:
    """Escalation handler (clocks.sweep): S10 — the solution clock's breach raises the lend task.

    Called inside the sweep's transaction for every ladder step carried out on the request's clocks.
    """
    clock = escalation.clock
    request = ServiceRequest.objects.filter(pk=int(clock.subject_id)).first()
    if request is None:
        return
    event_record(
        subject=request,
        action=events.REQUEST_ESCALATED,
        actor=SYSTEM,
        rule=clock.rule,
        policy_version=clock.policy_version,
        data={
            "clock": clock.kind,
            "level": escalation.level,
            "at": escalation.at,
            "reassigned_to": getattr(escalation.reassigned_to, "username", None),
        },
    )
    if clock.kind == ClockKind.SOLVE and escalation.at == "breach" and request.open:
        task_raise(request=request, kind=ServiceTask.Kind.LEND_SUBSTITUTE, rule="S10")


def task_raise(*, request: ServiceRequest, kind: str, rule: str) -> ServiceTask | None:
    """Raise a follow-up task once per request and kind. Events: servicetask.raised."""
    task, created = ServiceTask.objects.get_or_create(request=request, kind=kind, defaults={"rule": rule})
    if not created:
        return None
    event_record(subject=request, action=events.TASK_RAISED, actor=SYSTEM, rule=rule, data={"task": kind})
    return task


@transaction.atomic
def service_task_done(*, actor: Actor, task_id: int, note: str = "") -> ServiceTask:
    """Mark a follow-up task done (e.g. the substitute loan was made). Rule: S10."""

    actor.require_perm("service.dispatch_servicerequest")
    task = (
        ServiceTask.objects.select_for_update(of=("self",))
        .filter(pk=task_id, request__in=service_request_scope(actor))
        .select_related("request")
        .first()
    )
    if task is None:
        raise NotFound()
    if task.done_at is not None:
        raise ServiceConflict(_("This task is already done."), code=ServiceErrorCode.TASK_DONE)
    task.done_at = timezone.now()
    task.done_by = actor.user
    task.note = (note or "").strip()[:200]
    task.save(update_fields=["done_at", "done_by", "note", "updated_at"])
    event_record(
        subject=task.request,
        action=events.TASK_DONE,
        actor=actor,
        rule=task.rule,
        data={"task": task.kind, "note": task.note},
    )
    return task


@transaction.atomic
def service_requests_carry_over(*, now: dt.datetime | None = None) -> int:
    """S7: requests received before today and still not dispatched go to the top of today's queue.

    Idempotent: each request is carried over once per day. Events: servicerequest.carried_over.
    """
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    start_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time.min), timezone.get_current_timezone())
    waiting = list(
        ServiceRequest.objects.select_for_update(of=("self",))
        .filter(open=True, state=RequestState.REGISTERED, received_at__lt=start_of_today)
        .exclude(carried_over_on=today)
        .order_by("pk")
    )
    for request in waiting:
        request.carried_over_on = today
        request.save(update_fields=["carried_over_on", "updated_at"])
        event_record(
            subject=request, action=events.REQUEST_CARRIED_OVER, actor=SYSTEM, rule="S7", data={"on": today.isoformat()}
        )
    return len(waiting)


def handin_due_on(period: str, day: int) -> dt.date:
    year, month = (int(x) for x in period.split("-"))
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


# --- S14: repair points hand in their repair orders monthly ------------------------------------

MANAGER_ROLE = "cs_manager"


def _period_bounds(period: str) -> tuple[dt.datetime, dt.datetime]:
    """[first instant, first instant of the next month) of "YYYY-MM", in the local time zone."""
    try:
        year, month = (int(x) for x in period.split("-"))
        first = dt.date(year, month, 1)
    except (ValueError, TypeError):
        message = _("Give the month as YYYY-MM.")
        raise ValidationFailed(message, fields={"period": [message]}) from None
    after = dt.date(year + month // 12, month % 12 + 1, 1)
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(dt.datetime.combine(first, dt.time.min), zone),
        timezone.make_aware(dt.datetime.combine(after, dt.time.min), zone),
    )


def period_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@transaction.atomic
def handin_plan(*, period: str) -> list[RepairOrderHandIn]:
    """S14: one hand-in per repair point for the month, due on the policy day (S14.handin_day).

    Idempotent (unique per point and month): a second call creates nothing. Returns the rows created.
    """
    _period_bounds(period)  # validates the period
    day = policy_get("S14.handin_day").value
    due = handin_due_on(period, int(day))
    created: list[RepairOrderHandIn] = []
    for point in ServicePoint.objects.filter(kind=ServicePointKind.REPAIR_POINT).order_by("pk"):
        row, made = RepairOrderHandIn.objects.get_or_create(
            service_point=point, period=period, defaults={"due_on": due}
        )
        if made:
            created.append(row)
    return created


@transaction.atomic
def handin_submit(*, actor: Actor, service_point_code: str, period: str) -> RepairOrderHandIn:
    """S14: a repair point hands in the month's repair orders: the count of its requests completed that month.

    Staff of the point (with service.work_servicerequest) or a dispatcher may submit; once only.
    Raises: PermissionDenied, NotFound, ValidationFailed, ServiceConflict(handin_already_submitted).
    Events: repairorderhandin.submitted.
    """

    start, end = _period_bounds(period)
    point = ServicePoint.objects.filter(
        code=(service_point_code or "").strip().upper(), kind=ServicePointKind.REPAIR_POINT
    ).first()
    if point is None:
        raise NotFound()
    own_point = getattr(actor.user, "service_point_id", None) == point.pk
    if not (
        actor.has_perm("service.dispatch_servicerequest")
        or (own_point and actor.has_perm("service.work_servicerequest"))
    ):
        raise PermissionDenied()
    day = policy_get("S14.handin_day")
    handin, _created = RepairOrderHandIn.objects.select_for_update().get_or_create(
        service_point=point, period=period, defaults={"due_on": handin_due_on(period, int(day.value))}
    )
    if handin.handed_in_at is not None:
        raise ServiceConflict(
            _("The repair orders of %(period)s were already handed in.") % {"period": period},
            code=ServiceErrorCode.HANDIN_ALREADY_SUBMITTED,
        )
    handin.order_count = ServiceRequest.objects.filter(
        service_point=point, completed_at__gte=start, completed_at__lt=end
    ).count()
    handin.handed_in_at = timezone.now()
    handin.handed_in_by = actor.user
    handin.save(update_fields=["order_count", "handed_in_at", "handed_in_by", "updated_at"])
    event_record(
        subject=handin,
        action=events.HANDIN_SUBMITTED,
        actor=actor,
        rule="S14",
        policy_version=day.version,
        data={
            "point": point.code,
            "period": period,
            "orders": handin.order_count,
            "due_on": handin.due_on.isoformat(),
            "late": timezone.localtime(handin.handed_in_at).date() > handin.due_on,
        },
    )
    return handin


@transaction.atomic
def handins_overdue_notify(*, now: dt.datetime | None = None) -> list[RepairOrderHandIn]:
    """S14 daily: plan this month's hand-ins, then tell the heads of after-sales (cs_manager) once
    about every hand-in past its due day and still missing.

    Idempotent: each overdue hand-in is reported once (event repairorderhandin.overdue).
    Returns the hand-ins reported now.
    """

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    handin_plan(period=period_of(today))
    overdue = list(
        RepairOrderHandIn.objects.select_for_update(of=("self",))
        .filter(handed_in_at__isnull=True, due_on__lt=today)
        .select_related("service_point")
        .order_by("pk")
    )
    told = set(
        Event.objects.filter(
            subject_type=RepairOrderHandIn._meta.label_lower,
            subject_id__in=[str(h.pk) for h in overdue],
            action=events.HANDIN_OVERDUE,
        ).values_list("subject_id", flat=True)
    )
    fresh = [h for h in overdue if str(h.pk) not in told]
    if not fresh:
        return []
    managers = User.objects.filter(is_active=True, groups__name=MANAGER_ROLE).distinct()
    lines = [
        _("%(point)s %(name)s: repair orders of %(period)s, due %(due)s")
        % {"point": h.service_point.code, "name": h.service_point.name, "period": h.period, "due": h.due_on}
        for h in fresh
    ]
    notify_users(
        users=managers,
        title=_("%(count)s repair point(s) have not handed in their repair orders") % {"count": len(fresh)},
        body="\n".join(lines),
        rule="S14",
    )
    for h in fresh:
        event_record(
            subject=h,
            action=events.HANDIN_OVERDUE,
            actor=SYSTEM,
            rule="S14",
            data={"point": h.service_point.code, "period": h.period, "due_on": h.due_on.isoformat()},
        )
    return fresh
