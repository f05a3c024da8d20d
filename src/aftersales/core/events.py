"""The event log (X3): event_record()/events_record() are its only writers; the keyed chain.

Chain (docs/decisions/0009): each chained event stores its position `seq`, the previous event's
hash and HMAC-SHA256(key, canonical JSON of every other column, prev_hash included); the head row
stores the last hash and the count under its own HMAC. The key comes from outside the database
(audit_key()). Events are chained either inside the writing transaction ("inline", the default on
SQLite, where writers are serialised anyway) or, on PostgreSQL, inserted unchained and chained by
a short transaction right after the commit (on-commit hook), so no business transaction holds the
head; events_chain_pending() (also the periodic audit_chain_task) chains whatever is left.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]  # C helpers, untyped
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.bulk import bulk_execute, bulk_insert, bulk_update, datetime_adapter
from aftersales.core.models import GENESIS_HASH, Event, EventChainHead

log = logging.getLogger("aftersales.audit")

# action -> human label, filled by each app's events.py (register_action_labels).
ACTION_LABELS: dict[str, Any] = {}


def register_action_labels(labels: dict[str, Any]) -> None:
    ACTION_LABELS.update(labels)


@dataclass(frozen=True)
class Subject:
    """A record named without loading it as a model instance (the sweep's clocks): type, key, label.

    The label is for messages only; events store type and id (names are resolved when read)."""

    type: str  # "app_label.model"
    id: str
    label: str

    def __str__(self) -> str:
        return self.label


def subject_key(obj: models.Model | Subject) -> tuple[str, str]:
    if isinstance(obj, Subject):
        return obj.type, obj.id
    return obj._meta.label_lower, str(obj.pk)


# --- the key -------------------------------------------------------------------------------------

_KEYS: dict[tuple[str, str], bytes] = {}


def audit_key() -> bytes:
    """The chain's HMAC key: AFTERSALES_AUDIT_KEY, or on the embedded default (no key set) the key
    generated into var/audit.key with mode 0600 on first use and reused after."""
    configured = str(settings.AFTERSALES_AUDIT_KEY or "")
    path = str(settings.AFTERSALES_AUDIT_KEY_FILE)
    cached = _KEYS.get((configured, path))
    if cached is None:
        cached = configured.encode() if configured else _key_file(Path(path))
        _KEYS[(configured, path)] = cached
    return cached


def _key_file(path: Path) -> bytes:
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48).encode()
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(secret + b"\n")
        os.link(temporary, path)  # atomic, and fails when another process made the key first
    except FileExistsError:
        return path.read_bytes().strip()
    finally:
        temporary.unlink(missing_ok=True)
    return secret


# --- what is hashed --------------------------------------------------------------------------------

# Encoders made once: json.dumps() with any option builds a new JSONEncoder per call (~2 µs).
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))


def _iso(value: dt.datetime | str) -> str:
    """The instant as ISO text in UTC, however the database handed it back.

    Text in the two forms the databases give (SQLite "YYYY-MM-DD HH:MM:SS[.ffffff]", naive UTC;
    PostgreSQL's timestamptz text in a UTC session "YYYY-MM-DD HH:MM:SS[.f…]+00") is rewritten as a
    string, without a datetime (chain_verify, ~1 µs an event saved); any other form is parsed."""
    if isinstance(value, str):
        if len(value) > 19 and value[10] == " " and value[19:20] in ("", ".", "+"):
            if value.endswith("+00"):  # PostgreSQL: trailing zeros of the fraction are dropped
                body = value[11:-3]
                if len(body) == 8:
                    return f"{value[:10]}T{body}+00:00"
                if len(body) > 9 and body[8] == "." and body[9:].isdigit() and len(body) <= 15:
                    return f"{value[:10]}T{body[:9]}{body[9:].ljust(6, '0')}+00:00"
            elif len(value) == 26 and value[19] == "." and value[20:].isdigit():  # SQLite, microseconds
                return f"{value[:10]}T{value[11:]}+00:00"
        elif len(value) == 19 and value[10] == " ":  # SQLite, whole seconds
            return f"{value[:10]}T{value[11:]}+00:00"
        value = dt.datetime.fromisoformat(value)
    value = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    return value.isoformat()


# The C encoder behind _CANONICAL, made once: JSONEncoder.encode() builds a new one per call. No
# circular check (markers None): the value always comes from json.loads or the database's JSON.
_C_CANONICAL = (
    c_make_encoder(None, str, encode_basestring, None, ":", ",", True, False, True) if c_make_encoder else None
)
_SCAN = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # set in __init__, not in the stubs


def _data_text(value: Any) -> str:
    """The data as canonical JSON text (jsonb hands back a parsed value, SQLite the stored text)."""
    if isinstance(value, str):
        try:
            parsed, end = _SCAN(value, 0)
        except StopIteration:  # leading white space: the full parser (which also reports the error)
            parsed, end = json.loads(value), len(value)
        value = parsed if end == len(value) else json.loads(value)
    elif isinstance(value, bytes):
        value = json.loads(value)
    if _C_CANONICAL is not None and isinstance(value, dict | list):
        return "".join(_C_CANONICAL(value, 0))
    return _CANONICAL.encode(value)


def event_payload(
    event_id: int,
    seq: int,
    occurred_iso: str,
    actor_id: int | None,
    subject_type: str,
    subject_id: str,
    action: str,
    rule: str,
    policy_version: int | None,
    data_text: str,
    prev_hash: str,
) -> bytes:
    """Every stored column of an event but its hash, as canonical JSON (sorted keys, no spaces)."""
    text = encode_basestring  # the C function directly: this runs once an event, 1M times in verify
    actor = "null" if actor_id is None else int(actor_id)
    version = "null" if policy_version is None else int(policy_version)
    return (
        f'{{"action":{text(action)},"actor":{actor},"data":{data_text},"id":{int(event_id)},'
        f'"occurred_at":{text(occurred_iso)},"policy_version":{version},'
        f'"prev_hash":{text(prev_hash)},"rule":{text(rule)},"seq":{int(seq)},'
        f'"subject_id":{text(subject_id)},"subject_type":{text(subject_type)}}}'
    ).encode()


def event_mac(key: bytes, payload: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def head_mac(key: bytes, count: int, last_hash: str) -> str:
    return hmac.new(key, f"head:{int(count)}:{last_hash}".encode(), hashlib.sha256).hexdigest()


# --- the head ------------------------------------------------------------------------------------


def _qn(name: str) -> str:
    return str(transaction.get_connection().ops.quote_name(name))


def _head_lock() -> tuple[str, int]:
    """Lock the head row for this (short) transaction; (last hash, count). Makes it when missing."""
    connection = transaction.get_connection()
    table = _qn(EventChainHead._meta.db_table)
    for_update = " FOR UPDATE" if connection.features.has_select_for_update else ""  # SQLite: BEGIN IMMEDIATE
    lock = f"SELECT last_hash, {_qn('count')} FROM {table} WHERE id = 1{for_update}"  # noqa: S608 — our names
    with connection.cursor() as cursor:
        cursor.execute(lock)
        row = cursor.fetchone()
        if row is None:  # the first event ever: make the head, then lock it
            cursor.execute(
                f"INSERT INTO {table} (id, last_hash, {_qn('count')}, mac) VALUES (1, %s, 0, %s) "  # noqa: S608
                "ON CONFLICT (id) DO NOTHING",
                [GENESIS_HASH, head_mac(audit_key(), 0, GENESIS_HASH)],
            )
            cursor.execute(lock)
            row = cursor.fetchone()
    return str(row[0]), int(row[1])


def _head_advance(last_hash: str, count: int) -> None:
    table = _qn(EventChainHead._meta.db_table)
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_hash = %s, {_qn('count')} = %s, mac = %s WHERE id = 1",  # noqa: S608
            [last_hash, count, head_mac(audit_key(), count, last_hash)],
        )


def _allocate_ids(count: int) -> int:
    """The first of `count` new event ids (inline chaining hashes the id, so it is known before the
    insert). SQLite: the table's AUTOINCREMENT counter, under the write lock; PostgreSQL: its sequence."""
    connection = transaction.get_connection()
    table = Event._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
                f"COALESCE((SELECT MAX(id) FROM {_qn(table)}), 0))",
                [table],
            )
            return int(cursor.fetchone()[0]) + 1
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count])
        ids = [int(r[0]) for r in cursor.fetchall()]
    if ids != list(range(ids[0], ids[0] + count)):  # another writer took some in between: use them one by one
        raise _Scattered(ids)
    return ids[0]


