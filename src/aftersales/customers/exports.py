"""The customer export (C2 overview, masked as the list is, C3), streamed or as a background job.

One sheet for both: `customer_export_headers()` and `customer_export_rows(actor, filters)`. The page
streams it when the filtered list is small; above settings.AFTERSALES_EXPORT_BACKGROUND_ROWS it starts
a `customers.export` job (core.jobs) that builds the same rows as the job's owner, with a progress bar
and a result page (docs/decisions/0025, 0032). Every export is logged (C3: `customer.exported`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.access import Actor
from aftersales.core.jobs import JobOutcome, JobProgress
from aftersales.core.lists import MAX_EXPORT_ROWS, xlsx_sheet_file
from aftersales.core.models import Job
from aftersales.customers import selectors

CUSTOMERS_EXPORT_JOB = "customers.export"


def customer_export_headers() -> list[str]:
    return [
        _("Customer number"),
        _("Customer name"),
        _("Kind"),
        _("Phone"),
        _("Address"),
        _("Region"),
        _("Credit rating"),
        _("Key account"),
        _("Service representative"),
        _("Units"),
        _("Active contracts"),
        _("Open requests"),
        _("Complaints"),
        _("Open complaints"),
        _("Last visit"),
        _("Latest satisfaction"),
        _("Satisfaction date"),
        _("Last change"),
        _("Access"),
    ]


def json_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    """The list filters as JSON (a job's parameters, the export log): days as ISO text."""
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in filters.items()}


def _from_json(filters: Mapping[str, Any]) -> dict[str, Any]:
    found = dict(filters)
    if isinstance(found.get("not_visited_since"), str):
        found["not_visited_since"] = dt.date.fromisoformat(found["not_visited_since"])
    return found


def customer_export_rows(actor: Actor, filters: Mapping[str, Any]) -> Iterator[list[Any]]:
    """The sheet's rows; a masked file (C3) fills only its number, name, the typed number and the access note."""
    for row in selectors.customer_export_list(actor, **filters):
        card = row.customer
        if not card.may_open:
            note = _("Confidential file: request access in the system")
            yield [card.code, card.name, "", card.phone, *([""] * 14), note]
            continue
        yield [
            card.code,
            card.name,
            card.kind_label,
            card.phone,
            card.address,
            card.region.name if card.region else "",
            card.credit_rating,
            _("Yes") if card.key_account else _("No"),
            str(card.owner) if card.owner else "",
            row.units,
            row.contracts,
            row.open_requests,
            row.complaints,
            row.open_complaints,
            row.last_visit or "",
            row.satisfaction.label if row.satisfaction else "",
            timezone.localtime(row.satisfaction.at) if row.satisfaction else "",
            timezone.localtime(row.last_event_at) if row.last_event_at else "",
            "",
        ]


def customers_export_run(job: Job, progress: JobProgress) -> JobOutcome:
    """The `customers.export` job: the owner's filtered, masked overview as .xlsx, logged (C3)."""
    from aftersales.accounts.selectors import actor_for
    from aftersales.customers.services import customer_export_log

    actor = actor_for(job.owner)
    filters = _from_json(job.params["filters"])
    total = min(selectors.customer_list(actor, **filters).count(), MAX_EXPORT_ROWS)
    progress(0, total, "writing")
    handle, count = xlsx_sheet_file(
        title=_("Customers"),
        headers=customer_export_headers(),
        rows=customer_export_rows(actor, filters),
        progress=lambda n: progress(n, total),
    )
    progress(count, total)
    customer_export_log(actor=actor, count=count, filters=json_filters(filters))
    return JobOutcome(result={"exported": count}, file_name=str(job.params["file_name"]), file=handle)
