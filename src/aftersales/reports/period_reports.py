"""Q1 统计分析表, Q2 weekly report, Q5 monthly staff appraisal: drafted, submitted, approved, distributed.

A PeriodReport holds its figures as a stored snapshot (reports.figures), computed when it is drafted and
refreshed while it is a draft; submitting fixes them. The statistical analysis table and the appraisal
are then approved by the head of after-sales through the one approvals engine (kind period_report,
whose handler `report_approval_decided` moves the report) and, once approved, the analysis table is
distributed to quality, R&D (technical) and manufacturing with a notification. The weekly report is
issued as generated (no approval). Scheduled drafting (reports.tasks) is idempotent: a period already
reported is left alone. docs/decisions/0037.

draft → submitted → approved (analysis, appraisal); submitted → draft on a refusal; weekly: issued.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.selectors import user_list_with_role
from aftersales.approvals.selectors import pending_approvals_lock
from aftersales.approvals.services import Approval, ApprovalKind, ApprovalState, approval_decide, approval_request
from aftersales.core.access import SYSTEM, Actor
from aftersales.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.events import event_record, register_action_labels
from aftersales.core.workflow import expect_transition, expect_version, versioned_transition
from aftersales.notifications.services import notify_users
from aftersales.reports import figures
from aftersales.reports.models import PeriodReport, PeriodReportKind, PeriodReportState

K = PeriodReportKind
S = PeriodReportState
VIEW_PERM = "reports.view_statistics"
APPRAISAL_PERM = "reports.view_appraisal"
# The departments the approved Q1 table is sent to without the statistics (manufacturing): approved tables only.
DISTRIBUTED_PERM = "reports.view_analysistable"
DRAFT_PERM = "reports.draft_periodreport"
APPROVER_ROLE = "cs_manager"  # 客户服务中心经理 / 售后服务部部长 approves (002 §5.1.10)
# 报送质量管理部、技术部、制造本部 (002 §5.1.10): quality, R&D and manufacturing (docs/decisions/0040).
RECIPIENT_ROLES: dict[str, tuple[str, ...]] = {
    K.ANALYSIS: ("quality", "rnd", "manufacturing"),
    K.APPRAISAL: ("cs_manager", "team_lead"),
    K.WEEKLY: ("cs_manager", "analyst"),
}
DRAFT_READERS = ("analyst", "cs_manager")  # told when a scheduled draft is ready to check and submit
RULE: dict[str, str] = {K.ANALYSIS: "Q1", K.WEEKLY: "Q2", K.APPRAISAL: "Q5"}
NEEDS_APPROVAL = (K.ANALYSIS, K.APPRAISAL)
FIGURES: dict[str, Callable[[str], dict[str, Any]]] = {
    K.ANALYSIS: figures.analysis_figures,
    K.WEEKLY: figures.weekly_figures,
    K.APPRAISAL: figures.appraisal_figures,
}
DRAFTED, REFRESHED = "periodreport.drafted", "periodreport.refreshed"
register_action_labels(
    {
        DRAFTED: gettext_lazy("Report drafted"),
        REFRESHED: gettext_lazy("Report figures refreshed"),
        "periodreport.submitted": gettext_lazy("Report submitted for approval"),
        "periodreport.approved": gettext_lazy("Report approved and distributed"),
        "periodreport.draft": gettext_lazy("Report sent back to draft"),
    }
)


def transitions(kind: str) -> dict[str, dict[str, str]]:
    rule = RULE[kind]
    return {S.DRAFT: {S.SUBMITTED: rule}, S.SUBMITTED: {S.APPROVED: rule, S.DRAFT: rule}}


def period_bounds(kind: str, period: str) -> tuple[Any, Any]:
    """The first and last local day of the period ("YYYY-MM", or "YYYY-Www" for the weekly report).
    Raises: ValidationFailed (period_invalid)."""
    try:
        return figures.week_of(period) if kind == K.WEEKLY else figures.month_of(period)
    except (ValueError, TypeError, AttributeError):
        message = _("Give the week as YYYY-Www.") if kind == K.WEEKLY else _("Give the month as YYYY-MM.")
        raise ValidationFailed(message, code="period_invalid", fields={"period": [message]}) from None


# --- reading -----------------------------------------------------------------------------------------------


def _distributed_only(actor: Actor, kind: str) -> bool:
    """A reader of the distributed analysis tables only (manufacturing): approved tables, nothing else."""
    return kind == K.ANALYSIS and not actor.has_perm(VIEW_PERM) and actor.has_perm(DISTRIBUTED_PERM)


def may_view(actor: Actor, kind: str) -> bool:
    return actor.has_perm(APPRAISAL_PERM if kind == K.APPRAISAL else VIEW_PERM) or _distributed_only(actor, kind)


def report_list(actor: Actor, kind: str) -> QuerySet[PeriodReport]:
    """The reports of `kind`, newest period first (approved ones only for a reader of the distributed
    tables). Raises: PermissionDenied."""
    if not may_view(actor, kind):
        raise PermissionDenied()
    qs = PeriodReport.objects.filter(kind=kind)
    if _distributed_only(actor, kind):
        qs = qs.filter(state=S.APPROVED)
    return qs.select_related("approved_by").order_by("-date_from")


def distributed_tables(actor: Actor) -> QuerySet[PeriodReport]:
    """The approved analysis tables the actor receives, newest first (the home page). Raises: PermissionDenied."""
    return report_list(actor, K.ANALYSIS).filter(state=S.APPROVED)


def report_get(actor: Actor, kind: str, period: str, *, for_update: bool = False) -> PeriodReport:
    """Raises: PermissionDenied, NotFound."""
    qs = report_list(actor, kind)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    report = qs.filter(period=period).first()
    if report is None:
        raise NotFound(code="report_not_found")
    return report


# --- drafting ----------------------------------------------------------------------------------------------


def _may_draft(actor: Actor) -> None:
    if actor is not SYSTEM:
        actor.require_perm(DRAFT_PERM)


def _ended(kind: str, period: str) -> None:
    _start, end = period_bounds(kind, period)
    if end >= timezone.localdate():
        message = _("The period has not ended yet.")
        raise ValidationFailed(message, code="period_not_ended", fields={"period": [message]})


Progress = Callable[[int, int, str], None]


def _figures(kind: str, period: str, progress: Progress | None) -> dict[str, Any]:
    if progress is not None:
        progress(0, 2, _("Counting"))
    found = FIGURES[kind](period)
    if progress is not None:
        progress(1, 2, _("Storing"))
    return found


@transaction.atomic
def report_draft(
    *, actor: Actor, kind: str, period: str, refresh: bool = True, progress: Progress | None = None
) -> tuple[PeriodReport, bool]:
    """Draft the report of an ended period (created=True), or refresh a draft's figures (`refresh`);
    a submitted, approved or issued report is returned unchanged (its figures never move again).
    The weekly report is issued at once. Rule: Q1/Q2/Q5. Raises: PermissionDenied, ValidationFailed
    (period_invalid, period_not_ended). Events: periodreport.drafted / periodreport.refreshed."""
    _may_draft(actor)
    if kind not in K.values:
        raise NotFound(code="report_not_found")
    start, end = period_bounds(kind, period)
    _ended(kind, period)
    report = PeriodReport.objects.select_for_update().filter(kind=kind, period=period).first()
    if report is None:
        snapshot = _figures(kind, period, progress)
        try:
            with transaction.atomic():
                report = PeriodReport.objects.create(
                    kind=kind,
                    period=period,
                    date_from=start,
                    date_to=end,
                    state=S.ISSUED if kind == K.WEEKLY else S.DRAFT,
                    snapshot=snapshot,
                    generated_at=timezone.now(),
                    generated_by=actor.user,
                )
        except IntegrityError:  # drafted meanwhile by someone else: theirs stands
            return PeriodReport.objects.get(kind=kind, period=period), False
        event_record(subject=report, action=DRAFTED, actor=actor, rule=RULE[kind], data={"period": period})
        return report, True
    if refresh and report.state == S.DRAFT:
        report.snapshot = _figures(kind, period, progress)
        report.generated_at, report.generated_by = timezone.now(), actor.user
        report.version += 1
        report.save(update_fields=["snapshot", "generated_at", "generated_by", "version", "updated_at"])
        event_record(subject=report, action=REFRESHED, actor=actor, rule=RULE[kind], data={"period": period})
    return report, False


def report_draft_scheduled(kind: str, period: str, progress: Progress | None = None) -> PeriodReport | None:
    """The scheduled drafting (reports.tasks): the period's report once; None when it exists already
    (idempotent: a second run, a restart or a missed day changes nothing). The readers are told."""
    if PeriodReport.objects.filter(kind=kind, period=period).exists():
        return None
    report, created = report_draft(actor=SYSTEM, kind=kind, period=period, refresh=False, progress=progress)
    if created:
        _tell_ready(report)
    return report if created else None


def _title(report: PeriodReport) -> str:
    return f"{report.get_kind_display()} {report.period}"


def report_url(report: PeriodReport) -> str:
    from django.urls import reverse

    return reverse("reports:period_report", args=[report.kind, report.period])


def _tell_ready(report: PeriodReport) -> None:
    if report.state == S.ISSUED:
        roles, body = RECIPIENT_ROLES[report.kind], _("The report is ready.")
    else:
        roles, body = DRAFT_READERS, _("The draft is ready: check it and submit it for approval.")
    users = [u for role in roles for u in user_list_with_role(role)]
    notify_users(users=users, title=_title(report), body=body, url=report_url(report), rule=RULE[report.kind])


# --- submitting and deciding ----------------------------------------------------------------------------------------


def _version_message() -> str:
    return _("Someone else changed this report in the meantime (version %(theirs)s, yours %(yours)s). Reload it.")


@transaction.atomic
def report_submit(*, actor: Actor, kind: str, period: str, expected_version: int | None = None) -> PeriodReport:
    """Fix the draft's figures and ask the head of after-sales to approve them (approvals engine, kind
    period_report). Rule: Q1/Q5. Raises: PermissionDenied, NotFound, Conflict (invalid_transition,
    version_conflict). Events: periodreport.submitted, approval.requested."""
    _may_draft(actor)
    report = report_get(actor, kind, period, for_update=True)
    expect_version(report, expected_version, _version_message(), code="version_conflict")
    expect_transition(report, to=S.SUBMITTED, table=transitions(kind))
    report.submitted_by = actor.user
    versioned_transition(
        report, to=S.SUBMITTED, table=transitions(kind), actor=actor, fields=("submitted_by",), data={"period": period}
    )
    approval_request(
        actor=actor,
        subject=report,
        kind=ApprovalKind.PERIOD_REPORT,
        rule=RULE[kind],
        required_role=APPROVER_ROLE,
        note=_("%(title)s: please review and approve.") % {"title": _title(report)},
    )
    return report


@transaction.atomic
def report_draft_and_submit(*, actor: Actor, kind: str, period: str) -> tuple[PeriodReport, bool]:
    """Draft (or refresh) the period's report and submit it, as one: a refused submit leaves no draft
    behind. A report already submitted or decided is returned as it stands. Rule: Q1/Q5. Raises: as
    report_draft and report_submit."""
    report, created = report_draft(actor=actor, kind=kind, period=period)
    if report.state == S.DRAFT:
        report = report_submit(actor=actor, kind=kind, period=period)
    return report, created


@transaction.atomic
def report_decide(
    *, actor: Actor, kind: str, period: str, approve: bool = True, note: str = "", expected_version: int | None = None
) -> PeriodReport:
    """The head of after-sales approves (or sends back) a submitted report through the approvals engine;
    its handler moves the report. Rule: Q1/Q5. Raises: PermissionDenied (not the head; own_approval),
    NotFound, ValidationFailed (a refusal without its reason), Conflict (not submitted; version_conflict).
    Events: as report_approval_decided, and the approvals' own."""
    if _distributed_only(actor, kind):  # a receiving department reads, never decides
        raise PermissionDenied(_("The head of after-sales approves this report."))
    seen = report_get(actor, kind, period)
    if not actor.has_role(APPROVER_ROLE):
        raise PermissionDenied(_("The head of after-sales approves this report."))
    if not approve and not (note or "").strip():
        message = _("Say why the report goes back.")
        raise ValidationFailed(message, fields={"note": [message]})
    pending = pending_approvals_lock(seen, kind=ApprovalKind.PERIOD_REPORT)  # lock order: approval, report
    report = report_get(actor, kind, period, for_update=True)
    expect_version(report, expected_version, _version_message(), code="version_conflict")
    expect_transition(report, to=S.APPROVED if approve else S.DRAFT, table=transitions(kind))
    if not pending:
        raise Conflict(_("This report waits for no decision."), code="invalid_transition")
    approval_decide(actor=actor, approval_id=pending[0].pk, approve=approve, note=note)
    report.refresh_from_db()
    return report


