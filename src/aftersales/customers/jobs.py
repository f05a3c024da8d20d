"""The customer import as a background job (core.jobs): registered from CustomersConfig.ready."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.selectors import actor_for
from aftersales.core.jobs import import_runner, register_job_kind
from aftersales.customers.exports import CUSTOMERS_EXPORT_JOB, customers_export_run
from aftersales.customers.services import customers_import

CUSTOMERS_IMPORT_JOB = "customers.import"


def register() -> None:
    register_job_kind(CUSTOMERS_IMPORT_JOB, _("Customer import"), import_runner(customers_import, actor_for))
    register_job_kind(CUSTOMERS_EXPORT_JOB, _("Customer export"), customers_export_run)
