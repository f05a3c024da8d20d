"""core.rows: rows by key with SQL built once give what the ORM gives (docs/decisions/0004)."""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from aftersales.accounts.models import ApiToken, Region, ServicePoint, User
from aftersales.calendars.models import WorkCalendar
from aftersales.core.events import Subject, event_record, events_chain_pending
from aftersales.core.models import GENESIS_HASH, Event, EventChainHead
from aftersales.core.rows import row_get
from aftersales.policies.models import PolicyVersion

pytestmark = pytest.mark.django_db


def _values(obj: Model) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.fixture
def varied_rows(make_user):
    """Rows of models with text, numbers, booleans, foreign keys, JSON, nullable and aware times."""
    user = make_user("admin")
    ApiToken.objects.create(user=user, name="t", prefix="as_t", token_hash="d" * 64, expires_at=timezone.now())
    region = Region.objects.create(code="SH", name="上海", province="上海市")
    ServicePoint.objects.create(code="SH01", name="上海办事处", region=region)
    PolicyVersion.objects.create(
        number=7, effective_from=timezone.now(), values={"A3.warranty_months": 18}, created_by=user
    )
    return user


@pytest.mark.parametrize("model", [ApiToken, User, Region, ServicePoint, WorkCalendar, PolicyVersion, Event])
def test_row_get_gives_every_column_as_the_orm_does(model, varied_rows):
    rows = list(model.objects.order_by("pk")[:20])
    assert rows
    for orm in rows:
        fast = row_get(model, pk=orm.pk)
        assert type(fast) is model
        assert _values(fast) == _values(orm)
        assert fast._state.adding is False
        assert fast._state.db == orm._state.db


def test_row_get_filters_and_orders_as_the_orm_does(make_user):
    users = [make_user(role, username=role) for role in ("agent", "engineer", "analyst")]
    first, last = min(u.pk for u in users), max(u.pk for u in users)
    assert row_get(User, pk__gte=first).pk == first
    assert row_get(User, pk__gte=first, order_by="-pk").pk == last
    assert row_get(User, username="engineer").pk == users[1].pk
    assert row_get(User, pk__gte=first, order_by="-username").username == "engineer"
    assert row_get(User, pk__gt=first, pk__lt=last).pk == users[1].pk
    assert row_get(User, username="nobody") is None
    assert row_get(User, pk=2**70) is None  # too large for the database: no row, as the ORM answers


def test_row_get_reads_times_in_utc_and_json(make_user):
    user = make_user("admin")
    at = timezone.now() - dt.timedelta(hours=1)
    version = PolicyVersion.objects.create(
        number=99, effective_from=at, values={"S6.respond_minutes": 45, "名称": ["上海"]}, created_by=user
    )
    fast = row_get(PolicyVersion, effective_from__lte=timezone.now(), order_by="-number")
    assert fast.pk == version.pk
    assert fast.values == {"S6.respond_minutes": 45, "名称": ["上海"]}
    assert fast.effective_from == at.replace(microsecond=at.microsecond)
    assert fast.effective_from.utcoffset() == dt.timedelta(0)
    assert row_get(PolicyVersion, effective_from__lte=at - dt.timedelta(seconds=1), number=99) is None


def test_row_get_refuses_what_it_cannot_do():
    with pytest.raises(ValueError, match="unsupported lookup"):
        row_get(User, username__icontains="a")
    with pytest.raises(ValueError, match="not a column"):
        row_get(User, groups=1)


def test_x3_the_first_event_ever_makes_the_chain_head(db):
    assert not Event.objects.exists()  # a fresh database: no event, no head row yet
    assert not EventChainHead.objects.exists()
    subject = Subject("core.counter", "1", "counter")
    with transaction.atomic():
        event_record(subject=subject, action="test.first")
        event_record(subject=subject, action="test.second")
    events_chain_pending()
    first, second = Event.objects.order_by("seq")
    head = EventChainHead.objects.get(pk=1)
    assert (first.seq, first.prev_hash, second.seq, second.prev_hash) == (1, GENESIS_HASH, 2, first.hash)
    assert (head.last_hash, head.count) == (second.hash, 2)
