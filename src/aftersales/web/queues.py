"""The home page's work queues (issue 13): per role, what waits for the user, counted.

Each queue is shown only to those who work it (their rights, accounts/permissions.py) and links to
the list that shows exactly its rows (the same selector, the same filter). Every count is one
indexed COUNT over at most CAP + 1 rows (`SELECT COUNT(*) FROM (… LIMIT 1000)`), so a queue of a
million rows costs what a queue of a thousand does; above CAP the page shows "999+". The indexes
each count relies on are named next to it (docs/decisions/0016-work-queues-and-hand-offs.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aftersales.approvals.selectors import MINE_WAITING, approval_list
from aftersales.callbacks.selectors import callback_queue
from aftersales.clocks.choices import ClockState
from aftersales.clocks.models import Clock
from aftersales.complaints.choices import ComplaintState
from aftersales.complaints.selectors import complaint_list, task_list
from aftersales.consultations.selectors import my_followups_due
from aftersales.core.access import Actor
from aftersales.customers.selectors.visits import has_visit_plans, visits_due
from aftersales.parts.flow import selectors as parts_flow_selectors
from aftersales.parts.flow.choices import PartReturnState, PurchaseRequestState, RequisitionState
from aftersales.policies.selectors import policy_get
from aftersales.reports import period_reports as report_periods
from aftersales.reports import selectors as report_selectors
from aftersales.reports import warnings as report_warnings
from aftersales.service import selectors as service_selectors
from aftersales.service.choices import Priority, RequestState
from aftersales.training import selectors as training_selectors

CAP = 999
REQUEST_TYPE = "service.servicerequest"
COMPLAINT_TYPE = "complaints.complaint"


@dataclass(frozen=True)
class Queue:
    """One tile of the panel: how many rows wait, how urgent (tone), where they are listed."""

    key: str
    label: Promise
    count: int
    url: str
    tone: str = "secondary"  # danger (overdue / urgent), warning (waiting, at risk), primary, secondary (empty)
    hint: str = ""
    icon: str = "inbox"

    @property
    def shown(self) -> str:
        return f"{CAP}+" if self.count > CAP else str(self.count)


def _count(qs: QuerySet[Any]) -> int:
    """COUNT(*) over at most CAP + 1 rows, ordering dropped (one indexed range scan)."""
    return qs.order_by()[: CAP + 1].count()


def _distinct_subjects(qs: QuerySet[Clock]) -> int:
    return qs.order_by().values("subject_id").distinct()[: CAP + 1].count()


def _url(name: str, **params: Any) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(params)}" if params else url


def _tone(count: int, *, danger: bool = False, busy: str = "warning") -> str:
    if danger:
        return "danger"
    return busy if count else "secondary"


def _running() -> QuerySet[Clock]:
    return Clock.objects.filter(state=ClockState.RUNNING)


def _my_jobs(actor: Actor, now: dt.datetime) -> Queue:
    # sr_engineer_idx (engineer, open, visit_at) for the jobs (at most CAP + 1 ids).
    ids = [str(pk) for pk in service_selectors.engineer_jobs(actor).order_by().values_list("pk", flat=True)[: CAP + 1]]
    jobs = len(ids)
    # Per job, whether a running clock is past its due time (late) or its warning time (warned): counted
    # in the database, one row per such job only. No `state` term outside the counts: the query stays on
    # clock_subject_idx (subject_type, subject_id), one probe per job, where a state term had SQLite
    # range over everybody's running clocks (clock_state_type_due_idx); reading every clock of the jobs
    # instead (~700 rows at 230 open jobs) spent most of the engineer's home page converting their times.
    running = Q(state=ClockState.RUNNING)
    flagged = (
        Clock.objects.filter(subject_type=REQUEST_TYPE, subject_id__in=ids)
        .order_by()
        .values("subject_id")
        .annotate(
            late=Count("pk", filter=running & Q(due_at__lte=now)),
            warned=Count("pk", filter=running & Q(warn_at__lte=now)),
        )
        .filter(Q(late__gt=0) | Q(warned__gt=0))
        .values_list("late", flat=True)
    )
    flags = list(flagged) if ids else []
    breached = sum(1 for late in flags if late)
    at_risk = len(flags) - breached  # warned, none yet due
    hints = []
    if breached:
        hints.append(ngettext("%(n)s overdue", "%(n)s overdue", breached) % {"n": breached})
    if at_risk:
        hints.append(ngettext("%(n)s at risk", "%(n)s at risk", at_risk) % {"n": at_risk})
    return Queue(
        "my_jobs",
        _("My jobs"),
        jobs,
        _url("service:engineer_jobs"),
        tone="danger" if breached else ("warning" if at_risk else _tone(jobs, busy="primary")),
        hint=" · ".join(hints),
        icon="phone",
    )


def _dispatch(actor: Actor, now: dt.datetime) -> list[Queue]:
    # sr_board_idx (open, state, carried_over_on, received_at): both counts are ranges of it.
    carried_qs, new_qs = service_selectors.dispatch_board_queries(actor)
    new = _count(new_qs)
    urgent = _count(new_qs.filter(priority=Priority.URGENT)) if new else 0
    carried = _count(carried_qs)
    board = _url("service:board")
    return [
        Queue(
            "to_dispatch",
            _("To dispatch"),
            new,
            board,
            tone=_tone(new, danger=urgent > 0),
            hint=ngettext("%(n)s urgent", "%(n)s urgent", urgent) % {"n": urgent} if urgent else "",
            icon="kanban",
        ),
        Queue(
            "carried_over",
            _("Carried over from an earlier day"),
            carried,
            board,
            tone=_tone(carried, danger=carried > 0),
            icon="hourglass-split",
        ),
    ]


def _countersign(actor: Actor) -> Queue:
    # sr_board_idx (open, state): the signed requests are one range of it.
    qs = service_selectors.service_request_scope(actor).filter(open__in=[True], state=RequestState.SIGNED)
    n = _count(qs)
    return Queue(
        "to_countersign",
        _("To countersign"),
        n,
        _url("service:request_list", state=RequestState.SIGNED),
        tone=_tone(n),
        icon="pen",
    )


def _approvals(actor: Actor) -> Queue | None:
    if actor.has_perm("approvals.view_approval"):
        # approvals: pending ones by role/right (small table; approval_state_idx where present).
        n = _count(approval_list(actor, mine=MINE_WAITING))
        return Queue(
            "approvals",
            _("Approvals waiting for me"),
            n,
            _url("approvals:approval_queue"),
            tone=_tone(n),
            icon="check2-square",
        )
    if actor.has_perm("service.approve_servicerequest") and actor.has_perm("service.dispatch_servicerequest"):
        n = _count(service_selectors.approval_pending_list(actor))
        return Queue(
            "approvals", _("Approvals waiting for me"), n, _url("service:board"), tone=_tone(n), icon="check2-square"
        )
    return None


def _overdue(actor: Actor, now: dt.datetime) -> list[Queue]:
    """Records with a running clock past due, and (hint) those with one past its warning time.

    clock_state_due_idx (state, due_at) for the overdue range; clocks_clock.warn_at's index for the
    at-risk one. The count is of distinct records: the list (?overdue=on) shows one row per record."""
    out = []
    running = _running()
    for key, subject_type, perm, label, url in (
        (
            "requests_overdue",
            REQUEST_TYPE,
            "service.view_servicerequest",
            _("Requests overdue"),
            "service:request_list",
        ),
        (
            "complaints_overdue",
            COMPLAINT_TYPE,
            "complaints.view_complaint",
            _("Complaints overdue"),
            "complaints:complaint_list",
        ),
    ):
        if not actor.has_perm(perm):
            continue
        clocks = running.filter(subject_type=subject_type)
        n = _distinct_subjects(clocks.filter(due_at__lte=now))
        at_risk = _distinct_subjects(clocks.filter(warn_at__lte=now, due_at__gt=now))
        out.append(
            Queue(
                key,
                label,
                n,
                _url(url, overdue="on"),
                tone=_tone(n, danger=n > 0),
                hint=ngettext("%(n)s more at risk", "%(n)s more at risk", at_risk) % {"n": at_risk} if at_risk else "",
                icon="alarm",
            )
        )
    return out


def _complaints(actor: Actor) -> list[Queue]:
    # complaint_state_idx (state, received_at).
    out = []
    if actor.has_perm("complaints.handle_complaint"):
        n = _count(complaint_list(actor, state=ComplaintState.REGISTERED))
        out.append(
            Queue(
                "complaints_to_contact",
                _("Complaints to contact"),
                n,
                _url("complaints:complaint_list", state=ComplaintState.REGISTERED),
                tone=_tone(n),
                icon="megaphone",
            )
        )
    if actor.has_perm("complaints.head_complaint"):
        n = _count(complaint_list(actor, state=ComplaintState.ESCALATED))
        out.append(
            Queue(
                "complaints_escalated",
                _("Complaints escalated to me"),
                n,
                _url("complaints:complaint_list", state=ComplaintState.ESCALATED),
                tone=_tone(n),
                icon="arrow-up-circle",
            )
        )
    return out


def _followup(actor: Actor, now: dt.datetime) -> Queue:
    # complaint_task_assignee_idx (assignee, done_at).
    qs = task_list(actor, mine=True, open_only=True)
    n = _count(qs)
    late = _count(qs.filter(due_at__lte=now)) if n else 0
    return Queue(
        "followup_due",
        _("Callbacks and follow-up tasks"),
        n,
        _url("complaints:task_list"),
        tone=_tone(n, danger=late > 0),
        hint=ngettext("%(n)s overdue", "%(n)s overdue", late) % {"n": late} if late else "",
        icon="telephone-outbound",
    )


def _callbacks(actor: Actor, now: dt.datetime) -> Queue:
    # callback_queue_idx (state, due_at, id)
    qs = callback_queue(actor, today=timezone.localdate(now))
    n = _count(qs)
    late = _count(qs.filter(due_at__lte=now)) if n else 0
    return Queue(
        "callbacks_due",
        _("Callbacks to make"),
        n,
        _url("callbacks:queue"),
        tone=_tone(n, danger=late > 0),
        hint=ngettext("%(n)s overdue", "%(n)s overdue", late) % {"n": late} if late else "",
        icon="telephone",
    )


def _consultation_followups(actor: Actor, now: dt.datetime) -> Queue:
    # consult_followup_queue_idx (assignee, state, due_on)
    n = _count(my_followups_due(actor, today=timezone.localdate(now)))
    return Queue(
        "consultation_followups_due",
        _("Enquiries to call back"),
        n,
        _url("consultations:followups"),
        tone=_tone(n),
        icon="chat-left-dots",
    )


def _training(actor: Actor, now: dt.datetime) -> list[Queue]:
    """T2: planned customer trainings whose day has come (record them); certificates expiring soon."""
    today = timezone.localdate(now)
    out = []
    if actor.has_perm("training.change_customertraining"):
        n = _count(training_selectors.trainings_to_record(actor, today=today))
        out.append(
            Queue(
                "trainings_to_record",
                _("Customer trainings to record"),
                n,
                _url("training:customer_list", state="planned"),
                tone=_tone(n),
                icon="easel",
            )
        )
    if actor.has_perm("training.add_assessment"):
        days = int(policy_get("T2.expiry_notice_days").value)
        expiring = training_selectors.certificate_list(actor, expiring_by=today + dt.timedelta(days=days))
        n = _count(expiring.filter(expires_on__gte=today))
        out.append(
            Queue(
                "certificates_expiring",
                _("Certificates expiring soon"),
                n,
                _url("training:certificates", expiring="on"),
                tone=_tone(n),
                icon="award",
            )
        )
    return out


def _visits(actor: Actor, now: dt.datetime) -> Queue:
    # visit_item_due_idx (done, month_start); the owner's plans are few.
    today = timezone.localdate(now)
    qs = visits_due(actor, today=today)
    n = _count(qs)
    late = _count(qs.filter(month_start__lt=today.replace(day=1))) if n else 0
    return Queue(
        "visits_due",
        _("Customer visits due this month"),
        n,
        _url("customers:visit_plans"),
        tone=_tone(n, danger=late > 0),
        hint=ngettext("%(n)s from earlier months", "%(n)s from earlier months", late) % {"n": late} if late else "",
        icon="geo-alt",
    )


def _depot(actor: Actor) -> Queue:
    # sr_board_idx (open, state): `open__in` lets SQLite seek it (see dispatch_board_queries).
    n = _count(service_selectors.depot_waiting_requests(actor).filter(open__in=[True]))
    return Queue(
        "depot_to_receive",
        _("Units to receive at the depot"),
        n,
        _url("service:depot_register"),
        tone=_tone(n),
        icon="tools",
    )


def _figures(actor: Actor) -> list[Queue]:
    """Issue 16: the month's figures on the home of those who read the statistics (from the day counts)."""
    today = timezone.localdate()
    start = today.replace(day=1)
    received = report_selectors.request_statistics(actor, date_from=start, date_to=today, by="channel").total
    params = {"date_from": start, "date_to": today}
    return [
        Queue(
            "figures_received",
            _("Service requests received this month"),
            received,
            _url("reports:statistics", **params),
            tone="primary",
            icon="bar-chart",
        ),
        Queue(
            "figures_dashboard",
            _("Open requests (dashboard)"),
            sum(row["count"] for row in report_selectors.backlog_by_service_point(actor)),
            _url("reports:dashboard"),
            tone="primary",
            icon="speedometer2",
        ),
    ]