def report_approval_decided(approval: Approval) -> None:
    """Approval handler (inside approval_decide's transaction): approved → the report is approved (its
    figures fixed for good) and distributed with a notification; refused → back to draft with the reason.
    Rule: Q1/Q5. Raises: ValidationFailed (a refusal without its reason). Events: periodreport.approved /
    periodreport.draft."""
    report = PeriodReport.objects.select_for_update().filter(pk=approval.subject_id).first()
    if report is None or report.state != S.SUBMITTED:
        return
    from aftersales.accounts.selectors import actor_for

    actor = actor_for(approval.decided_by)
    approve = approval.state == ApprovalState.APPROVED
    if not approve and not approval.decision_note.strip():
        message = _("Say why the report goes back.")
        raise ValidationFailed(message, fields={"note": [message]})
    report.note = approval.decision_note
    if approve:
        report.approved_by, report.approved_at = approval.decided_by, approval.decided_at
    versioned_transition(
        report,
        to=S.APPROVED if approve else S.DRAFT,
        table=transitions(report.kind),
        actor=actor,
        fields=("note", "approved_by", "approved_at"),
        data={"period": report.period, "approval": approval.pk, "note": report.note},
    )
    if approve:
        users = [u for role in RECIPIENT_ROLES[report.kind] for u in user_list_with_role(role)]
        notify_users(
            users=users,
            title=_title(report),
            body=_("Approved by %(who)s; the figures are attached to the page.") % {"who": actor.user},
            url=report_url(report),
            rule=RULE[report.kind],
        )
    else:
        drafter = [u for u in (report.submitted_by,) if u is not None]
        notify_users(
            users=drafter,
            title=_title(report),
            body=_("Sent back to draft: %(note)s") % {"note": report.note},
            url=report_url(report),
            rule=RULE[report.kind],
        )


def may_decide(actor: Actor, report: PeriodReport) -> bool:
    """Whether `actor` may approve or send back `report` now: a submitted report waiting for its approval,
    the head of after-sales, never the one who submitted it (Q1/Q5; report_decide enforces the same)."""
    return (
        report.state == S.SUBMITTED
        and actor.has_role(APPROVER_ROLE)
        and report.submitted_by_id != actor.pk
        and pending_approval(report)
    )


def pending_approval(report: PeriodReport) -> bool:
    return Approval.objects.filter(
        subject_type=report._meta.label_lower,
        subject_id=str(report.pk),
        kind=ApprovalKind.PERIOD_REPORT,
        state=ApprovalState.PENDING,
    ).exists()
