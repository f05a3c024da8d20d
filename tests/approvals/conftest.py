"""Approvals test data: the complaint fixtures (a customer, one actor per role, a complaint register helper)."""

from tests.complaints.conftest import customer, new_complaint, staff  # noqa: F401 — fixtures