class _Scattered(Exception):  # noqa: N818 — internal signal
    def __init__(self, ids: list[int]) -> None:
        self.ids = ids


# --- writing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventDraft:
    """One event to append (see events_record)."""

    subject: models.Model | Subject
    action: str
    actor: Any = None
    data: dict[str, Any] | None = None
    rule: str = ""
    policy_version: int | None = None


# The columns of a written event, in order, with their PostgreSQL types (core.bulk.bulk_insert).
EVENT_COLUMNS = {
    "id": "bigint",
    "occurred_at": "timestamptz",
    "actor_id": "bigint",
    "subject_type": "text",
    "subject_id": "text",
    "action": "text",
    "rule": "text",
    "policy_version": "integer",
    "data": "jsonb",
    "seq": "bigint",
    "prev_hash": "text",
    "hash": "text",
}
PENDING_COLUMNS = {name: kind for name, kind in EVENT_COLUMNS.items() if name not in {"id", "seq"}}


def _fields(draft: EventDraft) -> tuple[int | None, str, str, str, str, int | None, str]:
    """(actor id, subject type, subject id, action, rule, policy version, canonical data text)."""
    subject_type, subject_id = subject_key(draft.subject)
    user = getattr(draft.actor, "user", draft.actor)
    actor_id = user.pk if getattr(user, "pk", None) else None
    return (
        actor_id,
        subject_type,
        subject_id,
        draft.action,
        draft.rule,
        draft.policy_version,
        _CANONICAL.encode(draft.data or {}),
    )


