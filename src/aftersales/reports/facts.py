"""Q1/Q4: what one service request and one clock count as, computed from the base tables.

The same functions feed the transactional maintenance (reports.maintain, a few rows at a time)
and the full rebuild / recount (thousands at a time), so the two can only differ if a change
bypassed the maintenance: the property test compares them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils import timezone

from aftersales.clocks.choices import ClockKind, ClockState
from aftersales.clocks.models import Clock
from aftersales.complaints.models import Complaint
from aftersales.core.models import Event
from aftersales.reports.choices import Dimension
from aftersales.service.choices import Resolution
from aftersales.service.models import FeeStandard, PartUsed, ServiceRequest

REQUEST_TYPE = ServiceRequest._meta.label_lower  # "service.servicerequest", the clocks' subject_type
COMPLAINT_TYPE = Complaint._meta.label_lower
# Q4 first-time fix: solved at the visit (not in the depot, not left unsolved) …
FIXED_AT_VISIT = frozenset({Resolution.ON_SITE, Resolution.REMOTE, Resolution.BOARD_SWAP})
# … and no second visit: more than one check-in, or a wait for parts / the depot in between.
VISIT_ACTIONS = ("servicerequest.on_site", "servicerequest.waiting_parts", "servicerequest.in_depot")
FTF_DIM = "ftf"  # DayCount of completed requests by received day: key "1" first-time fix, "0" not
SLA_DIM = "sla"  # DayCount of stopped clocks by stopped day: key "<kind>:1" attained, "<kind>:0" not
FACT_FIELDS = (
    "day",
    "product_id",
    "symptom_id",
    "service_point_id",
    "engineer_id",
    "channel",
    "region_tier",
    "completed",
    "response_seconds",
    "resolution_seconds",
    "first_time_fix",
    "repair_cost",
    "open",
)
# Q4 groupings kept per day in GroupDayCount (docs/decisions/0039): dim → RequestFact column ("all": one group).
GROUP_COLUMNS: dict[str, str | None] = {
    "service_point": "service_point_id",
    "region_tier": "region_tier",
    "engineer": "engineer_id",
    "product": "product_id",
    "all": None,
}
DONE = "done"  # completed requests (count), first-time fixes (hits), repair cost in fen (amount)
OPEN = "open"  # open requests, by service point only (the head's backlog)
CLOCK = "clock:"  # + kind: clocks stopped (count) and attained (hits)
GroupKey = tuple[str, dt.date, str, str]  # (dim, day, group key, measure)
GroupValues = tuple[int, int, int]  # (count, hits, amount)


@dataclass
class Fact:
    """One request's RequestFact values and the part keys it counts under."""

    values: dict[str, Any]
    parts: dict[str, str] = field(default_factory=dict)  # part key → label

    def contribution(self) -> dict[tuple[str, dt.date, str], str]:
        """(dim, day, key) → label of every DayCount this request adds one to."""
        v = self.values
        day = v["day"]
        found = {
            (Dimension.PRODUCT.value, day, _key(v["product_id"])): "",
            (Dimension.SYMPTOM.value, day, _key(v["symptom_id"])): "",
            (Dimension.SERVICE_POINT.value, day, _key(v["service_point_id"])): "",
            (Dimension.ENGINEER.value, day, _key(v["engineer_id"])): "",
            (Dimension.CHANNEL.value, day, v["channel"] or ""): "",
            (Dimension.REGION_TIER.value, day, v["region_tier"] or ""): "",
        }
        if v["first_time_fix"] is not None:  # completed: counted for the first-time fix rate
            found[(FTF_DIM, day, "1" if v["first_time_fix"] else "0")] = ""
        for key, label in self.parts.items():
            found[(Dimension.PART.value, day, key)] = label
        return found


def group_key(values: dict[str, Any] | None, dim: str) -> str:
    """The group a request fact (None: no fact) is counted under in GroupDayCount's `dim`."""
    column = GROUP_COLUMNS[dim]
    return "" if values is None or column is None else _key(values[column])


def fen(amount: Decimal | None) -> int:
    return 0 if amount is None else int((amount * 100).to_integral_value())


