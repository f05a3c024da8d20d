"""Q6 records kept (002 §6): minimum keep times as policy, archive-then-remove by an administrator.

Nothing is removed by itself. After its minimum keep time (policy `Q6.keep_<period>_months`) a record
kind may be archived: every removable row is written to a zip (one JSON file per table, kept in
RetentionArchive, listed and downloadable) and removed in the same transaction. Refused, never
removed: the audit events (X3), record kinds not listed here, rows younger than the keep time, and
rows an open case still needs (a survey response with an open low-score follow-up call; a
satisfaction analysis report not yet sent).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Model, QuerySet
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.callbacks.choices import CallbackState
from aftersales.callbacks.models import Callback
from aftersales.core.access import Actor
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.core.events import event_record
from aftersales.policies.selectors import policy_get
from aftersales.reports import quality_events as events
from aftersales.reports.models import PeriodReport, PeriodReportState
from aftersales.reports.quality_models import RetentionArchive
from aftersales.surveys.choices import ReportState
from aftersales.surveys.models import AnalysisReport, Response

ARCHIVE_PERM = "reports.archive_records"
NEVER_REMOVED = ("events", "audit", "service_requests", "complaints", "customers")


@dataclass(frozen=True)
class RecordKind:
    code: str
    label: Promise
    policy: str  # the minimum keep time, in months
    rows: Callable[[dt.datetime], QuerySet[Any]]  # older than the cut-off, and no open case needs them


def _responses(cutoff: dt.datetime) -> QuerySet[Any]:
    needed = Callback.objects.filter(planning_key__startswith="low:survey:surveys.response:").exclude(
        state__in=[CallbackState.DONE, CallbackState.NOT_REACHED]
    )
    needed_ids = [int(key.rsplit(":", 1)[1]) for key in needed.values_list("planning_key", flat=True)]
    return Response.objects.filter(created_at__lt=cutoff).exclude(pk__in=needed_ids)


def _reports(cutoff: dt.datetime) -> QuerySet[Any]:
    return AnalysisReport.objects.filter(created_at__lt=cutoff, state=ReportState.SENT)


def _period_reports(cutoff: dt.datetime) -> QuerySet[Any]:
    """Q1/Q2/Q5 snapshots once decided (approved or issued); a draft or one awaiting approval stays."""
    return PeriodReport.objects.filter(
        generated_at__lt=cutoff, state__in=[PeriodReportState.APPROVED, PeriodReportState.ISSUED]
    )


KINDS: dict[str, RecordKind] = {
    k.code: k
    for k in (
        RecordKind(
            "survey_responses", gettext_lazy("Survey forms (responses)"), "Q6.keep_survey_forms_months", _responses
        ),
        RecordKind(
            "analysis_reports", gettext_lazy("Satisfaction analysis reports"), "Q6.keep_reports_months", _reports
        ),
        RecordKind(
            "period_reports",
            gettext_lazy("Statistical analysis tables, weekly reports and appraisals"),
            "Q6.keep_statistics_months",
            _period_reports,
        ),
    )
}


def register_kind(kind: RecordKind) -> None:
    """Another report snapshot (e.g. the Q1 analysis table, `Q6.keep_statistics_months`) joins here."""
    KINDS[kind.code] = kind


def cutoff_of(kind: RecordKind, today: dt.date | None = None) -> dt.datetime:
    """The moment before which a record has been kept its minimum time (today − N months, local midnight)."""
    day = today or timezone.localdate()
    months = int(policy_get(kind.policy).value)
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    first = dt.date(year, month + 1, 1)
    last_day = (dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1) - dt.timedelta(days=1)).day
    cut = first.replace(day=min(day.day, last_day))
    return dt.datetime.combine(cut, dt.time.min, tzinfo=timezone.get_current_timezone())


def _kind(code: str) -> RecordKind:
    if code in NEVER_REMOVED:
        raise ValidationFailed(
            _("These records are never removed."), fields={"kind": [_("These records are never removed.")]}
        )
    kind = KINDS.get(code)
    if kind is None:
        raise ValidationFailed(_("Unknown record kind."), fields={"kind": [_("Unknown record kind.")]})
    return kind


@dataclass
class Preview:
    kind: RecordKind
    cutoff: dt.datetime
    removable: int
    older: int  # older than the cut-off, including those an open case needs


def retention_preview(actor: Actor, code: str, *, today: dt.date | None = None) -> Preview:
    """What an archive of `code` would take now (the confirm step shows it)."""
    actor.require_perm(ARCHIVE_PERM)
    kind = _kind(code)
    cutoff = cutoff_of(kind, today)
    model = kind.rows(cutoff).model
    return Preview(kind, cutoff, kind.rows(cutoff).count(), model.objects.filter(created_at__lt=cutoff).count())


def _row(obj: Model) -> dict[str, Any]:
    data = model_to_dict(obj)
    data["id"] = obj.pk
    for name in ("created_at", "updated_at"):
        if hasattr(obj, name):
            data[name] = getattr(obj, name)
    return data


@transaction.atomic
def retention_archive(
    *, actor: Actor, code: str, expected: int | None = None, today: dt.date | None = None
) -> RetentionArchive:
    """Archive every removable record of `code` to a zip and remove them, in one transaction.

    `expected`: the count the administrator confirmed; a different count now (records changed
    meanwhile) is refused. Rule: Q6. Raises: PermissionDenied, ValidationFailed (never removed,
    unknown kind, nothing to archive, count changed). Events: retention.archived.
    """
    actor.require_perm(ARCHIVE_PERM)
    kind = _kind(code)
    cutoff = cutoff_of(kind, today)
    rows = list(kind.rows(cutoff).select_for_update().order_by("pk"))
    if not rows:
        raise ValidationFailed(
            _("Nothing has passed its minimum keep time."), fields={"kind": [_("Nothing to archive.")]}
        )
    if expected is not None and expected != len(rows):
        message = _("The records changed since you looked (%(then)s then, %(now)s now); look again.") % {
            "then": expected,
            "now": len(rows),
        }
        raise ValidationFailed(message, fields={"expected": [message]})
    model = rows[0]._meta
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            f"{model.label_lower}.json",
            json.dumps([_row(r) for r in rows], cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
        )
        archive.writestr(
            "README.txt",
            f"{kind.code}: {len(rows)} rows created before {cutoff.isoformat()}, archived {timezone.now().isoformat()}\n",
        )
    content = buffer.getvalue()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    record = RetentionArchive.objects.create(
        kind=kind.code,
        before=cutoff.date(),
        count=len(rows),
        file_name=f"archive-{kind.code}-{stamp}.zip",
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        made_by=actor.user,
    )
    type(rows[0]).objects.filter(pk__in=[r.pk for r in rows]).delete()
    event_record(
        subject=record,
        action=events.RETENTION_ARCHIVED,
        actor=actor,
        rule="Q6",
        data={"kind": kind.code, "before": cutoff.date().isoformat(), "count": len(rows), "sha256": record.sha256},
    )
    return record


def archive_list(actor: Actor) -> QuerySet[RetentionArchive]:
    actor.require_perm(ARCHIVE_PERM)
    return RetentionArchive.objects.select_related("made_by").defer("content")


def archive_get(actor: Actor, archive_id: int) -> RetentionArchive:
    actor.require_perm(ARCHIVE_PERM)
    found = RetentionArchive.objects.filter(pk=archive_id).first()
    if found is None:
        raise NotFound(_("No such archive."))
    return found
