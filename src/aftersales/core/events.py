"""event_record(): the only writer of core.Event (X3)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from aftersales.core.bulk import bulk_insert, datetime_adapter
from aftersales.core.models import GENESIS_HASH, Event, EventChainHead

# action -> human label, filled by each app's events.py (register_action_labels).
ACTION_LABELS: dict[str, Any] = {}


def register_action_labels(labels: dict[str, Any]) -> None:
    ACTION_LABELS.update(labels)


@dataclass(frozen=True)
class Subject:
    """A record named without loading it as a model instance (the sweep's clocks): type, key, label."""

    type: str  # "app_label.model"
    id: str
    label: str

    def __str__(self) -> str:
        return self.label


def subject_key(obj: models.Model | Subject) -> tuple[str, str]:
    if isinstance(obj, Subject):
        return obj.type, obj.id
    return obj._meta.label_lower, str(obj.pk)


# Encoders made once: json.dumps() with any option builds a new JSONEncoder per call (~2 µs).
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
_PLAIN = json.JSONEncoder(ensure_ascii=False, default=str)


def _canonical(payload: dict[str, Any]) -> bytes:
    return _CANONICAL.encode(payload).encode()


def event_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + _canonical(payload)).hexdigest()


def event_payload(event: Event) -> dict[str, Any]:
    return {
        "occurred_at": event.occurred_at.isoformat(),
        "actor": event.actor_id,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "action": event.action,
        "rule": event.rule,
        "policy_version": event.policy_version,
        "data": event.data,
    }


@dataclass(frozen=True)
class EventDraft:
    """One event to append (see events_record)."""

    subject: models.Model | Subject
    action: str
    actor: Any = None
    data: dict[str, Any] | None = None
    rule: str = ""
    policy_version: int | None = None


def _dumps(value: Any) -> str:
    return _PLAIN.encode(value)


def _prepare(draft: EventDraft, prev: str, now: dt.datetime, now_iso: str) -> dict[str, Any]:
    """The column values of one event, its hash chained to `prev`.

    The hashed text is built from the already canonical data text; it equals
    `_canonical(event_payload(event))` byte for byte (sorted keys, the same separators), which is
    what chain_verify() recomputes. Building it this way saves two JSON encodings per event.
    """
    subject_type, subject_id = subject_key(draft.subject)
    user = getattr(draft.actor, "user", draft.actor)
    actor_id = user.pk if getattr(user, "pk", None) else None
    data_text = _CANONICAL.encode(draft.data or {})
    payload = (
        f'{{"action":{_dumps(draft.action)},"actor":{_dumps(actor_id)},"data":{data_text},'
        f'"occurred_at":{_dumps(now_iso)},"policy_version":{_dumps(draft.policy_version)},'
        f'"rule":{_dumps(draft.rule)},"subject_id":{_dumps(subject_id)},"subject_type":{_dumps(subject_type)}}}'
    )
    return {
        "occurred_at": now,
        "actor_id": actor_id,
        "actor_label": (getattr(user, "username", "") or "system")[:150],
        "subject_type": subject_type,
        "subject_id": subject_id,
        "subject_label": str(draft.subject)[:200],
        "action": draft.action,
        "rule": draft.rule,
        "policy_version": draft.policy_version,
        "data": data_text,  # canonical JSON text
        "prev_hash": prev,
        "hash": hashlib.sha256((prev + payload).encode()).hexdigest(),
    }


def _chain_sql() -> tuple[str, str, str]:
    """(lock, create, advance): the head row's statements as plain SQL. Every write of every service
    runs lock and advance; built and compiled by the ORM they cost ~0.6 ms a call on the bench VM
    (docs/decisions/0004)."""
    connection = transaction.get_connection()
    qn = connection.ops.quote_name
    table, key, last_hash, count = qn(EventChainHead._meta.db_table), qn("id"), qn("last_hash"), qn("count")
    for_update = " FOR UPDATE" if connection.features.has_select_for_update else ""  # SQLite: BEGIN IMMEDIATE
    return (
        f"SELECT {last_hash} FROM {table} WHERE {key} = 1{for_update}",  # noqa: S608 — our names
        f"INSERT INTO {table} ({key}, {last_hash}, {count}) VALUES (1, %s, 0) ON CONFLICT ({key}) DO NOTHING",  # noqa: S608
        f"UPDATE {table} SET {last_hash} = %s, {count} = {count} + %s WHERE {key} = 1",  # noqa: S608
    )


