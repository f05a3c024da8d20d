"""X3: the event log is append-only and hash-chained."""

import pytest
from django.db import transaction

from aftersales.core.events import chain_verify, event_record
from aftersales.core.models import Event


@pytest.mark.django_db
def test_x3_chain_links_each_event_to_the_previous_one(make_user):
    user = make_user("admin")
    with transaction.atomic():
        first = event_record(subject=user, action="test.one", actor=user, data={"a": [1, 2]})
        second = event_record(subject=user, action="test.two", actor=user, data={"名称": "上海"})
    assert second.prev_hash == first.hash
    ok, checked, broken = chain_verify()
    assert (ok, broken) == (True, None)
    assert checked == Event.objects.count()


@pytest.mark.django_db
def test_x3_events_cannot_be_changed_or_deleted(make_user):
    user = make_user("admin")
    event = Event.objects.filter(subject_id=str(user.pk)).first()
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        Event.objects.all().delete()
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).update(action="x")


@pytest.mark.django_db
def test_x3_tampering_in_the_database_breaks_the_chain(make_user):
    from django.db import connection

    user = make_user("admin")
    with transaction.atomic():
        event_record(subject=user, action="test.one", actor=user, data={"amount": "100"})
        victim = event_record(subject=user, action="test.two", actor=user, data={"amount": "200"})
        event_record(subject=user, action="test.three", actor=user)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_event SET data = %s WHERE id = %s", ['{"amount": "999"}', victim.pk])
    ok, _checked, broken = chain_verify()
    assert ok is False
    assert broken == victim.pk
