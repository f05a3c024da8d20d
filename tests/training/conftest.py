"""Training tests reuse the service-case data (region, customer, units, staff by role)."""

from tests.service.conftest import city, customer, new_request, old_unit, staff, unit  # noqa: F401
