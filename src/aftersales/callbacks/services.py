"""Writes of callbacks: plan them by the V1 rules (A5), work them from the queue (V2), and open the
follow-up of a low score (point 5).

Planning is idempotent: every callback carries a planning key naming its rule and period, unique in
the database, and the planner skips the keys that exist — running it twice plans nothing new.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Mod
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import ServicePoint
from aftersales.accounts.selectors import actor_for, user_list_with_role
from aftersales.calendars.selectors import CN
from aftersales.callbacks import events
from aftersales.callbacks.choices import CallbackKind, CallbackResult, CallbackState
from aftersales.callbacks.errors import CallbackErrorCode
from aftersales.callbacks.models import Callback, SiteCheck
from aftersales.callbacks.planning import (
    SPREAD_DAYS,
    care_period,
    handover_date,
    month_key,
    spread_day,
    warranty_bounds,
    week_key,
)
from aftersales.callbacks.selectors import access_callback
from aftersales.callbacks.transitions import CALLBACK_TRANSITIONS
from aftersales.clocks.choices import ClockKind
from aftersales.clocks.services import (
    ClockSpec,
    ClockStart,
    clock_calendar,
    clock_stop_for,
    clocks_schedule,
    clocks_start_many,
)
from aftersales.complaints.choices import ComplaintChannel, ComplaintClass, ComplaintState, FollowUpKind
from aftersales.complaints.models import Complaint
from aftersales.complaints.services import complaint_register
from aftersales.core.access import SYSTEM, Actor
from aftersales.core.bulk import bulk_insert_rows
from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.events import EventDraft, Subject, event_record
from aftersales.core.workflow import expect_version, transition
from aftersales.customers.models import Customer
from aftersales.installed_base.models import Product, Unit
from aftersales.installed_base.selectors import unit_in_warranty_q, warranty_terms
from aftersales.installed_base.warranty import warranty_for
from aftersales.notifications.services import notify_users
from aftersales.policies.selectors import PolicySnapshot, policy_snapshot
from aftersales.service.choices import Channel, RequestState
from aftersales.service.models import ServiceRequest
from aftersales.service.services import service_request_create
from aftersales.surveys.choices import Answer
from aftersales.surveys.signals import low_score

HEAD_ROLE = "cs_manager"  # 售后服务部部长: the head of after-sales gets the low-score tasks
LOOKBACK_DAYS = 45  # closed requests and complaints looked at by each planning run (catch-up window)


@dataclass
class Draft:
    kind: str
    key: str
    customer_id: int
    reason: str
    planned_on: dt.date
    start: dt.datetime
    policy_key: str
    unit: str = "working_days"
    unit_id: int | None = None
    request_id: int | None = None
    complaint_id: int | None = None
    assignee_id: int | None = None
    assignee_role: str = ""
    clock_kind: str = ClockKind.PLANNED_CALLBACK
    rule: str = "V1"


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))


def _missing(keys: list[str], model: Any = Callback) -> set[str]:
    """The keys not planned yet. In sets of 900 on SQLite (its host-parameter limit); on PostgreSQL
    in sets of 20,000 — each set is a round trip, and a day's 14k keys were 16 of them."""
    existing: set[str] = set()
    step = 900 if transaction.get_connection().vendor == "sqlite" else 20_000
    for start in range(0, len(keys), step):
        chunk = keys[start : start + step]
        existing.update(model.objects.filter(planning_key__in=chunk).values_list("planning_key", flat=True))
    return set(keys) - existing


