"""S7 under real transactions: two dispatchers press "dispatch" on the same request at once.

Transactional tests empty every table afterwards (the migration-seeded CN calendar too), so they
live in this file alone: pytest-django runs transactional tests after the others, and with
`--dist loadfile` a file that holds only transactional tests is scheduled last.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections

from aftersales.core.models import Event
from aftersales.service.models import ServiceRequest


@pytest.mark.django_db(transaction=True)
def test_s7_two_simultaneous_dispatches_one_wins_one_gets_409(staff, new_request, api_as):
    # given a registered request and two dispatchers who both saw version 1
    sr = new_request()
    callers = [
        (api_as(staff["team_lead"].user), "eng1"),
        (api_as(staff["cs_manager"].user), "eng2"),
    ]
    barrier = threading.Barrier(len(callers))
    results: list[tuple[int, dict[str, Any]]] = []
    errors: list[BaseException] = []

    def dispatch(client: Any, engineer: str) -> None:
        try:
            barrier.wait(timeout=10)
            response = client.post(f"service-requests/{sr.number}/dispatch", {"engineer": engineer, "version": 1})
            results.append((response.status_code, response.json()))
        except BaseException as exc:  # pragma: no cover — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    # when both press "dispatch" at the same moment
    threads = [threading.Thread(target=dispatch, args=caller) for caller in callers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    # then exactly one wins, the other is told the request changed, and one event is written
    assert not errors, errors
    assert sorted(status for status, _ in results) == [200, 409]
    winner = next(body for status, body in results if status == 200)
    loser = next(body for status, body in results if status == 409)
    assert loser["code"] == "version_conflict"
    stored = ServiceRequest.objects.select_related("engineer").get(pk=sr.pk)
    assert (stored.state, stored.version, stored.engineer.username) == ("dispatched", 2, winner["engineer"]["username"])
    dispatched = Event.objects.filter(
        subject_type="service.servicerequest", subject_id=str(sr.pk), action="servicerequest.dispatched"
    )
    assert dispatched.count() == 1