def _inline() -> bool:
    return settings.AFTERSALES_AUDIT_CHAIN == "inline"


def _write(drafts: Sequence[EventDraft]) -> list[tuple[Any, ...]]:
    """Insert the events; inline: chained (rows in EVENT_COLUMNS order), deferred: unchained, chained
    after the commit (rows in PENDING_COLUMNS order)."""
    now = timezone.now()
    occurred_at = datetime_adapter()(now)
    fields = [_fields(d) for d in drafts]
    table = Event._meta.db_table
    if not _inline():
        rows: list[tuple[Any, ...]] = [(occurred_at, *f, "", "") for f in fields]
        bulk_insert(table, PENDING_COLUMNS, rows)
        transaction.on_commit(_chain_after_commit)
        return rows
    prev, count = _head_lock()
    try:
        first = _allocate_ids(len(fields))
        ids = list(range(first, first + len(fields)))
    except _Scattered as scattered:
        ids = scattered.ids
    key = audit_key()
    iso = _iso(now)
    rows = []
    for event_id, f in zip(ids, fields, strict=True):
        count += 1
        digest = event_mac(key, event_payload(event_id, count, iso, *f, prev))
        rows.append((event_id, occurred_at, *f, count, prev, digest))
        prev = digest
    bulk_insert(table, EVENT_COLUMNS, rows)
    _head_advance(prev, count)
    return rows


def events_record(drafts: Sequence[EventDraft]) -> int:
    """Append events in order, inside the caller's transaction: one core.bulk.bulk_insert (plus,
    inline, the head's read and update). Returns how many were written.

    Measured (make bench, clock sweep of 1,000 due clocks): bulk_create spent ~150 ms compiling
    the rows into SQLite's 999-variable batches and executemany made one round trip per row on
    PostgreSQL; model instances and three JSON encodings per event cost ~100 ms more.
    Rule: X3. Events: the ones written.
    """
    assert transaction.get_connection().in_atomic_block, "events_record() runs inside a service transaction"
    if not drafts:
        return 0
    return len(_write(drafts))