def _create(drafts: list[Draft], *, actor: Actor, policies: PolicySnapshot) -> list[Subject]:
    """Insert the drafts whose keys are new, each with its clock (due date on the CN calendar): the
    callbacks, their clocks, segments and events each in one bulk insert (core.bulk, clocks_start_many),
    without model instances. Returns the callbacks made as Subjects (type, id, label = the kind)."""
    new = _missing([d.key for d in drafts])
    drafts = [d for d in drafts if d.key in new]
    if not drafts:
        return []
    specs = [
        ClockSpec(kind=d.clock_kind, rule=d.rule, policy_key=d.policy_key, unit=d.unit, owner=None) for d in drafts
    ]
    calendar = clock_calendar(CN)
    # The due times first (one computation per start and spec), so each callback is inserted once.
    due = clocks_schedule(
        [(spec, d.start) for spec, d in zip(specs, drafts, strict=True)],
        calendar_code=CN,
        policies=policies,
        calendar=calendar,
    )
    ids = bulk_insert_rows(
        Callback,
        [
            {
                "kind": d.kind,
                "planning_key": d.key,
                "customer_id": d.customer_id,
                "unit_id": d.unit_id,
                "service_request_id": d.request_id,
                "complaint_id": d.complaint_id,
                "reason": d.reason[:300],
                "planned_on": d.planned_on,
                "try_on": d.planned_on,
                "due_at": clock.due_at,
                "policy_version": clock.policy_version,
                "assignee_id": d.assignee_id,
                "assignee_role": d.assignee_role,
            }
            for d, clock in zip(drafts, due, strict=True)
        ],
    )
    kind_labels = {kind: str(label) for kind, label in CallbackKind.choices}
    made = [
        Subject(type=Callback._meta.label_lower, id=str(pk), label=d.kind) for pk, d in zip(ids, drafts, strict=True)
    ]
    starts = [
        ClockStart(
            subject=row,
            spec=spec,
            started_at=draft.start,
            label=f"{kind_labels[draft.kind]} {draft.customer_id}",  # Callback.__str__
            events_before=[
                EventDraft(
                    subject=row,
                    action=events.CALLBACK_PLANNED,
                    actor=actor,
                    rule="A5" if draft.kind == CallbackKind.HANDOVER else draft.rule,
                    data={
                        "kind": draft.kind,
                        "key": draft.key,
                        "customer": draft.customer_id,
                        "planned_on": draft.planned_on.isoformat(),
                    },
                )
            ],
        )
        for row, draft, spec in zip(made, drafts, specs, strict=True)
    ]
    clocks_start_many(starts=starts, calendar_code=CN, actor=actor, policies=policies, calendar=calendar)
    return made


@dataclass
class Targets:
    """What the warranty rules plan on a day: customer → the unit in warranty a monthly callback is about
    (customers whose spread day has come), every customer with a unit in warranty (only when the routine
    callback goes to all of them), and (unit, customer, last day, hand-over day) of the hand-overs due."""

    monthly: dict[int, int]
    all_in_warranty: list[int]
    handovers: list[tuple[int, int, dt.date, dt.date]]


_UNIT_COLUMNS = (
    "id",
    "customer_id",
    "production_date",
    "acceptance_date",
    "warranty_months",
    "product__warranty_months",
)

_SQL_COLUMNS = (*_UNIT_COLUMNS[:-1], "product_id")


def _targets_python(on: dt.date, policies: PolicySnapshot, *, all_customers: bool) -> Targets:
    """The reference selection: every unit read and its warranty computed in Python (A3). Slow on a large
    installed base (21 s for 300k units); the SQL selection below must give the same answer."""
    terms = warranty_terms(policies)
    months_before = policies.get("V1.handover_months").value
    in_warranty: dict[int, int] = {}
    handovers: list[tuple[int, int, dt.date, dt.date]] = []
    rows = Unit.objects.filter(customer__isnull=False).values_list(*_UNIT_COLUMNS)
    for unit_id, customer_id, produced, accepted, unit_months, product_months in rows.iterator(chunk_size=5000):
        if produced is None and accepted is None:
            continue
        warranty = warranty_for(
            production_date=produced,
            acceptance_date=accepted,
            unit_months=unit_months,
            product_months=product_months,
            terms=terms,
        )
        if not warranty.covers(on):
            continue
        in_warranty.setdefault(customer_id, unit_id)
        day = handover_date(warranty.end, months_before)
        if day <= on:
            handovers.append((unit_id, customer_id, warranty.end, day))
    month_start = on.replace(day=1)
    monthly = {c: u for c, u in sorted(in_warranty.items()) if spread_day(c, month_start) <= on}
    return Targets(monthly, sorted(in_warranty) if all_customers else [], handovers)


