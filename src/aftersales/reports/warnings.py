"""Q3 early warning of recurring problems (000: 本月、本季、本年度连续出现的问题 … 预警分析).

Detection (a periodic task, idempotent): for each window (month, quarter, year) and for the period
containing the day and the one before it, the service requests received in the period are grouped
by product × fault symptom (the confirmed code, else the intake's: reports.facts) and by product ×
replaced part (reports.facts.part_key). A group with at least the window's threshold
(policy `Q3.warning_<window>`) of requests is a warning: one row per product × symptom/part ×
window × period, raised once (quality is notified) and updated with new cases on later runs.

A warning is closed with a linked corrective action (K14: an existing one, or one planned on the
warning, which then stands on no complaint) or with a reason. A closed warning still collects new
cases of its period but is not reopened: the action or reason covers the period.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.selectors import user_list_with_role
from aftersales.complaints.models import CorrectiveAction
from aftersales.complaints.services import (
    capa_done,
    capa_done_on_topic,
    capa_plan_on_topic,
    capa_verify,
    capa_verify_on_topic,
)
from aftersales.core.access import SYSTEM, Actor
from aftersales.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.events import event_record
from aftersales.installed_base.models import Product
from aftersales.notifications.services import notification_language, notify_users
from aftersales.policies.selectors import policy_get
from aftersales.reports import quality_events as events
from aftersales.reports.models import EarlyWarning, EarlyWarningCase, RequestFact
from aftersales.reports.quality_models import WarningKind, WarningState, WarningWindow
from aftersales.service.models import ServiceRequest

QUALITY_ROLE = "quality"
VIEW_PERM = "reports.view_statistics"
CLOSE_PERM = "reports.close_earlywarning"
CAPA_DONE_PERM = "complaints.change_correctiveaction"
CAPA_VERIFY_PERM = "complaints.verify_correctiveaction"
RAISED = events.WARNING_RAISED
CASES_ADDED = events.WARNING_CASES_ADDED
CLOSED = events.WARNING_CLOSED


# --- periods ------------------------------------------------------------------------------------------------


def period_of(window: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar month / quarter / year containing `day`: (first day, last day)."""
    if window == WarningWindow.MONTH:
        start = day.replace(day=1)
        months = 1
    elif window == WarningWindow.QUARTER:
        start = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        months = 3
    elif window == WarningWindow.YEAR:
        start = dt.date(day.year, 1, 1)
        months = 12
    else:
        raise ValueError(window)
    month = start.month - 1 + months
    after = dt.date(start.year + month // 12, month % 12 + 1, 1)
    return start, after - dt.timedelta(days=1)


def threshold_of(window: str, at: dt.datetime | None = None) -> int:
    return int(policy_get(f"Q3.warning_{window}", at=at).value)


# --- detection ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    kind: str
    product_id: int
    symptom_id: int | None = None
    part_key: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.product_id}:{self.symptom_id if self.kind == WarningKind.SYMPTOM else self.part_key}"


@dataclass
class Detection:
    raised: int = 0
    updated: int = 0