def event_record(
    *,
    subject: models.Model | Subject,
    action: str,
    actor: Any = None,
    data: dict[str, Any] | None = None,
    rule: str = "",
    policy_version: int | None = None,
) -> Event:
    """Append one event, inside the caller's transaction. The Event returned has no `seq` or hash
    yet when chaining is deferred (they come with the commit).

    Rule: X3. Events: the one written.
    """
    assert transaction.get_connection().in_atomic_block, "event_record() runs inside a service transaction"
    draft = EventDraft(subject=subject, action=action, actor=actor, data=data, rule=rule, policy_version=policy_version)
    if _inline():
        row = dict(zip(EVENT_COLUMNS, _write([draft])[0], strict=True))
        event = Event(**{**row, "occurred_at": _aware(row["occurred_at"]), "data": json.loads(row["data"])})
        event._state.adding = False
        event._state.db = "default"
        return event
    actor_id, subject_type, subject_id, action, rule, policy_version, data_text = _fields(draft)
    event = Event(
        actor_id=actor_id,
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        rule=rule,
        policy_version=policy_version,
        data=json.loads(data_text),
    )
    event.save()
    transaction.on_commit(_chain_after_commit)
    return event


def _aware(value: Any) -> dt.datetime:
    return dt.datetime.fromisoformat(_iso(value))


# --- chaining after the commit ---------------------------------------------------------------------

CHAIN_BATCH = 5000
_PENDING_COLUMNS_READ = "id, occurred_at, actor_id, subject_type, subject_id, action, rule, policy_version, data"


def _has_pending() -> bool:
    table = _qn(Event._meta.db_table)
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE seq IS NULL LIMIT 1")  # noqa: S608 — event_pending_idx
        return cursor.fetchone() is not None


def events_chain_pending() -> int:
    """Chain every event not chained yet, in id order within each batch, each batch in one short
    transaction that locks the head. Chain order is chaining order. Returns how many were chained.

    Runs after each commit that wrote events (deferred chaining), every minute (audit_chain_task,
    for a crash between a commit and its hook) and from tests that read the chain. Idempotent.
    """
    if not _has_pending():
        return 0
    table = _qn(Event._meta.db_table)
    chained = 0
    while True:
        with transaction.atomic():
            prev, count = _head_lock()
            rows = bulk_execute(
                f"SELECT {_PENDING_COLUMNS_READ} FROM {table} WHERE seq IS NULL ORDER BY id LIMIT %s",  # noqa: S608
                [CHAIN_BATCH],
                fetch=True,
            )
            if not rows:
                return chained
            key = audit_key()
            updates = []
            for event_id, occurred_at, actor_id, subject_type, subject_id, action, rule, version, data in rows:
                count += 1
                payload = event_payload(
                    event_id,
                    count,
                    _iso(occurred_at),
                    actor_id,
                    subject_type,
                    subject_id,
                    action,
                    rule,
                    version,
                    _data_text(data),
                    prev,
                )
                digest = event_mac(key, payload)
                updates.append((count, prev, digest, event_id))
                prev = digest
            bulk_update(Event._meta.db_table, {"seq": "bigint", "prev_hash": "text", "hash": "text"}, updates)
            _head_advance(prev, count)
        chained += len(rows)
        if len(rows) < CHAIN_BATCH:
            return chained


def _chain_after_commit() -> None:
    """The on-commit hook: never fails the request that committed; what is left waits for the job."""
    try:
        events_chain_pending()
    except Exception:  # noqa: BLE001 — the periodic audit_chain_task retries
        log.exception("chaining events after a commit failed; audit_chain_task will retry")


def events_pending_count() -> int:
    """How many events wait to be chained (the lag the audit page shows)."""
    return Event.objects.filter(seq__isnull=True).count()


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


