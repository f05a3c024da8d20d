"""K1 under real transactions: several agents register complaints at the same moment.

Transactional tests empty every table afterwards, so they live in this file alone (see
tests/service/test_concurrency.py). Runs on both databases: PostgreSQL's row lock on the counter
and SQLite's IMMEDIATE transactions (file database, real concurrent connections) must each give
six distinct, consecutive numbers.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from aftersales.complaints.models import Complaint

THREADS = 6


@pytest.mark.django_db(transaction=True)
def test_k1_simultaneous_registrations_get_distinct_consecutive_numbers(make_user, api_as, customer):
    clients = [api_as(make_user("agent", username=f"agent_{i}")) for i in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    results: list[tuple[int, Any]] = []
    errors: list[BaseException] = []

    def register(client: Any) -> None:
        try:
            barrier.wait(timeout=10)
            response = client.post(
                "complaints",
                {"customer": customer.pk, "class": "quality", "channel": "phone", "description": "同时登记"},
            )
            results.append((response.status_code, response.json()))
        except BaseException as exc:  # pragma: no cover — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(client,)) for client in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert not errors, errors
    assert [status for status, _ in results] == [201] * THREADS, results
    month = timezone.localtime(timezone.now()).strftime("%Y%m")
    numbers = sorted(body["number"] for _, body in results)
    assert numbers == [f"TS{month}{n:04d}" for n in range(1, THREADS + 1)]
    assert Complaint.objects.count() == THREADS
