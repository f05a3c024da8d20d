"""Keeping RequestFact, ClockFact and DayCount equal to the base tables (Q1, Q4; docs/decisions/0031).

Transactional: a save or delete of a service request, a parts line, a clock or a complaint
refreshes the facts it touches in the same transaction (Django's model signals, connected from
ReportsConfig.ready, so the other apps import nothing of this one), and the day counts move by
the difference between the old and the new contribution. summaries_rebuild() recomputes
everything from the base tables (after a bulk load, or when part keys change); summaries_recount()
returns what the counts should be, for the property test and `aftersales reports_check`.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_delete

from aftersales.clocks.choices import ClockKind
from aftersales.clocks.models import Clock
from aftersales.complaints.models import Complaint
from aftersales.reports.facts import (
    CLOCK,
    COMPLAINT_TYPE,
    DONE,
    FACT_FIELDS,
    GROUP_COLUMNS,
    OPEN,
    REQUEST_TYPE,
    Fact,
    GroupKey,
    GroupValues,
    clock_facts,
    clock_groups,
    clock_keys,
    group_columns,
    request_facts,
    request_groups,
)
from aftersales.reports.models import ClockFact, DayCount, GroupDayCount, RequestFact
from aftersales.service.models import PartUsed, ServiceRequest

BATCH = 5000
# Clocks whose stop changes the request's response / resolution time.
REQUEST_TIME_CLOCKS = frozenset({ClockKind.RESPOND, ClockKind.SOLVE})
Contribution = dict[tuple[str, Any, str], str]  # (dim, day, key) → label
GroupDelta = dict[GroupKey, list[int]]  # (dim, day, key, measure) → [count, hits, amount] change
CLOCK_FIELDS = ("day", "kind", "attained", "request_fact_id")
GROUP_FIELDS = tuple(c for c in GROUP_COLUMNS.values() if c is not None)


def _add(delta: GroupDelta, contribution: dict[GroupKey, GroupValues], sign: int) -> None:
    for key, values in contribution.items():
        slot = delta.setdefault(key, [0, 0, 0])
        for i, value in enumerate(values):
            slot[i] += sign * value


def _apply_groups(delta: GroupDelta) -> None:
    """Move GroupDayCount rows by `delta` (in key order, so concurrent writers lock rows alike)."""
    for (dim, day, key, measure), (count, hits, amount) in sorted(
        delta.items(), key=lambda i: (*i[0][:1], str(i[0][1]), *i[0][2:])
    ):
        if count == hits == amount == 0:
            continue
        rows = GroupDayCount.objects.filter(dim=dim, day=day, key=key, measure=measure)
        change = {"count": F("count") + count, "hits": F("hits") + hits, "amount": F("amount") + amount}
        if rows.update(**change):
            continue
        try:
            with transaction.atomic():  # a concurrent writer may create the same row first
                GroupDayCount.objects.create(
                    dim=dim, day=day, key=key, measure=measure, count=count, hits=hits, amount=amount
                )
        except IntegrityError:
            rows.update(**change)


def _groups_of(ids: Iterable[int | None]) -> dict[int, dict[str, Any]]:
    """The grouping columns of these stored request facts."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {
        row.pop("request_id"): row
        for row in RequestFact.objects.filter(pk__in=wanted).values("request_id", *GROUP_FIELDS)
    }


def _clocks_regrouped(delta: GroupDelta, before: dict[int, Any], after: dict[int, Any]) -> None:
    """The clocks of requests whose groups changed (before/after: request id → fact values or None)
    move from the old groups to the new."""
    moved = [pk for pk in before if group_columns(before[pk]) != group_columns(after.get(pk))]
    if not moved:
        return
    for row in ClockFact.objects.filter(request_fact_id__in=moved).values(*CLOCK_FIELDS):
        _add(delta, clock_groups(row, before[row["request_fact_id"]]), -1)
        _add(delta, clock_groups(row, after.get(row["request_fact_id"])), 1)


