"""Excel import and export plumbing shared by the apps: read rows by header, report row errors, write xlsx.

Domain rules (what a valid row is, what it creates) stay in each app's services.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from aftersales.core.errors import ValidationFailed

MAX_IMPORT_ROWS = 20000
# What an import tells a background job as it goes (core.jobs): rows done, of total (0: not known
# yet), and the stage — checking every row first, then saving them.
ImportProgress = Callable[[int, int, str], None]
IMPORT_CHECKING = "checking"
IMPORT_SAVING = "saving"


@dataclass
class ImportReport:
    """Row-by-row result of an import; nothing is imported when `errors` is not empty."""

    rows: int = 0
    created: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)  # {"row": n, "column": header, "message": str}

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, row: int, column: str, message: Any) -> None:
        self.errors.append({"row": row, "column": column, "message": str(message)})


def xlsx_rows(fileobj: IO[bytes], columns: Mapping[str, Sequence[str]]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (excel row number, {field: value}) from the first sheet.

    `columns` maps a field name to the header titles accepted for it (Chinese and English).
    Raises ValidationFailed when the file is not xlsx, is empty, or lacks a required header.
    """
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ValidationFailed(_("The file is not an Excel workbook (.xlsx)."), code="import_invalid_file") from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise ValidationFailed(_("The workbook is empty."), code="import_invalid_file")
    titles = [str(h).strip() if h is not None else "" for h in header]
    positions: dict[str, int] = {}
    for name, accepted in columns.items():
        for title in accepted:
            if title in titles:
                positions[name] = titles.index(title)
                break
    missing = [columns[name][0] for name in columns if name not in positions]
    if missing:
        raise ValidationFailed(
            _("The header row lacks these columns: %(names)s") % {"names": "、".join(missing)},
            code="import_missing_columns",
        )
    for number, values in enumerate(rows, start=2):
        if number - 1 > MAX_IMPORT_ROWS:
            raise ValidationFailed(
                _("At most %(n)s rows can be imported at once.") % {"n": MAX_IMPORT_ROWS}, code="import_too_large"
            )
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        yield number, {name: (values[pos] if pos < len(values) else None) for name, pos in positions.items()}
    workbook.close()


def xlsx_row_estimate(fileobj: IO[bytes]) -> int:
    """The data rows the first sheet declares (its dimension less the header), for a progress bar; 0 if unknown.
    The file is read from and rewound to its start."""
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
        rows = workbook.worksheets[0].max_row or 0
        workbook.close()
    except Exception:  # noqa: BLE001 — the import itself reports a bad file
        rows = 0
    fileobj.seek(0)
    return max(0, rows - 1)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def cell_date(value: Any) -> dt.date | None:
    """A date cell, or text like 2025-03-01 / 2025/3/1. Raises ValueError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    return dt.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))


def xlsx_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A workbook with one sheet: bold header, frozen first row, reasonable column widths."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet (typed as possibly a chart sheet)
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([_excel_value(v) for v in row])
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(str(header)) * 2 + 4))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _excel_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, str | int | float | dt.date | bool):
        return value
    return str(value)
