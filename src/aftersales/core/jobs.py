"""Background jobs a user starts (imports, large exports): one mechanism for every kind.

- An app registers a kind once (`register_job_kind(kind, label, run)`, from its AppConfig.ready or at
  import); `run(job, progress)` does the work and returns a `JobOutcome` (counts for the result page,
  the result file, the refused rows).
- `job_enqueue` stores the job (and its uploaded file, in Django's default storage under jobs/<id>/)
  and, once committed, enqueues `core.tasks.job_run_task` on the task backend (DESIGN.md "Time and
  background work": the embedded `aftersales serve` runs a task worker thread, the scale-out runs
  `aftersales db_worker`).
- `job_run` claims the job (queued → running, under the row lock, so a task delivered twice runs it
  once), runs it, and ends it done or failed through core.workflow.transition; the owner is told
  through the `job_finished` signal (the notifications app rings the bell).
- Progress (`done` of `total`, `stage`) is written by short UPDATE statements, at most every
  PROGRESS_STEP of the total, so the page polling it sees it move (see `JobProgress`).
- Only the owner, or an administrator, can see a job or download its files (`job_get`: 404 otherwise).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.access import Actor
from aftersales.core.errors import DomainError, NotFound
from aftersales.core.events import register_action_labels
from aftersales.core.imports import ImportReport, xlsx_bytes, xlsx_row_estimate
from aftersales.core.models import Job, JobState
from aftersales.core.workflow import transition

log = logging.getLogger("aftersales.jobs")

S = JobState
# No SPEC rule governs a job's own states: the moves are bookkeeping, audited like any other.
JOB_TRANSITIONS: dict[str, dict[str, str]] = {
    S.QUEUED: {S.RUNNING: "", S.FAILED: ""},
    S.RUNNING: {S.DONE: "", S.FAILED: ""},
}
register_action_labels(
    {
        "job.queued": gettext_lazy("Background job started"),
        "job.running": gettext_lazy("Background job running"),
        "job.done": gettext_lazy("Background job finished"),
        "job.failed": gettext_lazy("Background job failed"),
        "job.files_removed": gettext_lazy("Background job files removed"),
    }
)
PROGRESS_STEP = 0.02  # progress is written when it moved by 2 % of the total (and at the end)
ERRORS_SHOWN = 200  # refused-row problems listed on the result page; all of them are in the report file
REPORT_FILE_NAME = "refused-rows.xlsx"

# Sent after a job ended (done or failed), outside its transaction: job=Job.
job_finished = Signal()


class JobProgress:
    """What a running job reports: `progress(done, total, stage)`; written when it moved enough.

    Outside a transaction the UPDATE runs (and commits) at once. Inside the caller's transaction (an
    all-or-nothing import saving its rows) an UPDATE on this connection would stay invisible until
    the end, so on PostgreSQL it runs on a short-lived connection of its own (a helper thread); on
    SQLite, whose one writer is that transaction, it is kept and written when the job ends.
    """

    def __init__(self, job: Job) -> None:
        self.job = job
        self._written = (job.done, job.total, job.stage)

    def __call__(self, done: int, total: int, stage: str = "") -> None:
        stage = stage or self.job.stage
        self.job.done, self.job.total, self.job.stage = done, total, stage
        last_done, last_total, last_stage = self._written
        step = max(1, int(total * PROGRESS_STEP))
        if stage == last_stage and total == last_total and done != total and done - last_done < step:
            return
        self._written = (done, total, stage)
        values = {"done": done, "total": total, "stage": stage}
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job.pk).update(**values)
        elif connection.vendor != "sqlite":
            writer = threading.Thread(target=_write_apart, args=(self.job.pk, values), daemon=True)
            writer.start()
            writer.join()


def _write_apart(job_id: int, values: dict[str, Any]) -> None:
    try:
        Job.objects.filter(pk=job_id).update(**values)
    finally:
        connection.close()


@dataclass
class JobOutcome:
    """What a finished job shows: counts (`result`), a result file, refused rows (an import's report)."""

    result: dict[str, Any] = field(default_factory=dict)
    file_name: str = ""  # the result file's download name (e.g. "service-requests-20261207.xlsx")
    file: IO[bytes] | None = None
    report: ImportReport | None = None


Runner = Callable[[Job, JobProgress], JobOutcome]


@dataclass(frozen=True)
class JobKind:
    kind: str
    label: Any
    run: Runner


_KINDS: dict[str, JobKind] = {}


def register_job_kind(kind: str, label: Any, run: Runner) -> None:
    _KINDS[kind] = JobKind(kind, label, run)


def import_runner(service: Callable[..., ImportReport], actor_for: Callable[[Any], Actor]) -> Runner:
    """The runner of an import kind: the stored upload given to `service(actor=, fileobj=, progress=)`
    (an app's import service, core.imports), as the job's owner; its report becomes the result."""

    def run(job: Job, progress: JobProgress) -> JobOutcome:
        with default_storage.open(job.input_name, "rb") as fileobj:
            estimate = xlsx_row_estimate(fileobj)

            def told(done: int, total: int, stage: str) -> None:
                progress(done, total or max(estimate, done), stage)

            report = service(actor=actor_for(job.owner), fileobj=fileobj, progress=told)
        return JobOutcome(report=report)

    return run


def job_kind_label(kind: str) -> str:
    known = _KINDS.get(kind)
    return str(known.label) if known else kind


# --- starting ----------------------------------------------------------------------------------


@transaction.atomic
def job_enqueue(
    *,
    actor: Actor,
    kind: str,
    label: str = "",
    params: Mapping[str, Any] | None = None,
    upload: IO[bytes] | None = None,
    upload_name: str = "input.xlsx",
    query: bytes | None = None,
) -> Job:
    """Store a job of a registered kind for the actor and run it in the background after commit.

    Raises: NotFound (unknown kind: a programming error). Events: job.queued on the job.
    """
    from aftersales.core.events import event_record

    if kind not in _KINDS:
        raise NotFound(code="job_kind_unknown")
    job = Job.objects.create(
        kind=kind,
        label=(label or job_kind_label(kind))[:200],
        owner=actor.user,
        params=dict(params or {}),
        query=query,
    )
    if upload is not None:
        job.input_name = default_storage.save(f"jobs/{job.pk}/{_safe_name(upload_name)}", File(upload))
        job.save(update_fields=["input_name", "updated_at"])
    event_record(subject=job, action="job.queued", actor=actor, data={"kind": kind})
    transaction.on_commit(lambda: _enqueue_task(job.pk))
    return job


def _enqueue_task(job_id: int) -> None:
    from aftersales.core.tasks import job_run_task

    job_run_task.enqueue(job_id)


def _safe_name(name: str) -> str:
    keep = "".join(ch for ch in name.rsplit("/", 1)[-1] if ch.isalnum() or ch in "._-")
    return keep[-80:] or "file"


def export_job_open(
    *, actor: Actor, kind: str, label: str, params: Mapping[str, Any], query: bytes | None = None
) -> tuple[Job, bool]:
    """The actor's export of the same list and filters already waiting or running, or a new one.

    Export links are GETs: a second click, or a reload, then shows the first job instead of starting
    another. Returns (job, created).
    """
    same = Job.objects.filter(owner=actor.user, kind=kind, state__in=(S.QUEUED, S.RUNNING), params=dict(params)).first()
    if same is not None:
        return same, False
    return job_enqueue(actor=actor, kind=kind, label=label, params=params, query=query), True


# --- running -------------------------------------------------------------------------------------


def job_run(job_id: int) -> str:
    """Run a queued job once: claim it, run its kind, end it done or failed. Returns the final state.

    A job already claimed (the task delivered twice) or ended is left alone. A DomainError ends the
    job failed with its message (a file that is not a workbook, a permission withdrawn); any other
    error too, with a general message, and is logged.
    """
    from aftersales.core.access import SYSTEM

    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state != S.QUEUED:
            return job.state if job is not None else ""
        job.started_at = timezone.now()
        transition(job, to=S.RUNNING, table=JOB_TRANSITIONS, actor=SYSTEM, extra_update_fields=("started_at",))
    progress = JobProgress(job)
    kind = _KINDS.get(job.kind)
    try:
        if kind is None:
            raise DomainError(_("This kind of job is not known to this installation."), code="job_kind_unknown")
        outcome = kind.run(job, progress)
    except DomainError as exc:
        return _end(job, S.FAILED, error=str(exc.message))
    except Exception:
        log.exception("background job %s failed", job.pk)
        return _end(job, S.FAILED, error=_("The job stopped on an unexpected error; nothing was changed by it."))
    return _end(job, S.DONE, outcome=outcome)


def _end(job: Job, state: str, *, outcome: JobOutcome | None = None, error: str = "") -> str:
    from aftersales.core.access import SYSTEM

    result_name = report_name = ""
    if outcome is not None and outcome.file is not None:
        name = _safe_name(outcome.file_name or "result.xlsx")
        with outcome.file:
            result_name = default_storage.save(f"jobs/{job.pk}/{name}", File(outcome.file))
    result = dict(outcome.result) if outcome is not None else {}
    report = outcome.report if outcome is not None else None
    if report is not None:
        refused = sorted({error["row"] for error in report.errors})
        result.setdefault("rows", report.rows)
        result.setdefault("created", report.created)
        result["refused"] = len(refused)
        result["problems"] = len(report.errors)
        result["errors"] = report.errors[:ERRORS_SHOWN]
        if report.errors:
            content = xlsx_bytes(
                _("Refused rows"),
                [_("Row"), _("Column"), _("Problem")],
                ([e["row"], e["column"], e["message"]] for e in report.errors),
            )
            report_name = default_storage.save(f"jobs/{job.pk}/{REPORT_FILE_NAME}", ContentFile(content))
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        locked.done, locked.total, locked.stage = job.done, job.total, job.stage
        if state == S.DONE:
            locked.done = max(locked.done, locked.total)
        locked.result, locked.error = result, error
        locked.result_name, locked.report_name = result_name, report_name
        locked.finished_at = timezone.now()
        transition(
            locked,
            to=state,
            table=JOB_TRANSITIONS,
            actor=SYSTEM,
            extra_update_fields=(
                "done",
                "total",
                "stage",
                "result",
                "error",
                "result_name",
                "report_name",
                "finished_at",
            ),
            data={"kind": locked.kind, **({"error": error} if error else {})},
        )
    job_finished.send(sender=Job, job=locked)
    return state


# --- reading -------------------------------------------------------------------------------------


def job_may_see(actor: Actor, job: Job) -> bool:
    user = actor.user
    return bool(
        actor.is_authenticated
        and (job.owner_id == actor.pk or getattr(user, "is_superuser", False) or actor.has_role("admin"))
    )


def job_get(actor: Actor, job_id: int) -> Job:
    """The job, if the actor owns it or is an administrator. Raises: NotFound (missing and not yours alike)."""
    job = Job.objects.filter(pk=job_id).select_related("owner").first()
    if job is None or not job_may_see(actor, job):
        raise NotFound(code="job_not_found")
    return job


def job_list(actor: Actor) -> QuerySet[Job]:
    """The actor's own jobs, newest first."""
    return Job.objects.filter(owner_id=actor.pk).order_by("-created_at", "-pk")


JOB_FILES = ("result", "report")


def job_file(actor: Actor, job_id: int, which: str) -> tuple[IO[bytes], str]:
    """An ended job's result file or refused-rows report, opened, with its download name.

    Raises: NotFound (not the actor's, or no such file).
    """
    job = job_get(actor, job_id)
    name = {"result": job.result_name, "report": job.report_name}.get(which, "")
    if not name or not default_storage.exists(name):
        raise NotFound(code="job_file_not_found")
    download = job.params.get("file_name") if which == "result" else REPORT_FILE_NAME
    return default_storage.open(name, "rb"), str(download or name.rsplit("/", 1)[-1])


def job_percent(job: Job) -> int:
    if job.state == S.DONE:
        return 100
    return int(job.done * 100 / job.total) if job.total else 0


# --- clean-up ------------------------------------------------------------------------------------


def job_files_retention() -> dt.timedelta:
    """How long an ended job keeps its files (settings.AFTERSALES_JOB_FILES_RETENTION, default 7 days)."""
    value = getattr(settings, "AFTERSALES_JOB_FILES_RETENTION", dt.timedelta(days=7))
    return value if isinstance(value, dt.timedelta) else dt.timedelta(days=float(value))


def job_files_purge(*, now: dt.datetime | None = None) -> int:
    """Remove the files (upload, result, refused-rows report) of jobs that ended more than the retention
    period ago; the job row, its counts and its history stay. Idempotent (a periodic job, daily).
    Returns how many jobs lost their files. Events: job.files_removed on each."""
    from aftersales.core.access import SYSTEM
    from aftersales.core.events import event_record

    cutoff = (now or timezone.now()) - job_files_retention()
    ended = Job.objects.filter(state__in=(S.DONE, S.FAILED), finished_at__lt=cutoff).exclude(
        input_name="", result_name="", report_name=""
    )
    purged = 0
    for job in ended.order_by("pk").iterator(chunk_size=500):
        names = [name for name in (job.input_name, job.result_name, job.report_name) if name]
        for name in names:
            default_storage.delete(name)  # a file already gone is no error
        with transaction.atomic():
            Job.objects.filter(pk=job.pk).update(input_name="", result_name="", report_name="")
            event_record(subject=job, action="job.files_removed", actor=SYSTEM, data={"files": len(names)})
        purged += 1
    return purged


def job_states_running() -> Sequence[str]:
    return (S.QUEUED, S.RUNNING)