def _handover_q(on: dt.date, policies: PolicySnapshot) -> Q:
    """A5 as a condition on the units' dates: the hand-over day (V1.handover_months before the last day
    in warranty) has come by `on`. Like installed_base's unit_in_warranty_q (which it is combined with):
    one branch per warranty length in use, the products grouped by length (no join), only date
    comparisons in SQL — month arithmetic is monotone, so each branch is an upper bound on a date."""
    terms = warranty_terms(policies)
    months_before = policies.get("V1.handover_months").value
    products_by_months: dict[int | None, list[int]] = {}
    for product_id, product_months in Product.objects.values_list("pk", "warranty_months"):
        products_by_months.setdefault(product_months, []).append(product_id)
    lengths = {terms.default_months} | {m for m in products_by_months if m is not None}
    lengths.update(
        m for m in Unit.objects.values_list("warranty_months", flat=True).distinct().order_by() if m is not None
    )
    condition = Q(pk__in=[])
    for months in sorted(lengths):
        products = products_by_months.get(months, [])
        if months == terms.default_months:
            products = products + products_by_months.get(None, [])
        length = Q(warranty_months=months) | Q(warranty_months__isnull=True, product_id__in=products)
        accepted = warranty_bounds(on, months, offset_months=None, handover_months=months_before).handover_until
        produced = warranty_bounds(
            on, months, offset_months=terms.production_offset_months, handover_months=months_before
        ).handover_until
        due = Q(pk__in=[])
        if accepted is not None:
            due |= Q(acceptance_date__isnull=False, acceptance_date__lte=accepted)
        if produced is not None:
            due |= Q(acceptance_date__isnull=True, production_date__lte=produced)
        condition |= length & due
    return condition


def _targets_sql(on: dt.date, policies: PolicySnapshot, *, all_customers: bool) -> Targets:
    """The same selection as _targets_python, from one pass of the database over the units: those in
    warranty (unit_in_warranty_q: date ranges, no join) of the customers whose spread day has come, or
    whose hand-over day has come (_handover_q); A3 is then checked in Python on those rows only. What is
    planned already is skipped by key afterwards, in sets (_missing). No ORDER BY: walking the serial
    index made SQLite read the table in random order; the rows are sorted here."""
    terms = warranty_terms(policies)
    months_before = policies.get("V1.handover_months").value
    month_start = on.replace(day=1)
    product_months = dict(Product.objects.values_list("pk", "warranty_months"))
    spread_until = (on - month_start).days
    candidates = Unit.objects.filter(unit_in_warranty_q(on, terms), customer__isnull=False).annotate(
        spread=Mod(F("customer_id"), Value(SPREAD_DAYS))
    )
    if not all_customers:
        candidates = candidates.filter(Q(spread__lte=spread_until) | _handover_q(on, policies))
    rows = sorted(candidates.order_by().values_list("serial", *_SQL_COLUMNS))
    monthly: dict[int, int] = {}
    everyone: set[int] = set()
    handovers = []
    for _serial, unit_id, customer_id, produced, accepted, unit_months, product_id in rows:
        warranty = warranty_for(
            production_date=produced,
            acceptance_date=accepted,
            unit_months=unit_months,
            product_months=product_months.get(product_id),
            terms=terms,
        )
        if not warranty.covers(on):
            continue
        everyone.add(customer_id)
        if customer_id % SPREAD_DAYS <= spread_until:
            monthly.setdefault(customer_id, unit_id)
        day = handover_date(warranty.end, months_before)
        if day <= on:
            handovers.append((unit_id, customer_id, warranty.end, day))
    return Targets(dict(sorted(monthly.items())), sorted(everyone) if all_customers else [], handovers)