def _stored(ids: list[int]) -> dict[int, Fact]:
    """The facts as last stored (their part keys are kept on the fact rows' DayCount contribution)."""
    found: dict[int, Fact] = {}
    for row in RequestFact.objects.filter(pk__in=ids).values("request_id", "parts", *FACT_FIELDS):
        pk = row.pop("request_id")
        parts = dict(line.split("\t", 1) for line in row.pop("parts").splitlines() if "\t" in line)
        found[pk] = Fact(values=row, parts=parts)
    return found


def _parts_text(fact: Fact) -> str:
    return "\n".join(f"{k}\t{v}" for k, v in sorted(fact.parts.items()))


def request_facts_refresh(ids: Iterable[int]) -> None:
    """Recompute these requests' facts and move the day counts by the difference."""
    ids = sorted({int(i) for i in ids if i is not None})
    if not ids:
        return
    with transaction.atomic():
        old = _stored(ids)
        new = request_facts(ids)
        delta: Counter[tuple[str, Any, str]] = Counter()
        labels: dict[tuple[str, Any, str], str] = {}
        for pk in ids:
            before = old[pk].contribution() if pk in old else {}
            after = new[pk].contribution() if pk in new else {}
            for key in before.keys() - after.keys():
                delta[key] -= 1
            for key in after.keys() - before.keys():
                delta[key] += 1
                labels[key] = after[key]
        groups: GroupDelta = {}
        for pk in ids:
            if pk in old:
                _add(groups, request_groups(old[pk].values), -1)
            if pk in new:
                _add(groups, request_groups(new[pk].values), 1)
        _clocks_regrouped(
            groups,
            {pk: old[pk].values if pk in old else None for pk in ids},
            {pk: new[pk].values for pk in ids if pk in new},
        )
        gone = [pk for pk in ids if pk not in new and pk in old]
        if gone:
            RequestFact.objects.filter(pk__in=gone).delete()
        for pk, fact in new.items():
            values = {**fact.values, "parts": _parts_text(fact)}
            if pk in old:
                if old[pk].values != fact.values or old[pk].parts != fact.parts:
                    RequestFact.objects.filter(pk=pk).update(**values)
            else:
                RequestFact.objects.create(request_id=pk, **values)
        _apply(delta, labels)
        _apply_groups(groups)


def _apply(delta: Counter[tuple[str, Any, str]], labels: dict[tuple[str, Any, str], str]) -> None:
    for (dim, day, key), change in sorted(delta.items(), key=lambda item: (item[0][0], str(item[0][1]), item[0][2])):
        if change == 0:
            continue
        rows = DayCount.objects.filter(dim=dim, day=day, key=key)
        if rows.update(count=F("count") + change):
            continue
        try:
            with transaction.atomic():  # a concurrent writer may create the same row first
                DayCount.objects.create(dim=dim, day=day, key=key, label=labels.get((dim, day, key), ""), count=change)
        except IntegrityError:
            rows.update(count=F("count") + change)


def clock_facts_refresh(ids: Iterable[int]) -> None:
    ids = sorted({int(i) for i in ids})
    if not ids:
        return
    found = clock_facts(ids)
    with transaction.atomic():
        old: dict[int, dict[str, Any]] = {}
        for row in ClockFact.objects.filter(pk__in=ids).values("clock_id", *CLOCK_FIELDS):
            values: dict[str, Any] = dict(row)
            old[values.pop("clock_id")] = values
        delta: Counter[tuple[str, Any, str]] = Counter()
        requests = _groups_of(v["request_fact_id"] for v in [*old.values(), *found.values()])
        groups: GroupDelta = {}
        for pk in ids:
            delta.subtract(clock_keys(old.get(pk)).keys())
            delta.update(clock_keys(found.get(pk)).keys())
            if pk in old:
                _add(groups, clock_groups(old[pk], requests.get(old[pk]["request_fact_id"])), -1)
            if pk in found:
                _add(groups, clock_groups(found[pk], requests.get(found[pk]["request_fact_id"])), 1)
        ClockFact.objects.filter(pk__in=[pk for pk in ids if pk not in found and pk in old]).delete()
        for pk, values in found.items():
            if pk not in old:
                ClockFact.objects.create(clock_id=pk, **values)
            elif old[pk] != values:
                ClockFact.objects.filter(pk=pk).update(**values)
        _apply(delta, {})
        _apply_groups(groups)