def _parts(actor: Actor, now: dt.datetime) -> list[Queue]:
    """The parts keeper's day (P2, P4, P5): requisitions to approve and to issue, old parts to receive,
    reorder alerts; an engineer's own old parts to send back; logistics' approved purchase requests.
    parts_req_state_idx (state, created_at), parts_return_state_due_idx / parts_return_engineer_idx (…,
    state, due_at), parts_reorder_open_idx (open, created_at), parts_purchase_state_idx."""
    out: list[Queue] = []
    if actor.has_perm("parts.approve_requisition") and actor.has_perm("approvals.view_approval"):
        n = _count(approval_list(actor, kind="requisition", mine=MINE_WAITING))
        out.append(
            Queue(
                "requisitions_to_approve",
                _("Requisitions to approve"),
                n,
                _url("approvals:approval_queue"),
                tone=_tone(n),
                icon="clipboard-check",
            )
        )
    if actor.has_perm("parts.issue_requisition"):
        n = _count(parts_flow_selectors.requisition_list(actor, state=RequisitionState.APPROVED))
        out.append(
            Queue(
                "requisitions_to_issue",
                _("Requisitions to issue"),
                n,
                _url("parts_flow:requisition_list", state=RequisitionState.APPROVED),
                tone=_tone(n),
                icon="box-arrow-right",
            )
        )
    engineer = actor.has_perm("service.work_servicerequest") and not actor.has_perm("parts.issue_requisition")
    if engineer and actor.has_perm("parts.add_requisition"):
        # the engineer's own requisitions (requested, approved, on the way): the way to the list and its form
        qs = parts_flow_selectors.requisition_list(actor).filter(
            state__in=[RequisitionState.REQUESTED, RequisitionState.APPROVED, RequisitionState.ISSUED]
        )
        n = _count(qs)
        arriving = _count(qs.filter(state=RequisitionState.ISSUED)) if n else 0
        out.append(
            Queue(
                "my_requisitions",
                _("My parts requisitions"),
                n,
                _url("parts_flow:requisition_list"),
                tone=_tone(n, busy="primary"),
                hint=ngettext("%(n)s on the way", "%(n)s on the way", arriving) % {"n": arriving} if arriving else "",
                icon="clipboard-check",
            )
        )
    if actor.has_perm("parts.receive_partreturn") or actor.has_perm("service.work_servicerequest"):
        keeper = actor.has_perm("parts.receive_partreturn")
        owed = parts_flow_selectors.part_return_list(actor, state=PartReturnState.OUTSTANDING)
        n = _count(owed)
        late = _count(owed.filter(due_at__lte=now)) if n else 0
        out.append(
            Queue(
                "old_parts_to_receive" if keeper else "old_parts_to_return",
                _("Old parts to receive") if keeper else _("My old parts to send back"),
                n,
                _url("parts_flow:part_return_list", state=PartReturnState.OUTSTANDING),
                tone=_tone(n, danger=late > 0),
                hint=ngettext("%(n)s overdue", "%(n)s overdue", late) % {"n": late} if late else "",
                icon="arrow-counterclockwise",
            )
        )
    if actor.has_perm("parts.view_reorderalert"):
        n = _count(parts_flow_selectors.reorder_alert_list(actor))
        out.append(
            Queue(
                "reorder_alerts",
                _("Parts under the reorder point"),
                n,
                _url("parts_flow:demand_plan"),
                tone=_tone(n, danger=n > 0),
                icon="exclamation-triangle",
            )
        )
    if actor.has_role("warehouse") and actor.has_perm("parts.view_purchaserequest"):
        n = _count(parts_flow_selectors.purchase_request_list(actor, state=PurchaseRequestState.APPROVED))
        out.append(
            Queue(
                "purchase_requests",
                _("Parts to purchase"),
                n,
                _url("parts_flow:purchase_request_list", state=PurchaseRequestState.APPROVED),
                tone=_tone(n, busy="primary"),
                icon="cart",
            )
        )
    return out