@dataclass
class PlanReport:
    on: dt.date
    planned: dict[str, int]
    site_checks: int

    @property
    def total(self) -> int:
        return sum(self.planned.values())


@transaction.atomic
def callbacks_plan(*, on: dt.date, actor: Actor = SYSTEM, exact_scan: bool = False) -> PlanReport:
    """Plan what is due on `on` by the V1 rules (policies V1.*, A5); running it twice plans nothing new.

    - weekly routine callback per key account (V1.routine_customers) from the week's V1.routine_weekday;
    - per customer with a unit in warranty one callback a month, and a monthly site check for the
      service point of the customer's region (a visit task, not a callback), spread over the month;
    - the hand-over callback of each unit V1.handover_months before its last day in warranty (A5);
    - a callback after each closed service request, due V1.after_service_days working days later;
    - after each closed complaint (K15): made when it is closed (complaint_callback_due); planned here
      only when missing, under the same key, never for a complaint whose K15 task predates the move;
    - a key-account care callback every V1.care_months months.
    The units in warranty are selected in the database by date ranges (set-based, skipping what is
    planned already); `exact_scan` instead reads every unit and computes its warranty in Python — the
    reference the fast selection is tested against (same callbacks, same site checks).
    Rule: V1, A5. Events: callback.planned per callback (clock.started with it), callbacks.planned.
    """
    policies = policy_snapshot()
    drafts: list[Draft] = []
    month_start = on.replace(day=1)
    start_of_day = _day_start(on)
    all_customers = policies.get("V1.routine_customers").value == "all"
    targets = (_targets_python if exact_scan else _targets_sql)(on, policies, all_customers=all_customers)
    handovers = targets.handovers

    # the reasons, translated once (not once per callback)
    routine_reason, month_reason = _("Weekly routine callback"), _("Monthly callback in warranty")
    care_reason = _("Key-account care callback")
    # weekly routine
    weekday = policies.get("V1.routine_weekday").value
    if on.isoweekday() >= weekday:
        if all_customers:
            routine_ids = targets.all_in_warranty
        else:
            routine_ids = list(Customer.objects.filter(key_account=True).order_by("pk").values_list("pk", flat=True))
        week = week_key(on)
        drafts += [
            Draft(
                CallbackKind.ROUTINE,
                f"routine:{c}:{week}",
                c,
                routine_reason,
                on,
                start_of_day,
                "V1.window",
            )
            for c in routine_ids
        ]
    # monthly in-warranty callback (+ the site check below)
    month = month_key(on)
    monthly = list(targets.monthly)
    drafts += [
        Draft(
            CallbackKind.WARRANTY_MONTH,
            f"month:{c}:{month}",
            c,
            month_reason,
            on,
            start_of_day,
            "V1.window",
            unit_id=targets.monthly[c],
        )
        for c in monthly
    ]
    # hand-over (A5)
    drafts += [
        Draft(
            CallbackKind.HANDOVER,
            f"handover:{unit_id}",
            customer_id,
            _("The warranty ends on %(end)s: hand-over callback") % {"end": end.isoformat()},
            day,
            _day_start(day),
            "V1.window",
            unit_id=unit_id,
        )
        for unit_id, customer_id, end, day in handovers
    ]
    # after each closed service request
    since = start_of_day - dt.timedelta(days=LOOKBACK_DAYS)
    for pk, customer_id, unit_id, number, closed_at in ServiceRequest.objects.filter(
        state=RequestState.CLOSED, closed_at__gte=since, closed_at__lt=start_of_day + dt.timedelta(days=1)
    ).values_list("pk", "customer_id", "unit_id", "number", "closed_at"):
        drafts.append(
            Draft(
                CallbackKind.AFTER_SERVICE,
                f"service:{pk}",
                customer_id,
                _("After service request %(number)s") % {"number": number},
                timezone.localdate(closed_at),
                closed_at or start_of_day,
                "V1.after_service_days",
                unit_id=unit_id,
                request_id=pk,
            )
        )
    # after each closed complaint (K15): normally made at closing; this catches up under the same key.
    # A complaint closed before the move keeps its K15 task (history), so it is not called twice.
    for complaint in (
        Complaint.objects.filter(
            state=ComplaintState.CLOSED, closed_at__gte=since, closed_at__lt=start_of_day + dt.timedelta(days=1)
        )
        .exclude(tasks__kind=FollowUpKind.CALLBACK)
        .select_related("service_request")
        .order_by("pk")
    ):
        drafts.append(_complaint_draft(complaint, assignee_id=complaint.owner_id))
    # key-account care plans
    period, period_start = care_period(on, policies.get("V1.care_months").value)
    drafts += [
        Draft(
            CallbackKind.KEY_ACCOUNT_CARE,
            f"care:{c}:{period}",
            c,
            care_reason,
            on,
            start_of_day,
            "V1.window",
        )
        for c in Customer.objects.filter(key_account=True).order_by("pk").values_list("pk", flat=True)
        if period_start <= on
    ]
    created = _create(drafts, actor=actor, policies=policies)
    site_checks = _site_checks_plan(monthly, on=on, month_start=month_start)
    planned = Counter(row.label for row in created)
    return PlanReport(on=on, planned=dict(planned), site_checks=site_checks)


