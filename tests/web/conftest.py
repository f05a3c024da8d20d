"""The service-case fixtures (a city with a service point, a customer, a unit, staff, new_request)."""

from tests.service.conftest import city, customer, new_request, staff, unit  # noqa: F401 — fixtures
