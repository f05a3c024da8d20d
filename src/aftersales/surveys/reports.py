"""V5 顾客满意度分析报告: generated per campaign and month, due by V5.report_day of the next month,
sent to the management representative and quality. The snapshot is what was reported (it never moves).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.selectors import user_list_with_role
from aftersales.calendars.selectors import CN
from aftersales.clocks.choices import ClockKind
from aftersales.clocks.services import ClockSpec, clock_stop_for, clocks_start
from aftersales.complaints.models import Complaint
from aftersales.core.access import SYSTEM, Actor
from aftersales.core.errors import NotFound
from aftersales.core.events import EventDraft
from aftersales.core.workflow import transition
from aftersales.notifications.services import notify_users
from aftersales.policies.selectors import policy_snapshot
from aftersales.surveys import events
from aftersales.surveys.choices import Grade, ReportState
from aftersales.surveys.models import AnalysisReport, Campaign, Response
from aftersales.surveys.scoring import Rules, campaign_result, response_score
from aftersales.surveys.selectors import report_list, result_as_dict, result_explanation
from aftersales.surveys.transitions import REPORT_TRANSITIONS

RECIPIENT_ROLES = ("mgmt_rep", "quality")
LIST_LIMIT = 200


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(month.replace(day=1), dt.time(0, 0)))
    nxt = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return start, timezone.make_aware(dt.datetime.combine(nxt, dt.time(0, 0)))


def _snapshot(campaign: Campaign, month: dt.date) -> dict[str, Any]:
    start, end = month_bounds(month)
    rules = Rules.from_json(campaign.rules)
    rows = list(
        Response.objects.filter(campaign=campaign, created_at__lt=end).values_list(
            "answers", "products", "comment", "customer__name", "grade", "created_at"
        )
    )
    result = campaign_result(
        sent=campaign.sent, responses=((response_score(a, rules).value, p) for a, p, *_rest in rows), rules=rules
    )
    previous = (
        AnalysisReport.objects.filter(month__lt=month.replace(day=1))
        .exclude(campaign=campaign, month=month)
        .order_by("-month", "-id")
        .values("snapshot", "month")
        .first()
    )
    prev_result = (previous or {}).get("snapshot", {}).get("result") if previous else None
    complaints = Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
    by_class = {
        row["complaint_class"]: row["n"] for row in complaints.values("complaint_class").annotate(n=Count("id"))
    }
    feedback = [
        {"customer": name, "comment": comment, "grade": grade, "at": at.isoformat()}
        for _a, _p, comment, name, grade, at in rows
        if comment and start <= at < end
    ][:LIST_LIMIT]
    dissatisfied = sum(1 for *_x, grade, at in rows if grade == Grade.DISSATISFIED and start <= at < end)
    return {
        "campaign": {"id": campaign.pk, "title": campaign.title, "period": campaign.period},
        "month": month.strftime("%Y-%m"),
        "result": result_as_dict(result),
        "explanation": result_explanation(campaign, result),
        "previous": {"month": previous["month"].strftime("%Y-%m"), "result": prev_result} if previous else None,
        "complaints": {
            "count": complaints.count(),
            "by_class": by_class,
            "items": [
                {"number": c.number, "customer": c.customer.name, "class": c.complaint_class, "state": c.state}
                for c in complaints.select_related("customer").order_by("received_at")[:LIST_LIMIT]
            ],
        },
        "feedback": feedback,
        "dissatisfied_responses": dissatisfied,
        "generated_at": timezone.now().isoformat(),
        "policy_version": campaign.policy_version,
    }


def _due_at(month: dt.date, day: int) -> dt.datetime:
    nxt = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return timezone.make_aware(dt.datetime.combine(nxt.replace(day=day), dt.time(23, 59, 59)))


def reports_generate(
    *, month: dt.date, actor: Actor = SYSTEM, progress: Callable[[int, int, str], None] | None = None
) -> list[AnalysisReport]:
    """V5: one report per campaign with answers by the end of `month` (not yet reported for it), with its
    clock due on V5.report_day of the next month. Idempotent (one report per campaign and month; a
    campaign's report is written in its own transaction, so a run stopped half-way keeps what it made and
    the next run makes the rest). `progress(done, total, stage)` is told after each campaign (the
    background job's page, docs/decisions/0025).
    Rule: V5. Events: survey.report_generated, clock.started.
    """
    month = month.replace(day=1)
    _start, end = month_bounds(month)
    policies = policy_snapshot()
    day = policies.get("V5.report_day")
    due = _due_at(month, day.value)
    done = set(AnalysisReport.objects.filter(month=month).values_list("campaign_id", flat=True))
    campaigns = list(
        Campaign.objects.filter(created_at__lt=end, responses__isnull=False)
        .exclude(pk__in=done)
        .distinct()
        .order_by("pk")
    )
    made = []
    now = timezone.now()
    if progress is not None:
        progress(0, len(campaigns), "building")
    for index, campaign in enumerate(campaigns, start=1):
        with transaction.atomic():
            if AnalysisReport.objects.filter(campaign=campaign, month=month).exists():
                continue  # made meanwhile by another run
            report = AnalysisReport.objects.create(
                campaign=campaign, month=month, due_at=due, snapshot=_snapshot(campaign, month)
            )
            hours = max(1, int((due - now).total_seconds() // 3600))
            clocks_start(
                subject=report,
                specs=[ClockSpec(kind=ClockKind.SATISFACTION_REPORT, rule="V5", target=hours, unit="hours")],
                calendar_code=CN,
                actor=actor,
                policies=policies,
                events_before=[
                    EventDraft(
                        subject=report,
                        action=events.REPORT_GENERATED,
                        actor=actor,
                        rule="V5",
                        policy_version=day.version,
                        data={"campaign": campaign.pk, "month": month.strftime("%Y-%m"), "due_at": due.isoformat()},
                    )
                ],
            )
        made.append(report)
        if progress is not None:
            progress(index, len(campaigns), "building")
    analysts = list(user_list_with_role("analyst"))
    if made and analysts:
        notify_users(
            users=analysts,
            title=_("Satisfaction analysis reports to send"),
            body=_("%(n)s reports for %(month)s are due by %(due)s.")
            % {"n": len(made), "month": month.strftime("%Y-%m"), "due": due.date().isoformat()},
            url="/surveys/reports/",
            rule="V5",
        )
    return made


@transaction.atomic
def report_send(*, actor: Actor, report_id: int) -> AnalysisReport:
    """V5: send the report to the management representative and quality; its clock stops.
    Raises: PermissionDenied, NotFound, Conflict. Events: analysisreport.sent, clock.stopped."""
    actor.require_perm("surveys.add_campaign")
    report = report_list(actor).select_for_update(of=("self",)).filter(pk=report_id).first()
    if report is None:
        raise NotFound()
    report.sent_at, report.sent_by = timezone.now(), actor.user
    transition(
        report, to=ReportState.SENT, table=REPORT_TRANSITIONS, actor=actor, extra_update_fields=("sent_at", "sent_by")
    )
    clock_stop_for(subject=report, kind=ClockKind.SATISFACTION_REPORT, actor=actor)
    users = [u for role in RECIPIENT_ROLES for u in user_list_with_role(role)]
    result = report.snapshot.get("result", {})
    notify_users(
        users=users,
        title=_("Satisfaction analysis report %(month)s") % {"month": report.month.strftime("%Y-%m")},
        body=_("%(title)s: S = %(score)s (%(grade)s).")
        % {"title": report.campaign.title, "score": result.get("score"), "grade": result.get("grade")},
        url=f"/surveys/reports/{report.pk}/",
        rule="V5",
    )
    return report


def score_change(now: float | None, before: float | None) -> Decimal | None:
    if now is None or before is None:
        return None
    return (Decimal(str(now)) - Decimal(str(before))).quantize(Decimal("0.01"))
