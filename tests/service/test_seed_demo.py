"""`aftersales seed_demo` builds a usable service board through the services (S1–S11)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command

from aftersales.core.events import chain_verify, events_chain_pending
from aftersales.service.models import ServiceRequest


@pytest.mark.django_db
def test_seed_demo_leaves_requests_in_every_stage_with_an_intact_audit_chain():
    call_command("seed_demo", "--customers", "12", "--units", "30", "--seed", "7")

    states = Counter(ServiceRequest.objects.values_list("state", flat=True))
    first = ServiceRequest.objects.order_by("pk").first()
    closed = 0 if first.charging_type == "A" else 1  # a paid first case waits for its quotation (B1)
    assert (states["registered"], states["closed"]) == (6 - closed, closed)
    assert (states["dispatched"], states["booked"], states["on_site"]) == (3, 1, 1)
    assert ServiceRequest.objects.filter(carried_over_on__isnull=False, state="registered").count() == 2
    assert ServiceRequest.objects.filter(customer__portal_users__username="customer").exists()
    events_chain_pending()  # deferred chaining (PostgreSQL): the on-commit hook's work
    assert chain_verify().ok