@dataclass(frozen=True)
class ChainReport:
    """What chain_verify found. When not ok: the first bad event (id, action, time) and why, or,
    for a fault of the head (edited, or newer events removed), event_id None and the position."""

    ok: bool
    checked: int
    pending: int
    head_count: int
    event_id: int | None = None
    action: str = ""
    occurred_at: dt.datetime | None = None
    seq: int | None = None
    reason: str = ""

    def describe(self) -> str:
        if self.ok:
            return _("The chain is intact: %(n)s events checked, %(pending)s waiting to be chained.") % {
                "n": self.checked,
                "pending": self.pending,
            }
        if self.event_id is None:
            return _("The chain is broken at position %(seq)s: %(reason)s") % {"seq": self.seq, "reason": self.reason}
        return _("The chain is broken at event %(id)s (%(action)s, %(time)s, position %(seq)s): %(reason)s") % {
            "id": self.event_id,
            "action": self.action,
            "time": self.occurred_at.isoformat() if self.occurred_at else "",
            "seq": self.seq,
            "reason": self.reason,
        }


_VERIFY_COLUMNS = (
    "id, seq, occurred_at, actor_id, subject_type, subject_id, action, rule, policy_version, data, prev_hash, hash"
)
# Below this many chained events per process, `verify --workers N` walks in one pass: a forked
# process and its own connection cost more than they save.
VERIFY_CHUNK_MIN = 100_000


def _chained_rows(first_seq: int = 1, last_seq: int | None = None) -> Iterator[tuple[Any, ...]]:
    """The chained events with `seq` from first_seq to last_seq (None: to the end) in chain order,
    streamed (a server-side cursor on PostgreSQL)."""
    connection = transaction.get_connection()
    columns = _VERIFY_COLUMNS
    if connection.vendor == "sqlite":  # the stored text: an expression has no declared type, no converter
        columns = columns.replace("occurred_at", "CAST(occurred_at AS TEXT)")
    upper = "" if last_seq is None else f" AND seq <= {int(last_seq)}"
    sql = (
        f"SELECT {columns} FROM {_qn(Event._meta.db_table)} "  # noqa: S608 — our names, integers
        f"WHERE seq IS NOT NULL AND seq >= {int(first_seq)}{upper} ORDER BY seq"
    )
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql)
            while batch := cursor.fetchmany(20000):
                yield from batch
        return
    import psycopg
    from psycopg.types.string import TextLoader

    connection.ensure_connection()
    with transaction.atomic(), psycopg.ServerCursor(connection.connection, "aftersales_chain_verify") as cursor:
        # timestamptz and jsonb as their text (str): _iso rewrites the time's text without a
        # datetime (any zone: an unknown form is parsed), _data_text's scanner parses the data
        # (psycopg's jsonb loader would decode the bytes and run the full json.loads a row).
        cursor.adapters.register_loader("timestamptz", TextLoader)
        cursor.adapters.register_loader("jsonb", TextLoader)
        cursor.itersize = 20000
        cursor.execute(sql)
        yield from cursor


# What a walk found wrong: the kind, and the row's (id, action, occurred_at as read, seq).
_GAP, _LINK, _MAC = "gap", "link", "mac"


@dataclass(frozen=True)
class _Walk:
    """One walk over a `seq` range (picklable: it comes back from a worker process).

    The first row's position and link are not judged here (the walk does not know what comes before
    it): the caller checks them against the previous range; every later row is checked against the
    one before it, and every row's HMAC. `checked` counts the rows verified before the fault."""

    first: tuple[Any, ...] | None = None  # (id, action, occurred_at, seq, prev_hash) of the first row
    checked: int = 0
    last_hash: str = ""
    fault: tuple[str, tuple[Any, ...]] | None = None  # (kind, (id, action, occurred_at, seq))


def _hmac_pads(key: bytes) -> tuple[Any, Any]:
    """SHA-256 states after the key's inner and outer pads (RFC 2104), for HMACs made by copying them:
    H(k ^ opad ‖ H(k ^ ipad ‖ m)) is hmac.new(key, m, sha256). Two hashlib copies an event cost about
    half of hmac's copy(), whose Python wrapper runs per call (measured 3.7 µs against 6–7.5 µs)."""
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    return inner, outer