def request_groups(values: dict[str, Any]) -> dict[GroupKey, GroupValues]:
    """The GroupDayCount a request fact adds to (received day)."""
    day = values["day"]
    found: dict[GroupKey, GroupValues] = {}
    for dim in GROUP_COLUMNS:
        key = group_key(values, dim)
        if values["completed"]:
            found[(dim, day, key, DONE)] = (1, 1 if values["first_time_fix"] else 0, fen(values["repair_cost"]))
    if values["open"]:
        found[("service_point", day, group_key(values, "service_point"), OPEN)] = (1, 0, 0)
    return found


def clock_groups(clock: dict[str, Any] | None, request: dict[str, Any] | None) -> dict[GroupKey, GroupValues]:
    """The GroupDayCount a stopped clock adds to (stopped day), in the groups of the request fact it
    counts for (`request`; None: none, group "")."""
    if clock is None:
        return {}
    hit = 1 if clock["attained"] else 0
    return {(dim, clock["day"], group_key(request, dim), CLOCK + clock["kind"]): (1, hit, 0) for dim in GROUP_COLUMNS}


def group_columns(values: dict[str, Any] | None) -> tuple[Any, ...] | None:
    """What of a request fact its clocks' groups depend on."""
    if values is None:
        return None
    return tuple(values[c] for c in GROUP_COLUMNS.values() if c is not None)


def clock_keys(values: dict[str, Any] | None) -> dict[tuple[str, dt.date, str], str]:
    """The DayCount a stopped clock adds one to: ("sla", stopped day, "<kind>:1" if attained else "<kind>:0")."""
    if values is None:
        return {}
    return {(SLA_DIM, values["day"], f"{values['kind']}:{1 if values['attained'] else 0}"): ""}


def _key(value: Any) -> str:
    return "" if value is None else str(value)


def part_key(part_code: str, part_name: str) -> tuple[str, str]:
    """The one place a used part becomes a statistics key and label ("by replaced part").

    Today the part number typed on the request's parts line; when the parts catalogue (issue 14)
    lands, this returns the catalogue item instead, and a rebuild re-keys history."""
    return part_code.strip().upper(), part_name.strip()


def part_cost(quantity: int, unit_price: Decimal) -> Decimal:
    """Q4 repair cost, parts at cost: the parts line's unit price until the catalogue holds a cost."""
    return Decimal(quantity) * unit_price


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _fee_rates() -> list[tuple[dt.datetime, Decimal]]:
    """(approved_at, labour rate per hour) of every fee standard ever approved, oldest first."""
    rows = (
        FeeStandard.objects.filter(approved_at__isnull=False)
        .order_by("approved_at")
        .values_list("approved_at", "labour_rate")
    )
    return [(a, r) for a, r in rows if a is not None]


def labour_rate_at(rates: Sequence[tuple[dt.datetime, Decimal]], moment: dt.datetime) -> Decimal:
    """B2: the labour rate of the fee standard in force at `moment` (0 when none was approved yet)."""
    found = Decimal(0)
    for approved_at, rate in rates:
        if approved_at > moment:
            break
        found = rate
    return found


def consumed_seconds(target_seconds: int, margin_seconds: int | None) -> int | None:
    """Business seconds a stopped clock counted: its target minus the margin left (X2)."""
    return None if margin_seconds is None else target_seconds - margin_seconds