def _early_warnings(actor: Actor) -> Queue:
    """Q3: open early warnings of recurring problems, for quality (earlywarning_state_idx)."""
    n = _count(report_warnings.warning_list(actor, state="open"))
    return Queue(
        "early_warnings_open",
        _("Early warnings to close"),
        n,
        _url("reports:warnings", state="open"),
        tone=_tone(n, danger=n > 0),
        icon="exclamation-triangle",
    )


def _analysis_tables(actor: Actor) -> Queue:
    """Q1 distributed to manufacturing (docs/decisions/0040): the approved 统计分析表, newest first."""
    tables = report_periods.distributed_tables(actor)
    latest = tables.values_list("period", flat=True).first()
    return Queue(
        "analysis_tables_distributed",
        _("Statistical analysis tables received"),
        _count(tables),
        reverse("reports:period_reports", args=["analysis"]),
        tone="primary",
        hint=_("Latest: %(period)s") % {"period": latest} if latest is not None else "",
        icon="file-earmark-bar-graph",
    )


def home_queues(actor: Actor, *, now: dt.datetime | None = None) -> list[Queue]:
    """The actor's queues, in the order of their working day. Nothing for a portal user."""
    if not actor.is_authenticated or actor.has_role("customer"):
        return []
    now = now or timezone.now()
    queues: list[Queue] = []
    if actor.has_perm("service.work_servicerequest"):
        queues.append(_my_jobs(actor, now))
    if actor.has_perm("service.dispatch_servicerequest"):
        queues += _dispatch(actor, now)
    if actor.has_perm("service.close_servicerequest"):
        queues.append(_countersign(actor))
    approvals = _approvals(actor)
    if approvals is not None:
        queues.append(approvals)
    if actor.has_perm("clocks.view_all_clocks"):
        queues += _overdue(actor, now)
    queues += _complaints(actor)
    if actor.has_perm("complaints.view_followuptask") and actor.has_perm("complaints.change_followuptask"):
        queues.append(_followup(actor, now))
    if actor.has_perm("callbacks.change_callback"):
        queues.append(_callbacks(actor, now))
    if actor.has_perm("consultations.change_consultation"):
        queues.append(_consultation_followups(actor, now))
    queues += _training(actor, now)
    if actor.has_perm("service.depot_servicerequest"):
        queues.append(_depot(actor))
    if actor.has_perm("customers.add_visitreport") and has_visit_plans(actor):  # C7: those who plan visits
        queues.append(_visits(actor, now))
    if actor.has_perm(report_selectors.VIEW_PERM):
        queues += _figures(actor)
    queues += _parts(actor, now)
    if actor.has_perm(report_warnings.CLOSE_PERM):
        queues.append(_early_warnings(actor))
    if actor.has_perm(report_periods.DISTRIBUTED_PERM):
        queues.append(_analysis_tables(actor))
    return queues
