"""Rules that run by themselves: S10 substitute equipment, S7 day-end carry-over, S14 monthly hand-in.

Each is idempotent and driven by stored times, so a second run or a missed minute does no harm.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from aftersales.clocks.choices import ClockKind
from aftersales.core.access import SYSTEM, Actor
from aftersales.core.events import event_record
from aftersales.service import events
from aftersales.service.choices import RequestState
from aftersales.service.models import ServiceRequest, ServiceTask


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
    from django.utils.translation import gettext as _

    from aftersales.core.errors import NotFound
    from aftersales.service.errors import ServiceConflict, ServiceErrorCode
    from aftersales.service.selectors import service_request_scope

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