def _walk(first_seq: int, last_seq: int | None) -> _Walk:
    """Recompute the keyed hash of every chained event with first_seq <= seq <= last_seq, in order.

    SQLite stores `data` as the canonical text core.events writes (sorted keys, no spaces), so the
    stored text is hashed as it is; only when that MAC fails is the text parsed and re-encoded
    canonically (events written otherwise, or an edit) and hashed again, so the verdict is the
    canonical encoding's, as before. A MAC over the stored text cannot match unless the text is
    exactly the canonical text that was hashed: every other part of the payload is a fixed-form JSON
    token, so the data text's place in the hashed bytes is fixed. jsonb (PostgreSQL) hands back its
    own spelling (keys by length, spaces), never the canonical one: re-encoded every time."""
    inner, outer = _hmac_pads(audit_key())
    text, iso, data_text = encode_basestring, _iso, _data_text  # locals: looked up 1M times
    stored_first = transaction.get_connection().vendor != "postgresql"
    compare = hmac.compare_digest
    first: tuple[Any, ...] | None = None
    prev = ""
    expected = 0
    checked = 0
    for row in _chained_rows(first_seq, last_seq):
        (
            event_id,
            seq,
            occurred_at,
            actor_id,
            subject_type,
            subject_id,
            action,
            rule,
            version,
            data,
            prev_hash,
            digest,
        ) = row
        if first is None:
            first = (event_id, action, occurred_at, seq, prev_hash)
        elif seq != expected:
            return _Walk(first, checked, prev, (_GAP, (event_id, action, occurred_at, expected)))
        elif prev_hash != prev:
            return _Walk(first, checked, prev, (_LINK, (event_id, action, occurred_at, seq)))
        # event_payload() inlined (the same bytes: the tests chain with it and verify with this), the
        # integer columns as the database gives them: ~0.5 µs an event less.
        head = f'{{"action":{text(action)},"actor":{"null" if actor_id is None else actor_id},"data":'
        tail = (
            f',"id":{event_id},"occurred_at":{text(iso(occurred_at))},'
            f'"policy_version":{"null" if version is None else version},"prev_hash":{text(prev_hash)},'
            f'"rule":{text(rule)},"seq":{seq},"subject_id":{text(subject_id)},"subject_type":{text(subject_type)}}}'
        )
        digest = str(digest)
        # == event_mac(key, payload): HMAC = H(outer pad ‖ H(inner pad ‖ payload)), both pads hashed once
        mac = inner.copy()
        if stored_first and isinstance(data, str):
            mac.update(f"{head}{data}{tail}".encode())
            found = outer.copy()
            found.update(mac.digest())
            if not compare(found.hexdigest(), digest):  # not the canonical text: re-encode, hash again
                mac = inner.copy()
                mac.update(f"{head}{data_text(data)}{tail}".encode())
        else:
            mac.update(f"{head}{data_text(data)}{tail}".encode())
        found = outer.copy()
        found.update(mac.digest())
        if not compare(found.hexdigest(), digest):
            return _Walk(first, checked, prev, (_MAC, (event_id, action, occurred_at, seq)))
        prev = digest
        expected = seq + 1
        checked += 1
    return _Walk(first, checked, prev)


def _walk_in_child(bounds: tuple[int, int | None]) -> _Walk:
    from django.db import connections

    try:
        return _walk(*bounds)
    finally:
        connections.close_all()  # a pool worker ends without Django's clean-up


def _walks(ranges: list[tuple[int, int | None]]) -> list[_Walk]:
    """Walk each range: in forked processes (this one takes the first range) when this process may
    hand its connection over (outside a transaction, not an in-memory database), else one after the
    other here (same result, no gain)."""
    connection = transaction.get_connection()
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    # Forking a process that runs other threads (a web server's, a task worker's) copies their locks and
    # sockets half-way: only the single-threaded command forks.
    threads = threading.active_count() > 1
    if len(ranges) == 1 or connection.in_atomic_block or in_memory or threads:
        return [_walk(*bounds) for bounds in ranges]
    import multiprocessing

    from django.db import connections

    connections.close_all()  # each process opens its own connection (a forked socket is not shared)
    with multiprocessing.get_context("fork").Pool(len(ranges) - 1) as pool:
        others = pool.map_async(_walk_in_child, ranges[1:], chunksize=1)
        mine = _walk(*ranges[0])
        return [mine, *others.get()]