def _groups(start: dt.date, end: dt.date, threshold: int) -> dict[Group, tuple[set[int], str]]:
    """Groups of the period reaching the threshold → (request ids, part label)."""
    facts = RequestFact.objects.filter(day__gte=start, day__lte=end, product_id__isnull=False)
    found: dict[Group, tuple[set[int], str]] = {}
    # Symptoms: count in the database, then read the cases of the groups that reach the threshold only.
    hot = {
        (r["product_id"], r["symptom_id"])
        for r in facts.filter(symptom_id__isnull=False)
        .values("product_id", "symptom_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=threshold)
    }
    if hot:
        rows = facts.filter(product_id__in={p for p, _s in hot}, symptom_id__in={s for _p, s in hot}).values_list(
            "request_id", "product_id", "symptom_id"
        )
        for request_id, product_id, symptom_id in rows:
            if product_id is not None and (product_id, symptom_id) in hot:
                group = Group(WarningKind.SYMPTOM, product_id, symptom_id=symptom_id)
                found.setdefault(group, (set(), ""))[0].add(request_id)
    # Parts: the fact keeps each request's part keys ("key<TAB>label" per line); a request counts once per key.
    parts: dict[Group, set[int]] = defaultdict(set)
    labels: dict[Group, str] = {}
    for request_id, product_id, text in facts.exclude(parts="").values_list("request_id", "product_id", "parts"):
        for line in text.splitlines():
            key, _tab, label = line.partition("\t")
            if key and product_id is not None:
                group = Group(WarningKind.PART, product_id, part_key=key)
                parts[group].add(request_id)
                labels.setdefault(group, label)
    for group, ids in parts.items():
        if len(ids) >= threshold:
            found[group] = (ids, labels.get(group, ""))
    return found


def _notify_raised(warning: EarlyWarning) -> None:
    url = reverse("reports:warning_detail", args=[warning.pk])
    with notification_language():
        notify_users(
            users=user_list_with_role(QUALITY_ROLE),
            title=_("Early warning: %(problem)s recurs (%(count)s cases, %(period)s)")
            % {"problem": warning_title(warning), "count": warning.count, "period": period_label(warning)},
            body=_("Please analyse the cause and close the warning with a corrective action or a reason."),
            url=url,
            rule="Q3",
        )


def _upsert(group: Group, window: str, start: dt.date, end: dt.date, threshold: int, ids: set[int], label: str) -> str:
    """Raise the group's warning or add its new cases. Returns "raised", "updated" or ""."""
    with transaction.atomic():
        warning = (
            EarlyWarning.objects.select_for_update().filter(key=group.key, window=window, period_start=start).first()
        )
        if warning is None:
            try:
                with transaction.atomic():
                    warning = EarlyWarning.objects.create(
                        kind=group.kind,
                        key=group.key,
                        product_id=group.product_id,
                        symptom_id=group.symptom_id,
                        part_key=group.part_key,
                        part_label=label[:100],
                        window=window,
                        period_start=start,
                        period_end=end,
                        threshold=threshold,
                        count=len(ids),
                    )
            except IntegrityError:  # another run raised it meanwhile: it adds the cases
                return ""
            EarlyWarningCase.objects.bulk_create(EarlyWarningCase(warning=warning, request_id=i) for i in sorted(ids))
            event_record(
                subject=warning,
                action=RAISED,
                actor=SYSTEM,
                rule="Q3",
                data={"key": group.key, "window": window, "period": [start.isoformat(), end.isoformat()],
                      "threshold": threshold, "cases": len(ids)},
            )  # fmt: skip
            _notify_raised(warning)
            return "raised"
        known = set(EarlyWarningCase.objects.filter(warning=warning).values_list("request_id", flat=True))
        new = ids - known
        if not new:
            return ""
        EarlyWarningCase.objects.bulk_create(EarlyWarningCase(warning=warning, request_id=i) for i in sorted(new))
        warning.count = len(known | new)
        warning.version += 1
        warning.save(update_fields=["count", "version", "updated_at"])
        event_record(
            subject=warning,
            action=CASES_ADDED,
            actor=SYSTEM,
            rule="Q3",
            data={"added": len(new), "cases": warning.count},
        )
        return "updated"


def warnings_detect(*, on: dt.date | None = None) -> Detection:
    """Detect the warnings of the periods containing `on` (default today) and the periods before them.

    Idempotent: a second run raises nothing and adds only cases that appeared since. Rule: Q3.
    Events: earlywarning.raised, earlywarning.cases_added. Notifies quality of each new warning.
    """
    day = on or timezone.localdate()
    result = Detection()
    for window in WarningWindow.values:
        threshold = threshold_of(window)
        current = period_of(window, day)
        for start, end in (period_of(window, current[0] - dt.timedelta(days=1)), current):
            for group, (ids, label) in sorted(_groups(start, end, threshold).items(), key=lambda g: g[0].key):
                outcome = _upsert(group, window, start, end, threshold, ids, label)
                result.raised += outcome == "raised"
                result.updated += outcome == "updated"
    return result


# --- closing ------------------------------------------------------------------------------------------------


def _locked(actor: Actor, warning_id: int, version: int | None) -> EarlyWarning:
    actor.require_perm(CLOSE_PERM)
    warning = EarlyWarning.objects.select_for_update().filter(pk=warning_id).first()
    if warning is None:
        raise NotFound(_("No such early warning."))
    if version is not None and version != warning.version:
        raise Conflict(_("Someone changed this warning meanwhile; reload it and try again."), code="version_conflict")
    if warning.state != WarningState.OPEN:
        raise Conflict(_("This warning is already closed."), code="invalid_state")
    return warning


def _close(actor: Actor, warning: EarlyWarning, *, reason: str, capa: CorrectiveAction | None) -> EarlyWarning:
    warning.state = WarningState.CLOSED
    warning.close_reason = reason
    warning.capa = capa
    warning.closed_at, warning.closed_by = timezone.now(), actor.user
    warning.version += 1
    warning.save(update_fields=["state", "close_reason", "capa", "closed_at", "closed_by", "version", "updated_at"])
    event_record(
        subject=warning,
        action=CLOSED,
        actor=actor,
        rule="Q3",
        data={"state": [WarningState.OPEN, WarningState.CLOSED], "reason": reason, "capa": capa.pk if capa else None},
    )
    return warning


@transaction.atomic
def warning_close(*, actor: Actor, warning_id: int, reason: str, version: int | None = None) -> EarlyWarning:
    """Close a warning with a reason (e.g. a known, already corrected cause). Rule: Q3.

    Raises: PermissionDenied, NotFound, ValidationFailed, Conflict. Events: earlywarning.closed.
    """
    warning = _locked(actor, warning_id, version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason."), fields={"reason": [_("Give the reason.")]})
    return _close(actor, warning, reason=reason[:200], capa=None)


@transaction.atomic
def warning_link_capa(
    *,
    actor: Actor,
    warning_id: int,
    capa_id: int | None = None,
    measures: str = "",
    owner: str = "",
    due_date: dt.date | None = None,
    version: int | None = None,
) -> EarlyWarning:
    """Close a warning with a corrective action (K14): an existing one (`capa_id`), or one planned here
    on the warning (`measures`, `owner`, `due_date`), which stands on no complaint.

    Rules: Q3, K14. Raises: PermissionDenied, NotFound, ValidationFailed, Conflict.
    Events: complaint.capa_planned (a new action), earlywarning.closed.
    """
    warning = _locked(actor, warning_id, version)
    if capa_id is not None:
        capa = CorrectiveAction.objects.filter(pk=capa_id).first()
        if capa is None:
            raise ValidationFailed(_("No such corrective action."), fields={"capa": [_("No such corrective action.")]})
    else:
        topic = _("Early warning: %(problem)s (%(period)s)") % {
            "problem": warning_title(warning),
            "period": period_label(warning),
        }
        capa = capa_plan_on_topic(actor=actor, topic=topic, measures=measures, owner=owner, due_date=due_date)
        if capa.owner_id != actor.pk:  # the owner learns the action is theirs, on the warning's page
            notify_users(
                users=[capa.owner],
                title=_("Corrective action for you: %(topic)s") % {"topic": capa.topic},
                body=capa.measures,
                url=reverse("reports:warning_detail", args=[warning.pk]),
                rule="K14",
            )
    return _close(actor, warning, reason="", capa=capa)


# --- the linked corrective action, carried through its lifecycle from the warning (docs/decisions/0040) -----


def _linked_capa(actor: Actor, warning_id: int, perm: str) -> tuple[EarlyWarning, CorrectiveAction]:
    actor.require_perm(perm)
    warning = warning_get(actor, warning_id)
    if warning.capa is None:
        raise Conflict(_("No corrective action is linked to this warning."), code="invalid_state")
    return warning, warning.capa


@transaction.atomic
def warning_capa_done(*, actor: Actor, warning_id: int, note: str = "") -> EarlyWarning:
    """The linked action's measures are carried out; quality is asked to verify them. An action on a
    complaint moves through the complaint (its verification task); one on the warning alone notifies
    quality with a link to the warning. Rule: K14. Raises: PermissionDenied, NotFound, Conflict.
    Events: complaint.capa_done."""
    warning, capa = _linked_capa(actor, warning_id, CAPA_DONE_PERM)
    if capa.complaint is not None:
        capa_done(actor=actor, number=capa.complaint.number, capa_id=capa.pk, note=note)
    else:
        url = reverse("reports:warning_detail", args=[warning.pk])
        capa_done_on_topic(actor=actor, capa_id=capa.pk, note=note, url=url)
    return warning_get(actor, warning.pk)


@transaction.atomic
def warning_capa_verify(*, actor: Actor, warning_id: int, effective: bool = True, note: str = "") -> EarlyWarning:
    """Quality verifies the linked action: effective → verified; not effective (with the reason) → planned
    again. Rule: K14. Raises: PermissionDenied (own action), NotFound, ValidationFailed, Conflict.
    Events: complaint.capa_verified."""
    warning, capa = _linked_capa(actor, warning_id, CAPA_VERIFY_PERM)
    if capa.complaint is not None:
        capa_verify(actor=actor, number=capa.complaint.number, capa_id=capa.pk, effective=effective, note=note)
    else:
        capa_verify_on_topic(actor=actor, capa_id=capa.pk, effective=effective, note=note)
    return warning_get(actor, warning.pk)


# --- reading ------------------------------------------------------------------------------------------------


def warning_list(
    actor: Actor, *, state: str = "", window: str = "", kind: str = "", product: str = ""
) -> QuerySet[EarlyWarning]:
    actor.require_perm(VIEW_PERM)
    qs = EarlyWarning.objects.select_related("product", "symptom", "capa")
    if state:
        qs = qs.filter(state=state)
    if window:
        qs = qs.filter(window=window)
    if kind:
        qs = qs.filter(kind=kind)
    if product:
        qs = qs.filter(product__model__icontains=product.strip())
    return qs.order_by("-period_start", "-count", "id")


def may_read(actor: Actor, warning: EarlyWarning) -> bool:
    """The statistics readers, and the owner of the warning's corrective action (to carry it out)."""
    return actor.has_perm(VIEW_PERM) or (warning.capa is not None and warning.capa.owner_id == actor.pk)


def warning_get(actor: Actor, warning_id: int) -> EarlyWarning:
    """Raises: PermissionDenied, NotFound."""
    if not actor.is_authenticated:
        raise PermissionDenied()
    warning = (
        EarlyWarning.objects.select_related("product", "symptom", "capa", "capa__owner", "capa__complaint", "closed_by")
        .filter(pk=warning_id)
        .first()
    )
    if warning is None:
        if not actor.has_perm(VIEW_PERM):
            raise PermissionDenied()
        raise NotFound(_("No such early warning."))
    if not may_read(actor, warning):
        raise PermissionDenied()
    return warning


def warning_cases(warning: EarlyWarning) -> QuerySet[ServiceRequest]:
    return (
        ServiceRequest.objects.filter(pk__in=EarlyWarningCase.objects.filter(warning=warning).values("request_id"))
        .select_related("customer", "unit")
        .order_by("received_at", "id")
    )


def warning_title(warning: EarlyWarning) -> str:
    product: Product = warning.product
    what = warning.symptom.name if warning.kind == WarningKind.SYMPTOM and warning.symptom else (
        f"{warning.part_key} {warning.part_label}".strip()
    )  # fmt: skip
    return f"{product.model} {product.name} · {what}"


def period_label(warning: EarlyWarning) -> str:
    start = warning.period_start
    if warning.window == WarningWindow.MONTH:
        return _("%(year)s-%(month)02d") % {"year": start.year, "month": start.month}
    if warning.window == WarningWindow.QUARTER:
        return _("%(year)s Q%(quarter)s") % {"year": start.year, "quarter": (start.month - 1) // 3 + 1}
    return str(start.year)


def period_code(warning: EarlyWarning) -> str:
    """The period as the API names it, in no language: "2026-11", "2026-Q4", "2026"."""
    start = warning.period_start
    if warning.window == WarningWindow.MONTH:
        return f"{start.year}-{start.month:02d}"
    if warning.window == WarningWindow.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def open_warnings_count() -> int:
    return EarlyWarning.objects.filter(state=WarningState.OPEN).count()
