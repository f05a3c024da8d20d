"""core.prefetch: rows a service holds, handed to Django as prefetched, answer as the ORM would
(docs/decisions/0004, 0010), on the relations the code hands over: a new service request's steps,
parts, tasks and quotes (its approvals live in the approvals app), and a new clock's segments."""

import pytest

from aftersales.clocks.models import Clock
from aftersales.core.prefetch import prefetched_rows, prefetched_set
from aftersales.service.models import ServiceRequest

pytestmark = pytest.mark.django_db

RELATIONS = ("steps", "parts", "tasks", "quotes")


@pytest.fixture
def registered(make_user):
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


def test_a_new_request_answers_its_relations_without_a_query_and_as_the_orm(registered, django_assert_num_queries):
    fresh = ServiceRequest.objects.get(pk=registered.pk)
    with django_assert_num_queries(0):
        given = {relation: list(getattr(registered, relation).all()) for relation in RELATIONS}
        held = {relation: prefetched_rows(registered, relation) for relation in RELATIONS}
    assert given == {relation: list(getattr(fresh, relation).all()) for relation in RELATIONS}
    assert held == dict.fromkeys(RELATIONS, [])
    assert {relation: prefetched_rows(fresh, relation) for relation in RELATIONS} == dict.fromkeys(RELATIONS)


def test_a_new_clock_answers_its_segments_as_prefetch_related(registered, django_assert_num_queries):
    clocks = list(Clock.objects.filter(subject_id=str(registered.pk)).order_by("pk"))
    orm = list(Clock.objects.filter(pk__in=[c.pk for c in clocks]).prefetch_related("segments").order_by("pk"))
    for clock, prefetched in zip(clocks, orm, strict=True):
        prefetched_set(clock, "segments", list(prefetched.segments.all()))
    with django_assert_num_queries(0):
        given = [[(s.pk, s.kind, s.started_at, s.ended_at) for s in clock.segments.all()] for clock in clocks]
        held = [prefetched_rows(clock, "segments") for clock in clocks]
    assert given == [[(s.pk, s.kind, s.started_at, s.ended_at) for s in c.segments.all()] for c in orm]
    assert held == [prefetched_rows(c, "segments") for c in orm]
    assert [len(rows) for rows in held] == [1] * len(clocks)


def test_writing_through_the_relation_drops_what_was_handed_over(registered):
    step = registered.steps.create(text="检查电源", author=registered.received_by)
    assert prefetched_rows(registered, "steps") is None
    assert list(registered.steps.all()) == [step]