def _max_seq() -> int:
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(f"SELECT MAX(seq) FROM {_qn(Event._meta.db_table)}")  # noqa: S608 — our names
        found = cursor.fetchone()
    return int(found[0] or 0) if found else 0


def verify_ranges(workers: int, chunk_min: int | None = None) -> list[tuple[int, int | None]]:
    """The `seq` ranges `workers` processes verify: equal parts of 1..MAX(seq), the last open-ended
    (events chained meanwhile are walked too, as by a single pass); one range when the chain is
    shorter than workers × chunk_min."""
    total = _max_seq()
    chunk_min = VERIFY_CHUNK_MIN if chunk_min is None else chunk_min
    parts = max(1, min(int(workers), total // max(1, int(chunk_min))))
    if parts == 1:
        return [(1, None)]
    size = -(-total // parts)
    bounds = [(1 + i * size, (i + 1) * size) for i in range(parts)]
    return [*bounds[:-1], (bounds[-1][0], None)]


def chain_verify(*, workers: int = 1, chunk_min: int | None = None) -> ChainReport:
    """Recompute every keyed hash in chain order and compare the end with the head.

    Detects: a changed column (the HMAC differs; a chain recomputed with plain SHA-256 or another
    key too), a removed event (a gap in `seq`, a broken link), removed newest events (the head
    counts more), an edited head (its HMAC differs). Events not chained yet are counted, not checked.
    With workers > 1 (and at least chunk_min events a worker) the chain is cut into `seq` ranges
    walked by that many processes; each range's first event is joined here to the end of the
    range before it (position and link), so the report is the single pass's, first fault included.
    Rule: X3.
    """
    key = audit_key()
    head = EventChainHead.objects.filter(pk=1).values_list("last_hash", "count", "mac").first()
    pending = events_pending_count()
    head_count = int(head[1]) if head else 0
    ranges = verify_ranges(workers, chunk_min) if workers > 1 else [(1, None)]
    checked = 0

    def broken(row: tuple[Any, ...] | None, seq: int, reason: str) -> ChainReport:
        return ChainReport(
            ok=False,
            checked=checked,
            pending=pending,
            head_count=head_count,
            event_id=int(row[0]) if row else None,
            action=str(row[1]) if row else "",
            occurred_at=_aware(row[2]) if row else None,
            seq=seq,
            reason=reason,
        )

    def gap(row: tuple[Any, ...], expected: int) -> ChainReport:
        return broken(row, expected, _("an event before it was removed (expected position %(n)s)") % {"n": expected})

    if head is not None and not hmac.compare_digest(str(head[2]), head_mac(key, head_count, str(head[0]))):
        return broken(None, head_count, _("the chain head was edited (its keyed hash does not match)"))
    prev = GENESIS_HASH
    for walk in _walks(ranges):
        if walk.first is None:  # nothing in this range (removed, or the chain ends before it)
            continue
        if walk.first[3] != checked + 1:
            return gap(walk.first, checked + 1)
        if walk.first[4] != prev:
            return broken(walk.first, int(walk.first[3]), _("it does not link to the event before it"))
        if walk.fault is not None:
            kind, row = walk.fault
            checked += walk.checked
            if kind == _GAP:
                return gap(row, int(row[3]))
            if kind == _LINK:
                return broken(row, int(row[3]), _("it does not link to the event before it"))
            return broken(
                row, int(row[3]), _("its content does not match its keyed hash (changed, or rehashed without the key)")
            )
        checked += walk.checked
        prev = walk.last_hash
    if head is None:
        if checked:
            return broken(None, checked, _("the chain head is missing"))
    elif checked != head_count or prev != head[0]:
        return broken(
            None,
            checked + 1,
            _("the chain ends at position %(last)s but its head records %(count)s events: the newest were removed")
            % {"last": checked, "count": head_count},
        )
    return ChainReport(ok=True, checked=checked, pending=pending, head_count=head_count)
