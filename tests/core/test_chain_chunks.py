"""X3: `aftersales audit verify --workers N` cuts a long chain into `seq` ranges verified at once
(docs/decisions/0009, wave 3). Each range's first event is joined to the end of the range before
it, so tampering at a boundary or inside a later range is caught, the first bad event is named,
and the report is the single pass's, field for field."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import translation

from aftersales.accounts.models import Region
from aftersales.core import events as core_events
from aftersales.core.events import chain_verify, event_record, events_chain_pending, verify_ranges
from aftersales.core.models import Event, EventChainHead

pytestmark = pytest.mark.django_db

TWELVE = 12  # events of the test's own: with chunk_min 1 and 2 workers, a boundary in the middle


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def _sql(statement: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _chain(make_user: Any) -> list[Event]:
    """Twelve chained events (everything before them chained too), in chain order."""
    user = make_user("admin")
    region = Region.objects.create(code="HZ", name="杭州")
    with transaction.atomic():
        for n in range(TWELVE):
            event_record(subject=region, action=f"test.c{n}", actor=user, rule="X3", data={"n": n, "note": "备注"})
    events_chain_pending()
    events = list(Event.objects.filter(seq__isnull=False).order_by("seq"))
    assert events[-1].seq == len(events)
    return events


def _second_range_start() -> int:
    ranges = verify_ranges(2, 1)
    assert len(ranges) == 2
    assert ranges[1][1] is None
    return ranges[1][0]


def _by_seq(events: list[Event], seq: int) -> Event:
    return next(e for e in events if e.seq == seq)


def _same_as_single_pass(workers: int = 2) -> core_events.ChainReport:
    single = chain_verify()
    chunked = chain_verify(workers=workers, chunk_min=1)
    assert chunked == single
    return chunked


def test_x3_ranges_cover_the_chain_once_the_last_open_ended(make_user):
    events = _chain(make_user)
    total = events[-1].seq
    ranges = verify_ranges(3, 1)
    assert len(ranges) == 3
    assert (ranges[0][0], ranges[-1][1]) == (1, None)
    for (_, end), (start, _) in zip(ranges, ranges[1:], strict=False):
        assert start == end + 1
    assert verify_ranges(2, total) == [(1, None)]  # too short for two workers of `total` each
    assert verify_ranges(1, 1) == [(1, None)]


def test_x3_an_intact_chain_verifies_the_same_in_ranges(make_user):
    events = _chain(make_user)
    for workers in (2, 3, 5):
        report = _same_as_single_pass(workers)
        assert (report.ok, report.checked) == (True, len(events))


@pytest.mark.parametrize(
    ("where", "edit"),
    [
        ("boundary", "data"),  # the first event of the second range: its own MAC
        ("boundary", "prev_hash"),  # its link to the end of the first range (the join)
        ("before_boundary", "data"),  # the last event of the first range
        ("inside_second", "data"),
        ("inside_second", "action"),
    ],
)
def test_x3_tampering_at_the_boundary_or_in_the_second_range_is_named(make_user, where, edit):
    events = _chain(make_user)
    start = _second_range_start()
    seq = {"boundary": start, "before_boundary": start - 1, "inside_second": start + 2}[where]
    victim = _by_seq(events, seq)
    value = {"data": '{"n": 999}', "prev_hash": "e" * 64, "action": "test.forged"}[edit]
    _sql(f"UPDATE core_event SET {edit} = %s WHERE id = %s", [value, victim.pk])  # noqa: S608 — test names
    report = _same_as_single_pass()
    assert (report.ok, report.event_id, report.seq, report.checked) == (False, victim.pk, seq, seq - 1)
    assert ("does not link" if edit == "prev_hash" else "does not match its keyed hash") in report.reason


def test_x3_removing_the_first_event_of_the_second_range_is_caught_at_the_join(make_user):
    events = _chain(make_user)
    start = _second_range_start()
    _sql("DELETE FROM core_event WHERE id = %s", [_by_seq(events, start).pk])
    report = _same_as_single_pass()
    after = _by_seq(events, start + 1)
    assert (report.ok, report.event_id, report.seq) == (False, after.pk, start)
    assert f"expected position {start}" in report.reason


def test_x3_removing_the_last_event_of_the_first_range_is_caught_at_the_join(make_user):
    events = _chain(make_user)
    start = _second_range_start()
    _sql("DELETE FROM core_event WHERE id = %s", [_by_seq(events, start - 1).pk])
    report = _same_as_single_pass()
    assert (report.ok, report.event_id, report.seq) == (False, _by_seq(events, start).pk, start - 1)


def test_x3_removing_the_whole_second_range_is_caught_by_the_head(make_user):
    events = _chain(make_user)
    start = _second_range_start()
    _sql("DELETE FROM core_event WHERE seq >= %s", [start])
    report = _same_as_single_pass()
    assert (report.ok, report.event_id, report.seq) == (False, None, start)
    assert f"its head records {events[-1].seq} events" in report.reason


def test_x3_a_stored_text_in_another_spelling_of_the_same_data_still_verifies(make_user):
    """The stored canonical text is hashed as it is; other spellings fall back to re-encoding."""
    events = _chain(make_user)
    victim = events[-3]
    n = victim.data["n"]
    _sql("UPDATE core_event SET data = %s WHERE id = %s", [f'{{ "note": "备注",  "n": {n} }}', victim.pk])
    assert _same_as_single_pass().ok
    _sql("UPDATE core_event SET data = %s WHERE id = %s", [f'{{"n":{n},"note":"备注 "}}', victim.pk])
    report = _same_as_single_pass()
    assert (report.ok, report.event_id) == (False, victim.pk)


def test_x3_the_command_with_workers_names_the_first_bad_event(make_user, monkeypatch):
    events = _chain(make_user)
    monkeypatch.setattr(core_events, "VERIFY_CHUNK_MIN", 1)
    victim = _by_seq(events, _second_range_start() + 1)
    _sql("UPDATE core_event SET rule = %s WHERE id = %s", ["K7", victim.pk])
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify", "--workers", "2")
    assert failure.value.returncode == 1
    assert f"event {victim.pk} ({victim.action}, {victim.occurred_at.isoformat()}" in str(failure.value)


@pytest.mark.django_db(transaction=True)
def test_x3_ranges_verified_in_forked_processes_give_the_single_pass_report(make_user):
    """Outside a transaction the ranges run in worker processes, each on its own connection."""
    events = _chain(make_user)
    assert not connection.in_atomic_block
    report = _same_as_single_pass(3)
    assert (report.ok, report.checked) == (True, len(events))
    victim = _by_seq(events, verify_ranges(3, 1)[2][0] + 1)  # inside the third range
    _sql("UPDATE core_event SET subject_id = %s WHERE id = %s", ["999", victim.pk])
    report = _same_as_single_pass(3)
    assert (report.ok, report.event_id, report.seq) == (False, victim.pk, victim.seq)
    assert "does not match its keyed hash" in report.reason


@pytest.mark.parametrize("length", [1, 63, 64, 65, 200])
def test_x3_keys_of_any_length_verify_and_catch_an_edit(make_user, settings, length):
    """verify computes the HMAC from the key's pads itself: keys shorter, as long as, and longer
    than SHA-256's block (hashed first) give the chaining side's hmac.new() result."""
    settings.AFTERSALES_AUDIT_KEY = "k" * length
    EventChainHead.objects.all().delete()  # chain everything under this key from the start
    Event.objects.filter(seq__isnull=False)._raw_delete(Event.objects.db)
    events = _chain(make_user)
    assert _same_as_single_pass().ok
    _sql("UPDATE core_event SET action = %s WHERE id = %s", ["test.forged", events[5].pk])
    assert (_same_as_single_pass().event_id, chain_verify().ok) == (events[5].pk, False)
