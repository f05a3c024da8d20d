"""The unit import as a background job (core.jobs): registered from InstalledBaseConfig.ready."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.selectors import actor_for
from aftersales.core.jobs import import_runner, register_job_kind
from aftersales.installed_base.exports import UNITS_EXPORT_JOB, units_export_run
from aftersales.installed_base.services import units_import

UNITS_IMPORT_JOB = "units.import"


def register() -> None:
    register_job_kind(UNITS_IMPORT_JOB, _("Unit import"), import_runner(units_import, actor_for))
    register_job_kind(UNITS_EXPORT_JOB, _("Unit export"), units_export_run)