def request_facts(ids: Iterable[int]) -> dict[int, Fact]:
    """The facts of these requests as the base tables say now (missing ids: deleted)."""
    ids = list(ids)
    if not ids:
        return {}
    rows = ServiceRequest.objects.filter(pk__in=ids).values(
        "id",
        "received_at",
        "unit__product_id",
        "symptom_code_id",
        "confirmed_symptom_code_id",
        "service_point_id",
        "engineer_id",
        "channel",
        "region_tier",
        "completed_at",
        "resolution",
        "labour_minutes",
        "open",
    )
    texts = [str(i) for i in ids]
    parts: dict[int, dict[str, str]] = defaultdict(dict)
    parts_cost: dict[int, Decimal] = defaultdict(Decimal)
    for request_id, code, name, quantity, price in PartUsed.objects.filter(request_id__in=ids).values_list(
        "request_id", "part_code", "part_name", "quantity", "unit_price"
    ):
        key, label = part_key(code, name)
        parts[request_id].setdefault(key, label)
        parts_cost[request_id] += part_cost(quantity, price)
    consumed: dict[tuple[int, str], int | None] = {}
    for subject_id, kind, target, margin in Clock.objects.filter(
        subject_type=REQUEST_TYPE,
        subject_id__in=texts,
        kind__in=[ClockKind.RESPOND, ClockKind.SOLVE],
        state=ClockState.STOPPED,
    ).values_list("subject_id", "kind", "target_seconds", "margin_seconds"):
        consumed[(int(subject_id), kind)] = consumed_seconds(target, margin)
    visits: dict[int, dict[str, int]] = defaultdict(dict)
    for subject_id, action, n in (
        Event.objects.filter(subject_type=REQUEST_TYPE, subject_id__in=texts, action__in=VISIT_ACTIONS)
        .values_list("subject_id", "action")
        .annotate(n=Count("id"))
        .order_by()
    ):
        visits[int(subject_id)][action] = n
    repeated = set(
        ServiceRequest.objects.filter(repeat_of_id__in=ids).values_list("repeat_of_id", flat=True).distinct()
    )
    rates = _fee_rates()
    found: dict[int, Fact] = {}
    for row in rows:
        pk = row["id"]
        completed = row["completed_at"] is not None
        cost = None
        ftf = None
        if row["completed_at"] is not None:
            rate = labour_rate_at(rates, row["completed_at"])
            labour = Decimal(row["labour_minutes"] or 0) * rate / 60
            cost = (labour + parts_cost.get(pk, Decimal(0))).quantize(Decimal("0.01"))
            ftf = first_time_fix(row["resolution"], visits.get(pk, {}), repeated=pk in repeated)
        found[pk] = Fact(
            values={
                "day": local_day(row["received_at"]),
                "product_id": row["unit__product_id"],
                "symptom_id": row["confirmed_symptom_code_id"] or row["symptom_code_id"],
                "service_point_id": row["service_point_id"],
                "engineer_id": row["engineer_id"],
                "channel": row["channel"],
                "region_tier": row["region_tier"],
                "completed": completed,
                "response_seconds": consumed.get((pk, ClockKind.RESPOND)),
                "resolution_seconds": consumed.get((pk, ClockKind.SOLVE)) if completed else None,
                "first_time_fix": ftf,
                "repair_cost": cost,
                "open": row["open"],
            },
            parts=parts.get(pk, {}),
        )
    return found


def first_time_fix(resolution: str, visits: dict[str, int], *, repeated: bool) -> bool:
    """Q4: solved at the first visit (or remotely), never reopened, no S15 repeat within the window.

    A reopen (S11) checks in again, so it shows as a second on-site visit; the S15 window is the
    one the repeat flag was set under."""
    if resolution not in FIXED_AT_VISIT or repeated:
        return False
    if visits.get("servicerequest.on_site", 0) > 1:
        return False
    return not (visits.get("servicerequest.waiting_parts") or visits.get("servicerequest.in_depot"))


def clock_facts(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """ClockFact values of these clocks; a clock not stopped (or not on a request/complaint) has none."""
    ids = list(ids)
    rows = list(
        Clock.objects.filter(
            pk__in=ids, state=ClockState.STOPPED, subject_type__in=[REQUEST_TYPE, COMPLAINT_TYPE]
        ).values_list("id", "subject_type", "subject_id", "kind", "stopped_at", "due_at")
    )
    complaint_ids = {int(s) for _, t, s, *_ in rows if t == COMPLAINT_TYPE}
    request_of = dict(Complaint.objects.filter(pk__in=complaint_ids).values_list("id", "service_request_id"))
    found = {}
    for pk, subject_type, subject_id, kind, stopped_at, due_at in rows:
        if stopped_at is None:
            continue
        request_id = int(subject_id) if subject_type == REQUEST_TYPE else request_of.get(int(subject_id))
        found[pk] = {
            "day": local_day(stopped_at),
            "kind": kind,
            "attained": attained(stopped_at, due_at),
            "request_fact_id": request_id,
        }
    return found


def attained(stopped_at: dt.datetime, due_at: dt.datetime | None) -> bool:
    """Q4 SLA attainment: stopped at or before its due time (exactly at due is attained)."""
    return due_at is None or stopped_at <= due_at
