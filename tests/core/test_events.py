"""X3: the event log is append-only and chained with a keyed hash (docs/decisions/0009).

Every tampering the issue names is made directly in the database, then `aftersales audit verify`
must exit 1 and name the first bad event (id, action, time, why)."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
import subprocess
import sys
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client
from django.utils import translation

from aftersales.accounts.models import Region, User
from aftersales.core.events import (
    ChainReport,
    audit_key,
    chain_verify,
    event_payload,
    event_record,
    events_chain_pending,
    events_pending_count,
    head_mac,
)
from aftersales.core.models import Event, EventChainHead
from aftersales.core.selectors import events_present

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    """The messages asserted here are the English ones (the commands and the pages have both)."""
    with translation.override("en"):
        yield


def _sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def _five(make_user: Any) -> list[Event]:
    """Five chained events on a region; everything before them chained too."""
    user = make_user("admin")
    region = Region.objects.create(code="SH", name="上海")
    with transaction.atomic():
        for n in range(5):
            event_record(subject=region, action=f"test.e{n}", actor=user, rule="X3", data={"amount": str(100 * n)})
    events_chain_pending()
    events = list(Event.objects.filter(action__startswith="test.e").order_by("seq"))
    assert [e.action for e in events] == [f"test.e{n}" for n in range(5)]
    assert chain_verify().ok
    return events


def _verify_fails() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify")
    assert failure.value.returncode == 1
    return str(failure.value)


def _named(message: str, event: Event) -> None:
    """The command names the event: id, action, time."""
    assert f"event {event.pk} ({event.action}, {event.occurred_at.isoformat()}" in message


def test_x3_chain_links_each_event_to_the_previous_one_in_chain_order(make_user):
    events = _five(make_user)
    for before, after in zip(events, events[1:], strict=False):
        assert (after.seq, after.prev_hash) == (before.seq + 1, before.hash)
    report = chain_verify()
    head = EventChainHead.objects.get(pk=1)
    assert (report.ok, report.pending, report.checked) == (True, 0, Event.objects.count())
    assert (head.count, head.last_hash) == (events[-1].seq, events[-1].hash)
    out = _stdout("audit", "verify")
    assert f"{Event.objects.count()} events checked, 0 waiting to be chained" in out


def _stdout(*args: str) -> str:
    from io import StringIO

    buffer = StringIO()
    call_command(*args, stdout=buffer)
    return buffer.getvalue()


def test_x3_events_cannot_be_changed_or_deleted_through_the_orm(make_user):
    event = _five(make_user)[0]
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        Event.objects.all().delete()
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).update(action="x")


# Every stored column but the hash itself: a changed value must break the chain at that event.
COLUMN_EDITS = {
    "occurred_at": ("occurred_at", "2020-01-01 00:00:00"),
    "actor_id": ("actor_id", None),
    "subject_type": ("subject_type", "accounts.user"),
    "subject_id": ("subject_id", "999"),
    "action": ("action", "test.forged"),
    "rule": ("rule", "K7"),
    "policy_version": ("policy_version", 7),
    "data": ("data", '{"amount": "999"}'),
    "prev_hash": ("prev_hash", "f" * 64),
}


@pytest.mark.parametrize("column", list(COLUMN_EDITS))
def test_x3_a_change_of_any_column_is_caught_at_that_event(make_user, column):
    events = _five(make_user)
    victim = events[2]
    name, value = COLUMN_EDITS[column]
    if connection.vendor == "postgresql" and name == "occurred_at":
        value = "2020-01-01 00:00:00+00"
    _sql(f"UPDATE core_event SET {name} = %s WHERE id = %s", [value, victim.pk])  # noqa: S608 — test names
    report = chain_verify()
    assert (report.ok, report.event_id, report.seq) == (False, victim.pk, victim.seq)
    message = _verify_fails()
    assert f"event {victim.pk} (" in message
    assert ("does not link" if name == "prev_hash" else "does not match its keyed hash") in message


def test_x3_the_id_and_the_position_are_covered_too(make_user):
    events = _five(make_user)
    _sql("UPDATE core_event SET id = %s WHERE id = %s", [events[-1].pk + 1000, events[1].pk])
    report = chain_verify()
    assert (report.ok, report.event_id, report.seq) == (False, events[-1].pk + 1000, events[1].seq)


def test_x3_renaming_the_actor_or_the_record_shows_the_new_name_and_keeps_the_chain(make_user):
    events = _five(make_user)
    user = User.objects.get(pk=events[0].actor_id)
    User.objects.filter(pk=user.pk).update(display_name="李四")
    Region.objects.filter(code="SH").update(name="上海市")
    shown = events_present([Event.objects.get(pk=events[0].pk)])[0]
    assert (shown["actor_label"], shown["subject_label"]) == ("李四", "上海市")
    assert chain_verify().ok


def test_x3_a_removed_record_and_system_events_still_show_something_sensible(make_user):
    region = Region.objects.create(code="BJ", name="北京")
    with transaction.atomic():
        event = event_record(subject=region, action="test.gone")
    region_id = region.pk
    region.delete()
    shown = events_present([Event.objects.get(pk=event.pk)])[0]
    assert (shown["actor_label"], shown["subject_label"]) == ("system", f"region #{region_id}")


def test_x3_removing_the_newest_events_is_caught_by_the_head(make_user):
    events = _five(make_user)
    _sql("DELETE FROM core_event WHERE id IN (%s, %s)", [events[3].pk, events[4].pk])
    report = chain_verify()
    assert (report.ok, report.event_id, report.seq) == (False, None, events[3].seq)
    message = _verify_fails()
    assert f"the chain ends at position {events[2].seq} but its head records {events[4].seq} events" in message


def test_x3_removing_the_newest_events_and_moving_the_head_back_is_caught(make_user):
    events = _five(make_user)
    _sql("DELETE FROM core_event WHERE id IN (%s, %s)", [events[3].pk, events[4].pk])
    _sql('UPDATE core_eventchainhead SET last_hash = %s, "count" = %s', [events[2].hash, events[2].seq])
    assert "the chain head was edited" in _verify_fails()


def test_x3_editing_the_head_is_caught(make_user):
    _five(make_user)
    _sql('UPDATE core_eventchainhead SET "count" = "count" + 1')
    assert "the chain head was edited" in _verify_fails()


def test_x3_removing_an_event_in_the_middle_is_caught_at_the_next_one(make_user):
    events = _five(make_user)
    _sql("DELETE FROM core_event WHERE id = %s", [events[2].pk])
    report = chain_verify()
    assert (report.ok, report.event_id) == (False, events[3].pk)
    message = _verify_fails()
    _named(message, events[3])
    assert f"an event before it was removed (expected position {events[2].seq})" in message


def _rehash_from(events: list[Event], start: int, digest: Any, head: Any) -> None:
    """Recompute every hash from events[start] on (and the head) the way an attacker without the key could."""
    prev = events[start - 1].hash
    for event in events[start:]:
        event = Event.objects.get(pk=event.pk)
        payload = event_payload(
            event.pk, event.seq, event.occurred_at.isoformat(), event.actor_id, event.subject_type,
            event.subject_id, event.action, event.rule, event.policy_version,
            '{"amount":"999"}' if event.pk == events[start].pk else _canonical(event.data), prev,
        )  # fmt: skip
        new = digest(payload)
        _sql("UPDATE core_event SET prev_hash = %s, hash = %s WHERE id = %s", [prev, new, event.pk])
        prev = new
    _sql("UPDATE core_eventchainhead SET last_hash = %s, mac = %s", [prev, head(events[-1].seq, prev)])


def _canonical(data: Any) -> str:
    import json

    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def test_x3_an_edit_rehashed_with_plain_sha256_is_caught(make_user):
    events = _five(make_user)
    _sql("UPDATE core_event SET data = %s WHERE id = %s", ['{"amount": "999"}', events[1].pk])
    _rehash_from(
        events,
        1,
        lambda payload: hashlib.sha256(payload).hexdigest(),
        lambda count, last: hashlib.sha256(f"head:{count}:{last}".encode()).hexdigest(),
    )
    # The head's hash is not keyed either, so the head is the first thing found wrong; with a head
    # left as it was, the edited event is.
    assert "the chain head was edited" in _verify_fails()
    _sql("UPDATE core_eventchainhead SET last_hash = %s, mac = %s", [events[-1].hash, _real_head(events)])
    message = _verify_fails()
    _named(message, events[1])
    assert "does not match its keyed hash" in message


def _real_head(events: list[Event]) -> str:
    return head_mac(audit_key(), events[-1].seq, events[-1].hash)


def test_x3_an_edit_rehashed_with_a_wrong_key_is_caught(make_user):
    events = _five(make_user)
    wrong = b"not-the-key"
    _sql("UPDATE core_event SET data = %s WHERE id = %s", ['{"amount": "999"}', events[1].pk])
    _rehash_from(
        events,
        1,
        lambda payload: hmac.new(wrong, payload, hashlib.sha256).hexdigest(),
        lambda count, last: head_mac(wrong, count, last),
    )
    assert "the chain head was edited" in _verify_fails()
    # Even with the real head restored (as if the attacker had it), the edited event is named.
    _sql("UPDATE core_eventchainhead SET last_hash = %s, mac = %s", [events[-1].hash, _real_head(events)])
    message = _verify_fails()
    _named(message, events[1])


def test_x3_a_chain_verified_under_another_key_fails(make_user, settings):
    _five(make_user)
    settings.AFTERSALES_AUDIT_KEY = "another-key"
    report = chain_verify()
    assert report.ok is False


def test_x3_deferred_chaining_chains_after_the_commit(make_user, settings, django_capture_on_commit_callbacks):
    region = Region.objects.create(code="GZ", name="广州")
    events_chain_pending()
    settings.AFTERSALES_AUDIT_CHAIN = "deferred"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = event_record(subject=region, action="test.deferred")
        assert (event.seq, event.hash) == (None, "")  # inside the transaction: not chained, no head locked
    event = Event.objects.get(pk=event.pk)
    assert event.seq == EventChainHead.objects.get(pk=1).count
    assert (chain_verify().ok, events_pending_count()) == (True, 0)


def test_x3_events_left_unchained_by_a_crash_are_chained_by_the_job_and_shown_as_lag(
    make_user, settings, django_capture_on_commit_callbacks
):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    viewer = make_user("vp")
    region = Region.objects.create(code="SZ", name="深圳")
    events_chain_pending()
    settings.AFTERSALES_AUDIT_CHAIN = "deferred"
    with django_capture_on_commit_callbacks(execute=False) as hooks, transaction.atomic():
        event_record(subject=region, action="test.left")
        event_record(subject=region, action="test.left")
    assert len(hooks) == 2  # not run: as if the process died between the commit and the hook
    client.force_login(viewer)
    page = client.get("/audit/?verify=1").content.decode()
    assert "2 events wait to be added to the hash chain." in page
    assert 'id="chain-ok"' in page
    assert f"{Event.objects.filter(seq__isnull=False).count()} events checked, 2 waiting to be chained" in page
    assert _stdout("audit", "chain").strip() == "2 events chained."
    report = chain_verify()
    assert (report.ok, report.pending, report.checked) == (True, 0, Event.objects.count())


def test_x3_the_audit_page_names_the_first_bad_event(make_user):
    events = _five(make_user)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(make_user("vp"))
    _sql("UPDATE core_event SET action = %s WHERE id = %s", ["test.forged", events[2].pk])
    page = client.get("/audit/?verify=1").content.decode()
    assert 'id="chain-broken"' in page
    assert f"event {events[2].pk} (test.forged," in page


def test_x3_the_embedded_default_generates_its_key_once_with_mode_0600(settings, tmp_path):
    settings.AFTERSALES_AUDIT_KEY = ""
    settings.AFTERSALES_AUDIT_KEY_FILE = tmp_path / "var" / "audit.key"
    key = audit_key()
    path = tmp_path / "var" / "audit.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().strip() == key
    assert len(key) >= 60
    assert audit_key() == key
    kept = tmp_path / "kept.key"
    kept.write_bytes(b"an-existing-key\n")
    settings.AFTERSALES_AUDIT_KEY_FILE = kept
    assert audit_key() == b"an-existing-key"  # a key already there is reused, never replaced


def test_x3_postgresql_without_a_key_refuses_to_start():
    env = {k: v for k, v in os.environ.items() if k != "AFTERSALES_AUDIT_KEY"}
    env["AFTERSALES_DATABASE_URL"] = "postgres://nobody:x@127.0.0.1:1/none"
    env["DJANGO_SETTINGS_MODULE"] = "aftersales.settings"
    done = subprocess.run(  # noqa: S603 — our interpreter, fixed arguments
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert "AFTERSALES_AUDIT_KEY is not set" in done.stderr


def test_x3_report_of_an_empty_log_is_intact():
    report = chain_verify()
    assert report == ChainReport(ok=True, checked=0, pending=0, head_count=0)