# --- signals ---------------------------------------------------------------------------------------


def _request_saved(sender: Any, instance: ServiceRequest, **kwargs: Any) -> None:
    request_facts_refresh([i for i in (instance.pk, instance.repeat_of_id) if i is not None])


_deleting = threading.local()  # ids of requests being deleted: their cascading parts lines change nothing


def _being_deleted() -> set[int]:
    if not hasattr(_deleting, "ids"):
        _deleting.ids = set()
    found: set[int] = _deleting.ids
    return found


def _request_deleting(sender: Any, instance: ServiceRequest, **kwargs: Any) -> None:
    pk = instance.pk
    _being_deleted().add(pk)
    old = _stored([pk])
    if pk in old:
        delta: Counter[tuple[str, Any, str]] = Counter({key: -1 for key in old[pk].contribution()})
        groups: GroupDelta = {}
        _add(groups, request_groups(old[pk].values), -1)
        _clocks_regrouped(groups, {pk: old[pk].values}, {})
        RequestFact.objects.filter(pk=pk).delete()
        _apply(delta, {})
        _apply_groups(groups)


def _request_deleted(sender: Any, instance: ServiceRequest, **kwargs: Any) -> None:
    _being_deleted().discard(instance.pk)


def _part_changed(sender: Any, instance: PartUsed, **kwargs: Any) -> None:
    if instance.request_id in _being_deleted():
        return
    if ServiceRequest.objects.filter(pk=instance.request_id).exists():
        request_facts_refresh([instance.request_id])


def _clock_saved(sender: Any, instance: Clock, **kwargs: Any) -> None:
    if instance.subject_type not in (REQUEST_TYPE, COMPLAINT_TYPE):
        return
    clock_facts_refresh([instance.pk])
    if instance.subject_type == REQUEST_TYPE and instance.kind in REQUEST_TIME_CLOCKS:
        request_facts_refresh([int(instance.subject_id)])


def _clock_deleted(sender: Any, instance: Clock, **kwargs: Any) -> None:
    clock_facts_refresh([instance.pk])  # gone from the base table: its fact and count go too
    if instance.subject_type == REQUEST_TYPE and instance.kind in REQUEST_TIME_CLOCKS:
        request_facts_refresh([int(instance.subject_id)])


def _complaint_saved(sender: Any, instance: Complaint, **kwargs: Any) -> None:
    clocks = Clock.objects.filter(subject_type=COMPLAINT_TYPE, subject_id=str(instance.pk)).values("pk")
    changed = ClockFact.objects.filter(clock_id__in=clocks).exclude(request_fact_id=instance.service_request_id)
    rows = list(changed.values(*CLOCK_FIELDS))
    if not rows:
        return
    requests = _groups_of([instance.service_request_id, *(r["request_fact_id"] for r in rows)])
    linked = instance.service_request_id
    groups: GroupDelta = {}
    for row in rows:
        _add(groups, clock_groups(row, requests.get(row["request_fact_id"])), -1)
        _add(groups, clock_groups(row, requests.get(linked) if linked is not None else None), 1)
    changed.update(request_fact_id=instance.service_request_id)
    _apply_groups(groups)


