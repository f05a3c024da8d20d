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
from aftersales.core.rows import row_get, rows_insert
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


@pytest.fixture
def registered(make_user):
    """A service request registered through intake: its row, clocks and segments exist."""
    from aftersales.accounts.selectors import actor_for
    from aftersales.service.services import service_request_create
    from tests.installed_base.factories import CustomerFactory, UnitFactory

    unit = UnitFactory(customer=CustomerFactory())
    return service_request_create(
        actor=actor_for(make_user("agent")),
        customer_id=unit.customer_id,
        serial=unit.serial,
        channel="phone",
        fault="x",
    )


# Every model row_get reads in the code: the API token and its user, the service point, the policy
# version, the calendar (and Region, Event: other column types).
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


def test_rows_insert_writes_what_save_writes(make_user):
    user = make_user("admin")
    before = timezone.now()
    tokens = [
        ApiToken(user=user, name="one", prefix="as_1", token_hash="a" * 64),
        ApiToken(user=user, name="two", prefix="as_2", token_hash="b" * 64),
    ]
    with transaction.atomic():
        rows_insert(tokens)
    assert tokens[0].pk is not None
    assert tokens[1].pk > tokens[0].pk
    for token in tokens:
        stored = ApiToken.objects.get(pk=token.pk)
        assert _values(stored) == _values(token)
        assert before <= stored.created_at <= stored.updated_at  # auto_now_add, auto_now: as save() sets them
        assert token._state.adding is False
    assert ApiToken.objects.get(pk=tokens[1].pk).name == "two"


def _copies(obj: Model, count: int, **changes) -> list[Model]:
    model = type(obj)
    values = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields if not f.primary_key}
    return [
        model(**{**values, **changes, **{k: f"{v}{n}" for k, v in changes.items() if k == "number"}})
        for n in range(count)
    ]


def _stored(model: type[Model], pks: list[int]) -> list[dict]:
    skip = {"id", "created_at", "updated_at", "number"}
    return [
        {k: v for k, v in _values(row).items() if k not in skip}
        for row in model.objects.filter(pk__in=pks).order_by("pk")
    ]


def test_rows_insert_stores_what_save_and_bulk_create_store_for_requests_clocks_and_segments(registered):
    """The models intake writes with rows_insert: ServiceRequest (one), Clock and ClockSegment (several)."""
    from aftersales.clocks.models import Clock, ClockSegment
    from aftersales.service.models import ServiceRequest

    before = timezone.now()
    fast, plain = _copies(registered, 1, number="FWT"), _copies(registered, 1, number="FWP")
    clock = Clock.objects.filter(subject_id=str(registered.pk)).order_by("pk").first()
    fast_clocks, plain_clocks = _copies(clock, 3), _copies(clock, 3)
    with transaction.atomic():
        rows_insert(fast)
        plain[0].save()
        rows_insert(fast_clocks)
        Clock.objects.bulk_create(plain_clocks)
        fast_segments = [ClockSegment(clock=c, kind="running", started_at=before) for c in fast_clocks]
        plain_segments = [ClockSegment(clock=c, kind="running", started_at=before) for c in plain_clocks]
        rows_insert(fast_segments)
        ClockSegment.objects.bulk_create(plain_segments)
    assert _stored(ServiceRequest, [fast[0].pk]) == _stored(ServiceRequest, [plain[0].pk])
    assert _stored(Clock, [c.pk for c in fast_clocks]) == _stored(Clock, [c.pk for c in plain_clocks])
    fast_rows = _stored(ClockSegment, [s.pk for s in fast_segments])
    plain_rows = _stored(ClockSegment, [s.pk for s in plain_segments])
    assert [{**r, "clock_id": None} for r in fast_rows] == [{**r, "clock_id": None} for r in plain_rows]
    assert [r["clock_id"] for r in fast_rows] == [c.pk for c in fast_clocks]
    stored, saved = ServiceRequest.objects.get(pk=fast[0].pk), ServiceRequest.objects.get(pk=plain[0].pk)
    assert stored.created_at == saved.created_at == registered.created_at  # the value given, as save() keeps it
    assert stored.updated_at >= before  # auto_now: as save() sets it
    assert saved.updated_at >= before


def test_rows_insert_refuses_saved_rows_and_unsaved_relations(db):
    with pytest.raises(ValueError, match="unsaved instances"):
        rows_insert([Region.objects.create(code="BJ", name="北京")])
    with pytest.raises(ValueError, match="unsaved related object"):
        rows_insert([ApiToken(user=User(username="ghost"), name="x", prefix="as_x", token_hash="c" * 64)])
    assert not ApiToken.objects.filter(name="x").exists()
    with pytest.raises(ValueError, match="save"):
        rows_insert([User(username="new")])  # its save() handles the password


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
