"""The unit export (the installed base with warranty, sites masked as the list is, C3), streamed or as
a background job.

One sheet for both: `unit_export_headers(day)` and `unit_export_rows(actor, filters, day)`. The page
streams it when the filtered list is small; above settings.AFTERSALES_EXPORT_BACKGROUND_ROWS it starts
a `units.export` job (core.jobs) that builds the same rows as the job's owner, with a progress bar and
a result page (docs/decisions/0025, 0032). Every export is logged (C3: `customer.exported`, kind units).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext as _

from aftersales.core.access import Actor
from aftersales.core.jobs import JobOutcome, JobProgress
from aftersales.core.lists import MAX_EXPORT_ROWS, xlsx_sheet_file
from aftersales.core.models import Job
from aftersales.installed_base import selectors, services
from aftersales.installed_base.models import Unit

UNITS_EXPORT_JOB = "units.export"
EXPORT_CHUNK = 2000


def unit_export_headers(day: dt.date) -> list[Any]:
    columns = services.IMPORT_COLUMNS
    return [
        *(columns[name][0] for name in ("serial", "model", "customer")),
        _("Customer"),
        *(columns[name][0] for name in services.UNIT_DATE_FIELDS[:3]),
        columns["purchase_place"][0],
        columns["acceptance_date"][0],
        columns["warranty_months"][0],
        columns["site"][0],
        _("Last day in warranty"),
        _("In warranty on %(day)s") % {"day": day.isoformat()},
    ]


def _chunks(items: Iterator[Unit], size: int) -> Iterator[list[Unit]]:
    chunk: list[Unit] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def unit_export_rows(actor: Actor, filters: Mapping[str, Any], day: dt.date) -> Iterator[list[Any]]:
    """The sheet's rows, read in chunks; no site of a file the actor may not open (C3)."""
    terms = selectors.warranty_terms()
    units = selectors.unit_list(actor, terms=terms, **filters)
    for chunk in _chunks(units.iterator(chunk_size=EXPORT_CHUNK), EXPORT_CHUNK):
        sites = selectors.unit_sites_shown(actor, chunk)
        for unit in chunk:
            warranty = selectors.unit_warranty(unit, terms)
            yield [
                unit.serial,
                unit.product.model,
                unit.customer.code,
                unit.customer.name,
                unit.production_date,
                unit.ship_date,
                unit.purchase_date,
                unit.purchase_place,
                unit.acceptance_date,
                unit.warranty_months,
                sites[unit.pk],
                warranty.end,
                _("Yes") if warranty.covers(day) else _("No"),
            ]


def units_export_run(job: Job, progress: JobProgress) -> JobOutcome:
    """The `units.export` job: the owner's filtered units as .xlsx, logged (C3)."""
    from aftersales.accounts.selectors import actor_for
    from aftersales.core.timeutils import today
    from aftersales.customers.services import customer_export_log

    actor = actor_for(job.owner)
    filters = dict(job.params["filters"])
    day = today()
    total = min(selectors.unit_list(actor, **filters).count(), MAX_EXPORT_ROWS)
    progress(0, total, "writing")
    handle, count = xlsx_sheet_file(
        title=_("Units"),
        headers=unit_export_headers(day),
        rows=unit_export_rows(actor, filters, day),
        progress=lambda n: progress(n, total),
    )
    progress(count, total)
    customer_export_log(actor=actor, count=count, filters=dict(job.params["query"]), kind="units")
    return JobOutcome(result={"exported": count}, file_name=str(job.params["file_name"]), file=handle)