def connect_signals() -> None:
    uid = "aftersales.reports"
    post_save.connect(_request_saved, sender=ServiceRequest, dispatch_uid=f"{uid}.request_saved")
    pre_delete.connect(_request_deleting, sender=ServiceRequest, dispatch_uid=f"{uid}.request_deleting")
    post_delete.connect(_request_deleted, sender=ServiceRequest, dispatch_uid=f"{uid}.request_deleted")
    post_save.connect(_part_changed, sender=PartUsed, dispatch_uid=f"{uid}.part_saved")
    post_delete.connect(_part_changed, sender=PartUsed, dispatch_uid=f"{uid}.part_deleted")
    post_save.connect(_clock_saved, sender=Clock, dispatch_uid=f"{uid}.clock_saved")
    post_delete.connect(_clock_deleted, sender=Clock, dispatch_uid=f"{uid}.clock_deleted")
    post_save.connect(_complaint_saved, sender=Complaint, dispatch_uid=f"{uid}.complaint_saved")


# --- rebuild and recount -----------------------------------------------------------------------------


def _batches(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


Summaries = tuple[
    dict[tuple[str, Any, str], int],  # day counts
    dict[int, dict[str, Any]],  # request facts
    dict[int, dict[str, Any]],  # clock facts
    dict[GroupKey, GroupValues],  # group day counts (zeros left out)
]


def _group_totals(facts: dict[int, dict[str, Any]], clocks: dict[int, dict[str, Any]]) -> dict[GroupKey, GroupValues]:
    """GroupDayCount as the facts say: each request's and each clock's contribution, summed."""
    delta: GroupDelta = {}
    for values in facts.values():
        _add(delta, request_groups(values), 1)
    for clock in clocks.values():
        _add(delta, clock_groups(clock, facts.get(clock["request_fact_id"])), 1)
    return {k: (v[0], v[1], v[2]) for k, v in delta.items() if any(v)}


def summaries_recount() -> Summaries:
    """What the day counts, request facts, clock facts and group day counts should hold, from the base
    tables alone."""
    counts: Counter[tuple[str, Any, str]] = Counter()
    facts: dict[int, dict[str, Any]] = {}
    ids = list(ServiceRequest.objects.order_by("pk").values_list("pk", flat=True))
    for chunk in _batches(ids):
        for pk, fact in request_facts(chunk).items():
            counts.update(fact.contribution().keys())
            facts[pk] = {**fact.values, "parts": _parts_text(fact)}
    clocks: dict[int, dict[str, Any]] = {}
    clock_ids = list(
        Clock.objects.filter(subject_type__in=[REQUEST_TYPE, COMPLAINT_TYPE], stopped_at__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for chunk in _batches(clock_ids):
        found = clock_facts(chunk)
        for values in found.values():
            counts.update(clock_keys(values).keys())
        clocks.update(found)
    return dict(counts), facts, clocks, _group_totals(facts, clocks)


def summaries_stored() -> Summaries:
    """What the day counts, facts and group day counts hold now (zero counts left out)."""
    counts = {
        (dim, day, key): n
        for dim, day, key, n in DayCount.objects.exclude(count=0).values_list("dim", "day", "key", "count")
    }
    facts = {row.pop("request_id"): row for row in RequestFact.objects.values("request_id", "parts", *FACT_FIELDS)}
    clocks: dict[int, dict[str, Any]] = {}
    for row in ClockFact.objects.values("clock_id", *CLOCK_FIELDS):
        values: dict[str, Any] = dict(row)
        clocks[values.pop("clock_id")] = values
    groups = {
        (dim, day, key, measure): (n, hits, amount)
        for dim, day, key, measure, n, hits, amount in GroupDayCount.objects.values_list(
            "dim", "day", "key", "measure", "count", "hits", "amount"
        )
        if n or hits or amount
    }
    return counts, facts, clocks, groups


def group_counts_rebuild() -> int:
    """Recount GroupDayCount from the stored facts in SQL (after a rebuild or a bulk load of facts).

    One INSERT … SELECT ordered like the unique index (dim, day, key, measure), so a period's rows of
    a grouping lie together, as they do when the maintenance appends them day after day."""
    from django.db import connection

    qn = connection.ops.quote_name
    table = qn(GroupDayCount._meta.db_table)
    facts = qn(RequestFact._meta.db_table)
    clocks = qn(ClockFact._meta.db_table)
    parts = []
    for dim, column in GROUP_COLUMNS.items():  # constants of this module, written as SQL literals
        key = "''" if column is None else f"COALESCE(CAST(r.{qn(column)} AS VARCHAR(64)), '')"
        parts.append(
            f"SELECT r.day, '{dim}', {key}, '{DONE}', COUNT(*), SUM(CASE WHEN r.first_time_fix THEN 1 ELSE 0 END), "  # noqa: S608 (names and constants only)
            f"SUM(CAST(ROUND(COALESCE(r.repair_cost, 0) * 100) AS BIGINT)) FROM {facts} r WHERE r.completed "
            "GROUP BY r.day, 3"
        )
        if dim == "service_point":
            parts.append(
                f"SELECT r.day, '{dim}', {key}, '{OPEN}', COUNT(*), 0, 0 FROM {facts} r WHERE r.{qn('open')} "  # noqa: S608 (names and constants only)
                "GROUP BY r.day, 3"
            )
        parts.append(
            f"SELECT c.day, '{dim}', {key}, '{CLOCK}' || c.kind, COUNT(*), SUM(CASE WHEN c.attained THEN 1 ELSE 0 END), "  # noqa: S608 (names and constants only)
            f"0 FROM {clocks} c LEFT JOIN {facts} r ON r.request_id = c.request_fact_id GROUP BY c.day, 3, c.kind"
        )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (table and column names only)
        cursor.execute(
            f"INSERT INTO {table} (day, dim, {qn('key')}, measure, count, hits, amount) "  # noqa: S608 (names and constants only)
            + " UNION ALL ".join(parts)
            + " ORDER BY 2, 1, 3, 4"
        )
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (table and column names only)
        return int(cursor.fetchone()[0])


def summaries_rebuild() -> dict[str, int]:
    """Replace every fact and count by a full recount (one transaction, streamed in batches)."""
    counts: Counter[tuple[str, Any, str]] = Counter()
    labels: dict[tuple[str, Any, str], str] = {}
    done = {"requests": 0, "clocks": 0}
    with transaction.atomic():
        DayCount.objects.all().delete()
        ClockFact.objects.all().delete()
        RequestFact.objects.all().delete()
        ids = list(ServiceRequest.objects.order_by("pk").values_list("pk", flat=True))
        for chunk in _batches(ids):
            rows = []
            for pk, fact in request_facts(chunk).items():
                keys = fact.contribution()
                counts.update(keys.keys())
                labels.update({k: v for k, v in keys.items() if v})
                rows.append(RequestFact(request_id=pk, parts=_parts_text(fact), **fact.values))
            RequestFact.objects.bulk_create(rows, batch_size=BATCH)
            done["requests"] += len(rows)
        clock_ids = list(
            Clock.objects.filter(subject_type__in=[REQUEST_TYPE, COMPLAINT_TYPE], stopped_at__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for chunk in _batches(clock_ids):
            found = clock_facts(chunk)
            for values in found.values():
                counts.update(clock_keys(values).keys())
            ClockFact.objects.bulk_create([ClockFact(clock_id=pk, **v) for pk, v in found.items()], batch_size=BATCH)
            done["clocks"] += len(found)
        DayCount.objects.bulk_create(
            [
                DayCount(dim=d, day=day, key=k, count=n, label=labels.get((d, day, k), ""))
                for (d, day, k), n in counts.items()
            ],
            batch_size=BATCH,
        )
        group_counts_rebuild()
    return {**done, "day_counts": len(counts)}
