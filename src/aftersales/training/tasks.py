"""Periodic jobs of training (core.periodic): warn of expiring certificates (T2)."""

from __future__ import annotations

from django_tasks import task

from aftersales.training.services import certificates_expiry_notify


@task()
def certificate_expiry_task() -> int:
    return certificates_expiry_notify()
