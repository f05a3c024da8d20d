"""List pages, one mechanism for all of them: numbered pages, sortable columns, Excel export.

A list view builds its filtered query as before, then:

- `sort_apply(qs, request.GET.get("sort"), COLUMNS, default="-received_at")` orders it by a
  whitelisted column (anything else falls back to the default) with the primary key as the last
  key, so equal values keep a stable order across pages;
- `list_page(request, qs, size)` is the Paginator page (the template `includes/pagination.html`
  shows numbered pages with ellipses, `{% sort_header %}` the sortable column titles);
- `export_requested(request)` (`?export=xlsx` on the list's own address, so the export carries the
  list's filters and permission by construction) → `xlsx_export(...)` streams the same query,
  unpaginated, as an .xlsx built by openpyxl's write-only workbook through a temporary file
  (memory stays flat whatever the row count), and records `list.exported` (who, which list, how
  many rows, which filters) on the exporting user;
- an export of more than settings.AFTERSALES_EXPORT_BACKGROUND_ROWS rows is not streamed: it becomes
  a background job (core.jobs, kind "list.export") that runs the same query and columns — the query
  pickled, the columns named by their module attribute — with a progress bar and a result page to
  download the file from (the user is sent there). A second click while it runs shows the same job.

Domain rules (which rows, which columns, masking) stay in each app's selectors and views.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import IO, Any, cast

from django.apps import apps
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from aftersales.core.access import Actor
from aftersales.core.events import event_record, register_action_labels
from aftersales.core.jobs import JobOutcome, JobProgress, export_job_open, register_job_kind
from aftersales.core.models import Job

SORT_PARAM = "sort"
EXPORT_PARAM = "export"
EXPORT_FORMAT = "xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_EXPORT_ROWS = 100_000  # a bound, not a target: the largest list exported at once
EXPORT_CHUNK = 2000  # rows fetched at a time when a queryset is exported
LIST_EXPORTED = "list.exported"
register_action_labels({LIST_EXPORTED: _("List exported to Excel")})


@dataclass(frozen=True)
class SortState:
    key: str
    descending: bool

    @property
    def param(self) -> str:
        return f"-{self.key}" if self.descending else self.key


def sort_apply(
    qs: QuerySet[Any], raw: str | None, columns: Mapping[str, str | Sequence[str]], *, default: str
) -> tuple[QuerySet[Any], SortState]:
    """Order `qs` by the column named in `raw` ("name" or "-name") when whitelisted, else by `default`.

    `columns` maps a column's public name to its model field(s). The primary key is always the last
    key (same direction), so rows with equal values never swap between pages.
    """
    raw = (raw or "").strip()
    key, descending = raw.lstrip("-"), raw.startswith("-")
    if key not in columns:
        key, descending = default.lstrip("-"), default.startswith("-")
    fields = columns[key]
    names = [fields] if isinstance(fields, str) else list(fields)
    sign = "-" if descending else ""
    return qs.order_by(*(f"{sign}{name}" for name in names), f"{sign}pk"), SortState(key, descending)


def list_page(
    request: HttpRequest, items: Any, size: int, *, rows: Callable[[list[Any]], list[Any]] | None = None
) -> Page:
    """The requested page of `items` (a bad or out-of-range number gives the nearest page).

    `rows`, for a queryset whose order needs every matching row joined before it can be cut (an order by
    an expression, as the dispatch board's): the page is cut from the keys alone (`values_list("pk")`,
    the query on its own table and indexes), then `rows(keys)` reads the page's rows, in the keys' order.
    """
    if rows is None:
        return Paginator(items, size).get_page(request.GET.get("page"))
    page = Paginator(items.values_list("pk", flat=True), size).get_page(request.GET.get("page"))
    keys = list(page.object_list)
    page.object_list = rows(keys) if keys else []
    return page


def export_requested(request: HttpRequest) -> bool:
    return request.GET.get(EXPORT_PARAM) == EXPORT_FORMAT


@dataclass(frozen=True)
class Column:
    """One exported column: its title and how to read it from a row."""

    title: Any
    value: Callable[[Any], Any]


def xlsx_export(
    *,
    actor: Actor,
    list_name: str,
    title: Any,
    columns: Sequence[Column],
    rows: Iterable[Any],
    filters: Mapping[str, Any] | None = None,
    filename: str | None = None,
    prepare: Callable[[list[Any]], list[Any]] | None = None,
) -> HttpResponse:
    """The rows as an .xlsx attachment (write-only workbook, spooled to a temporary file), logged.

    A queryset is read in chunks of EXPORT_CHUNK (`iterator()`), other iterables as they come:
    rows are written as they are read. At most MAX_EXPORT_ROWS are written. `prepare` (a module-level
    function) turns each chunk of EXPORT_CHUNK rows into the rows the columns read (names resolved for
    the chunk at once, as a page does).
    """
    name = filename or f"{list_name}-{timezone.localdate():%Y%m%d}.xlsx"
    if isinstance(rows, QuerySet):
        background = _export_in_background(
            actor=actor,
            list_name=list_name,
            title=title,
            columns=columns,
            qs=rows,
            filters=filters,
            name=name,
            prepare=prepare,
        )
        if background is not None:
            return background
    handle = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it once sent
    count = _xlsx_write(handle, title=title, columns=columns, rows=rows, prepare=prepare)
    handle.seek(0)
    export_log(actor=actor, list_name=list_name, count=count, filters=filters or {})
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX)
    return cast(HttpResponse, response)  # streamed; views are typed as returning HttpResponse


def _xlsx_write(
    handle: Any,
    *,
    title: Any,
    columns: Sequence[Column],
    rows: Iterable[Any],
    progress: Callable[[int], None] | None = None,
    prepare: Callable[[list[Any]], list[Any]] | None = None,
) -> int:
    """Write the rows as an .xlsx into `handle` (write-only workbook); returns how many were written.

    A queryset is read in chunks of EXPORT_CHUNK (`iterator()`), other iterables as they come:
    rows are written as they are read. At most MAX_EXPORT_ROWS are written.
    """
    if isinstance(rows, QuerySet):
        rows = rows.iterator(chunk_size=EXPORT_CHUNK)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(title)[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for col in columns:
        cell = WriteOnlyCell(sheet, value=str(col.title))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in _prepared(rows, prepare):
        if count >= MAX_EXPORT_ROWS:
            break
        sheet.append([excel_value(col.value(row)) for col in columns])
        count += 1
        if progress is not None and count % EXPORT_CHUNK == 0:
            progress(count)
    workbook.save(handle)
    return count


def _prepared(rows: Iterable[Any], prepare: Callable[[list[Any]], list[Any]] | None) -> Iterator[Any]:
    if prepare is None:
        yield from rows
        return
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == EXPORT_CHUNK:
            yield from prepare(chunk)
            chunk = []
    if chunk:
        yield from prepare(chunk)


# --- large exports in the background (core.jobs) ---------------------------------------------------

EXPORT_JOB = "list.export"


def background_export_rows() -> int:
    """Exports of more rows than this run as background jobs (settings.AFTERSALES_EXPORT_BACKGROUND_ROWS)."""
    return int(getattr(settings, "AFTERSALES_EXPORT_BACKGROUND_ROWS", 5000))


def export_too_large(qs: QuerySet[Any]) -> bool:
    """True when `qs` has more rows than the background threshold (one probe for row N + 1, no count)."""
    limit = background_export_rows()
    return qs.order_by().values_list("pk")[limit : limit + 1].exists()


def xlsx_sheet_file(
    *,
    title: Any,
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    progress: Callable[[int], None] | None = None,
) -> tuple[IO[bytes], int]:
    """Rows already made as lists of values, written as an .xlsx to a temporary file (for an app's own
    export job: its rows need the job owner's masking, so they are built by the app, not from a query).
    Returns (the file, rewound; the number of rows written)."""
    columns = [Column(header, itemgetter(index)) for index, header in enumerate(headers)]
    handle = tempfile.TemporaryFile()  # noqa: SIM115 — core.jobs stores the outcome's file, then closes it
    count = _xlsx_write(handle, title=title, columns=columns, rows=rows, progress=progress)
    handle.seek(0)
    return handle, count


def _columns_path(columns: Sequence[Column]) -> str:
    """ "module:NAME" of a module-level column list (how the job finds it again), or "" if it is not one."""
    if not columns:
        return ""
    module_name = getattr(columns[0].value, "__module__", "")
    module = importlib.import_module(module_name) if module_name else None
    for attribute, value in vars(module).items() if module is not None else ():
        if value is columns:
            return f"{module_name}:{attribute}"
    return ""


def _export_in_background(
    *,
    actor: Actor,
    list_name: str,
    title: Any,
    columns: Sequence[Column],
    qs: QuerySet[Any],
    filters: Mapping[str, Any] | None,
    name: str,
    prepare: Callable[[list[Any]], list[Any]] | None,
) -> HttpResponse | None:
    """A redirect to the export's job page when the list is too long to stream, else None."""
    if qs.query.is_sliced:
        return None  # a list that shows a bounded number of rows exports those, at once
    if not export_too_large(qs):
        return None
    path = _columns_path(columns)
    prepare_path = f"{prepare.__module__}:{prepare.__qualname__}" if prepare is not None else ""
    if not path or "<" in prepare_path:
        return None  # columns built per request cannot be found again by a worker: stream them
    params = {
        "list": list_name,
        "title": str(title),
        "columns": path,
        "prepare": prepare_path,
        "model": qs.model._meta.label,
        "file_name": name,
        "filters": {k: str(v) for k, v in (filters or {}).items() if v not in ("", None, False, [])},
    }
    label = _("Excel export: %(title)s") % {"title": title}
    job, _created = export_job_open(
        actor=actor, kind=EXPORT_JOB, label=str(label), params=params, query=pickle.dumps(qs.query)
    )
    return HttpResponseRedirect(reverse("web:job_detail", args=[job.pk]))


def _export_run(job: Job, progress: JobProgress) -> JobOutcome:
    """The job of a large export: the stored query and columns written to an .xlsx file, logged."""
    params = job.params
    module_name, attribute = str(params["columns"]).split(":", 1)
    columns = getattr(importlib.import_module(module_name), attribute)
    prepare = None
    if params.get("prepare"):
        prepare_module, prepare_name = str(params["prepare"]).split(":", 1)
        prepare = getattr(importlib.import_module(prepare_module), prepare_name)
    qs = apps.get_model(params["model"])._default_manager.all()
    qs.query = pickle.loads(bytes(job.query or b""))  # noqa: S301 — written by _export_in_background only
    total = min(qs.count(), MAX_EXPORT_ROWS)
    progress(0, total, "writing")
    handle = tempfile.TemporaryFile()  # noqa: SIM115 — core.jobs stores the outcome's file, then closes it
    count = _xlsx_write(
        handle,
        title=params["title"],
        columns=columns,
        rows=qs,
        progress=lambda n: progress(n, total),
        prepare=prepare,
    )
    progress(count, total)
    export_log(actor=Actor(user=job.owner), list_name=params["list"], count=count, filters=params["filters"])
    handle.seek(0)
    return JobOutcome(result={"exported": count}, file_name=params["file_name"], file=handle)


register_job_kind(EXPORT_JOB, _("Excel export"), _export_run)


@transaction.atomic
def export_log(*, actor: Actor, list_name: str, count: int, filters: Mapping[str, Any]) -> None:
    """Record an export on the exporting user's record: who exported which list, how many rows, filtered how."""
    event_record(
        subject=actor.user,
        action=LIST_EXPORTED,
        actor=actor,
        data={
            "list": list_name,
            "count": count,
            "filters": {k: str(v) for k, v in filters.items() if v not in ("", None, False, [])},
        },
    )


def excel_value(value: Any) -> Any:
    """A value openpyxl can store: naive local datetimes, plain numbers and text."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, str | int | float | dt.date | bool):
        return value
    return str(value)