def _site_checks_plan(customer_ids: list[int], *, on: dt.date, month_start: dt.date) -> int:
    """V1: a monthly site check per customer with a unit in warranty, for the service point of its region."""
    if not customer_ids:
        return 0
    month = month_key(on)
    keys = {f"sitecheck:{c}:{month}": c for c in customer_ids}
    new = _missing(list(keys), SiteCheck)
    if not new:
        return 0
    regions = dict(Customer.objects.filter(pk__in=[keys[k] for k in new]).values_list("pk", "region_id"))
    points: dict[int, int] = {}
    for region_id, point_id in ServicePoint.objects.order_by("code").values_list("region_id", "pk"):
        points.setdefault(region_id, point_id)
    last_day = (month_start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    SiteCheck.objects.bulk_create(
        [
            SiteCheck(
                planning_key=key,
                customer_id=keys[key],
                service_point_id=points.get(regions.get(keys[key])),  # type: ignore[arg-type]  # None when no point
                month=month_start,
                due_on=last_day,
            )
            for key in sorted(new)
        ],
        batch_size=1000,
    )
    return len(new)


# --- after a complaint (K15) ---------------------------------------------------------------------


def complaint_key(complaint_id: int) -> str:
    """The planning key of a complaint's K15 callback: one per complaint, whoever plans it."""
    return f"complaint:{complaint_id}"


def _complaint_draft(complaint: Complaint, *, assignee_id: int | None) -> Draft:
    closed_at = complaint.closed_at or timezone.now()
    request = complaint.service_request
    return Draft(
        CallbackKind.AFTER_COMPLAINT,
        complaint_key(complaint.pk),
        complaint.customer_id,
        _("After complaint %(number)s: confirm the result") % {"number": complaint.number},
        timezone.localdate(closed_at),
        closed_at,
        "K15.callback_days",
        unit_id=request.unit_id if request is not None else None,
        request_id=complaint.service_request_id,
        complaint_id=complaint.pk,
        assignee_id=assignee_id,
        clock_kind=ClockKind.CALLBACK,
        rule="K15",
    )


def complaint_callback_due(
    sender: Any, *, complaint: Complaint, actor: Any = SYSTEM, assignee: Any = None, **kwargs: Any
) -> None:
    """K15: a closed complaint's callback, in the callbacks queue of the person who makes it (the owner,
    else the closer), due K15.callback_days working days after closing on the CN calendar (a "callback"
    clock). Keyed by the complaint, so it is made once (the planner's catch-up uses the same key).
    Runs in complaint_close's transaction. Rule: K15. Events: callback.planned, clock.started.
    """
    draft = _complaint_draft(complaint, assignee_id=getattr(assignee, "pk", None))
    _create([draft], actor=actor, policies=policy_snapshot())


# --- working a callback (V2) --------------------------------------------------------------------


def _next_working_day(day: dt.date, days: int) -> dt.date:
    calendar = clock_calendar(CN)
    start = _day_start(day) + dt.timedelta(hours=12)
    if calendar is None:
        return day + dt.timedelta(days=days)
    return timezone.localdate(calendar.add(start, days, "working_days"))


@transaction.atomic
def callback_outcome(
    *,
    actor: Actor,
    callback_id: int,
    result: str,
    note: str = "",
    satisfaction: str = "",
    opens: str = "",
    talk_seconds: int | None = None,
    version: int | None = None,
) -> Callback:
    """Record how a call went (V2): reached (with the customer's satisfaction), no answer (tried again a
    working day later up to V2.retries times), wrong number, refused. A problem heard opens a service
    request or a complaint prefilled with the customer, the unit and the note, linked, in the same step.
    A dissatisfied answer opens the low-score follow-up (point 5).

    Rule: V2 (and V1 for the clock). Raises: PermissionDenied, NotFound, ValidationFailed,
    Conflict(callback_not_open, version_conflict). Events: callback.tried | callback.done |
    callback.not_reached, callback.opened, clock.stopped.
    """
    actor.require_perm("callbacks.change_callback")
    callback = access_callback(actor, callback_id, for_update=True)
    if version is not None:
        expect_version(
            callback,
            version,
            _("Someone else recorded this callback meanwhile."),
            code=CallbackErrorCode.VERSION_CONFLICT,
        )
    if callback.state != CallbackState.OPEN:
        raise Conflict(_("This callback has already been worked."), code=CallbackErrorCode.NOT_OPEN)
    errors: dict[str, list[str]] = {}
    if result not in CallbackResult.values:
        errors["result"] = [_("Choose how the call went.")]
    if satisfaction and satisfaction not in Answer.values:
        errors["satisfaction"] = [_("Choose one of the four answers.")]
    if satisfaction and result != CallbackResult.REACHED:
        errors["satisfaction"] = [_("Only a customer reached can say how satisfied they are.")]
    if opens and opens not in ("service_request", "complaint"):
        errors["opens"] = [_("Choose a service request or a complaint.")]
    if opens and result != CallbackResult.REACHED:
        errors["opens"] = [_("Only a problem heard from the customer opens a request or a complaint.")]
    note = (note or "").strip()[:4000]
    if opens and not note:
        errors["note"] = [_("Describe the problem the customer reported.")]
    if errors:
        raise ValidationFailed(_("Check the outcome of the call."), fields=errors)
    policies = policy_snapshot()
    now = timezone.now()
    callback.attempts += 1
    callback.result, callback.note, callback.version = result, note, callback.version + 1
    callback.satisfaction = satisfaction
    callback.talk_seconds = talk_seconds
    fields = ("attempts", "result", "note", "version", "satisfaction", "talk_seconds")
    if result == CallbackResult.NO_ANSWER and callback.attempts <= policies.get("V2.retries").value:
        callback.try_on = _next_working_day(timezone.localdate(now), policies.get("V2.retry_gap_days").value)
        callback.save(update_fields=[*fields, "try_on", "updated_at"])
        event_record(
            subject=callback,
            action=events.CALLBACK_TRIED,
            actor=actor,
            rule="V2",
            policy_version=policies.get("V2.retries").version,
            data={"attempts": callback.attempts, "try_on": callback.try_on.isoformat(), "note": note},
        )
        return callback
    reached = result == CallbackResult.REACHED
    callback.done_at, callback.done_by = now, actor.user
    if opens == "service_request":
        unit = callback.unit
        request = service_request_create(
            actor=actor,
            customer_id=callback.customer_id,
            channel=Channel.PHONE,
            fault=note,
            serial=unit.serial if unit is not None else "",
        )
        callback.opened_request = request
    elif opens == "complaint":
        complaint = complaint_register(
            actor=actor,
            customer_id=callback.customer_id,
            complaint_class=ComplaintClass.OTHER,
            channel=ComplaintChannel.PHONE,
            description=note,
            service_request=callback.service_request.number if callback.service_request_id else "",  # type: ignore[union-attr]  # checked
        )
        callback.opened_complaint = complaint
    transition(
        callback,
        to=CallbackState.DONE if reached else CallbackState.NOT_REACHED,
        table=CALLBACK_TRANSITIONS,
        actor=actor,
        action=events.CALLBACK_DONE if reached else events.CALLBACK_NOT_REACHED,
        data={
            "result": result,
            "satisfaction": satisfaction,
            "attempts": callback.attempts,
            "talk_seconds": talk_seconds,
            "opened_request": callback.opened_request.number if callback.opened_request_id else None,  # type: ignore[union-attr]  # set above
            "opened_complaint": callback.opened_complaint.number if callback.opened_complaint_id else None,  # type: ignore[union-attr]  # set above
        },
        extra_update_fields=(*fields, "done_at", "done_by", "opened_request", "opened_complaint"),
    )
    clock_stop_for(subject=callback, kind=ClockKind.PLANNED_CALLBACK, actor=actor)
    clock_stop_for(subject=callback, kind=ClockKind.CALLBACK, actor=actor)  # K15: after a complaint
    if callback.opened_request_id or callback.opened_complaint_id:
        opened = callback.opened_request or callback.opened_complaint
        event_record(
            subject=opened,  # type: ignore[arg-type]  # one of the two is set
            action=events.CALLBACK_OPENED,
            actor=actor,
            rule="V2",
            data={"callback": callback.pk, "kind": callback.kind},
        )
    if satisfaction == Answer.DISSATISFIED:
        low_score.send(
            sender=Callback,
            source="callback",
            customer_id=callback.customer_id,
            subject=callback,
            note=_("Dissatisfied on the callback: %(note)s") % {"note": note or "—"},
            actor=actor,
        )
    return callback


# --- point 5: low scores act -------------------------------------------------------------------


def low_score_received(
    sender: Any, *, source: str, customer_id: int, subject: Any, note: str, actor: Any = SYSTEM, **kwargs: Any
) -> None:
    """A survey graded dissatisfied, a poor engineer rating or a dissatisfied callback opens a follow-up
    (policy V4.low_score_follow_up): a complaint registered for the customer, or a callback task for the
    head of after-sales. Linked by the planning key (source and record) so it opens once.
    Rule: V4 (point 5). Runs in the caller's transaction.
    """
    key = f"low:{source}:{subject._meta.label_lower}:{subject.pk}"
    if Callback.objects.filter(planning_key=key).exists():
        return
    policies = policy_snapshot()
    heads = list(user_list_with_role(HEAD_ROLE))
    complaint = None
    if policies.get("V4.low_score_follow_up").value == "complaint":
        registrar = actor if getattr(actor, "is_authenticated", False) and not actor.has_role("customer") else None
        if registrar is None and heads:
            registrar = actor_for(heads[0])
        complaint = complaint_register(
            actor=registrar or SYSTEM,
            customer_id=customer_id,
            complaint_class=ComplaintClass.OTHER,
            channel=ComplaintChannel.PHONE,
            description=note,
        )
    draft = Draft(
        CallbackKind.LOW_SCORE,
        key,
        customer_id,
        note,
        timezone.localdate(),
        timezone.now(),
        "V1.window",
        complaint_id=complaint.pk if complaint is not None else None,
        assignee_id=heads[0].pk if heads else None,
        assignee_role=HEAD_ROLE,
    )
    rows = _create([draft], actor=SYSTEM, policies=policies)
    if rows and heads:
        notify_users(
            users=heads,
            title=_("A customer is dissatisfied: follow up"),
            body=note,
            url=f"/callbacks/{rows[0].id}/",
            rule="V4",
        )
