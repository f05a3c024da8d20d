"""R2/K7 under real transactions: a sales manager approves while the GM refuses the same return.

Transactional tests empty every table afterwards, so they live in this file alone (see
tests/service/test_concurrency.py).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections

from aftersales.core.models import Event
from aftersales.returns.models import ReturnRequest


@pytest.mark.django_db(transaction=True)
def test_r2_simultaneous_approve_and_refuse_one_wins_one_gets_409(staff, new_return, api_as):
    # given a requested return (200 yuan) both deciders saw at version 1
    found = new_return()
    calls = [
        (api_as(staff["sales_manager"].user), "approve", {"disposition": "restock", "version": 1}),
        (api_as(staff["gm"].user), "refuse", {"note": "不同意", "version": 1}),
    ]
    barrier = threading.Barrier(len(calls))
    results: list[tuple[int, dict[str, Any]]] = []
    errors: list[BaseException] = []

    def decide(client: Any, action: str, body: dict[str, Any]) -> None:
        try:
            barrier.wait(timeout=10)
            response = client.post(f"returns/{found.number}/{action}", body)
            results.append((response.status_code, response.json()))
        except BaseException as exc:  # pragma: no cover — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    # when both decide at the same moment
    threads = [threading.Thread(target=decide, args=call) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    # then exactly one decision stands and one event records it
    assert not errors, errors
    assert sorted(status for status, _ in results) == [200, 409]
    loser = next(body for status, body in results if status == 409)
    assert loser["code"] == "version_conflict"
    stored = ReturnRequest.objects.get(pk=found.pk)
    assert stored.version == 2
    decisions = Event.objects.filter(
        subject_type="returns.returnrequest",
        subject_id=str(found.pk),
        action__in=["returnrequest.approved", "returnrequest.refused"],
    )
    assert decisions.count() == 1