def _chain_lock() -> str:
    lock, create, _advance = _chain_sql()
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(lock)
        row = cursor.fetchone()
        if row is None:  # the first event ever: make the head, then lock it
            cursor.execute(create, [GENESIS_HASH])
            cursor.execute(lock)
            row = cursor.fetchone()
        return str(row[0])


def _chain_advance(last_hash: str, count: int) -> None:
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(_chain_sql()[2], [last_hash, count])


# The columns _prepare fills, in its order, with their PostgreSQL types (core.bulk.bulk_insert).
EVENT_COLUMNS = {
    "occurred_at": "timestamptz",
    "actor_id": "bigint",
    "actor_label": "text",
    "subject_type": "text",
    "subject_id": "text",
    "subject_label": "text",
    "action": "text",
    "rule": "text",
    "policy_version": "integer",
    "data": "jsonb",
    "prev_hash": "text",
    "hash": "text",
}


def events_chain_lock() -> str:
    """Lock the head of the event chain for the caller's transaction; its last hash.

    For a writer that wants the lock taken before it starts a pipeline (events_record(head=…)).
    """
    return _chain_lock()


def events_record(drafts: Sequence[EventDraft], *, head: str | None = None) -> int:
    """Append events to the chain in order, inside the caller's transaction: one chain lock, one
    core.bulk.bulk_insert. Returns how many were written.

    Measured (make bench, clock sweep of 1,000 due clocks): bulk_create spent ~150 ms compiling
    the rows into SQLite's 999-variable batches and executemany made one round trip per row on
    PostgreSQL; model instances and three JSON encodings per event cost ~100 ms more.
    `head`: the chain already locked by events_chain_lock() in this transaction (no query here
    before the insert, so the insert can follow queued statements without waiting for them).
    Rule: X3. Events: the ones written.
    """
    assert transaction.get_connection().in_atomic_block, "events_record() runs inside a service transaction"
    if not drafts:
        return 0
    prev = head if head is not None else _chain_lock()
    now = timezone.now()
    now_iso = now.isoformat()
    rows = []
    for draft in drafts:
        row = _prepare(draft, prev, now, now_iso)
        prev = row["hash"]
        rows.append(row)
    assert list(rows[0]) == list(EVENT_COLUMNS)
    occurred_at = datetime_adapter()(now)  # the same instant for every row
    bulk_insert(
        Event._meta.db_table,
        EVENT_COLUMNS,
        [tuple(occurred_at if c == "occurred_at" else v for c, v in r.items()) for r in rows],
    )
    _chain_advance(prev, len(rows))
    return len(rows)


def event_record(
    *,
    subject: models.Model,
    action: str,
    actor: Any = None,
    data: dict[str, Any] | None = None,
    rule: str = "",
    policy_version: int | None = None,
) -> Event:
    """Append one event to the chain, inside the caller's transaction.

    Rule: X3. Events: the one written.
    """
    assert transaction.get_connection().in_atomic_block, "event_record() runs inside a service transaction"
    draft = EventDraft(subject=subject, action=action, actor=actor, data=data, rule=rule, policy_version=policy_version)
    now = timezone.now()
    row = _prepare(draft, _chain_lock(), now, now.isoformat())
    event = Event(**{**row, "data": json.loads(row["data"])})
    event.save()
    _chain_advance(event.hash, 1)
    return event


def changes(obj: models.Model, before: dict[str, Any], fields: list[str]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value differs from `before` (C4)."""
    diff: dict[str, list[Any]] = {}
    for name in fields:
        new = getattr(obj, name)
        new = getattr(new, "pk", new)
        old = before.get(name)
        if old != new:
            diff[name] = [old, new]
    return diff


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        out[name] = getattr(value, "pk", value)
    return out


def chain_verify() -> tuple[bool, int, int | None]:
    """Recompute every hash in order. Returns (ok, events checked, first broken event id)."""
    prev = GENESIS_HASH
    checked = 0
    for event in Event.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev or event_hash(prev, event_payload(event)) != event.hash:
            return False, checked, event.pk
        prev = event.hash
        checked += 1
    return True, checked, None
