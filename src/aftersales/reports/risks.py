"""X5 risk register (004 §9): likelihood × impact on the policy scales (`X5.likelihood_levels`,
`X5.impact_levels`), an owner picked by name, mitigation and a review date. Every edit is audited
({field: [old, new]}); an edit made on a stale version is refused. A review date that has passed
notifies the owner once per review date (periodic task)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.access import SYSTEM, Actor
from aftersales.core.errors import Conflict, NotFound, ValidationFailed
from aftersales.core.events import changes, event_record, snapshot
from aftersales.core.versions import VERSION_CONFLICT
from aftersales.notifications.services import notification_language, notify_users
from aftersales.policies.selectors import policy_get
from aftersales.reports import quality_events as events
from aftersales.reports.quality_models import Risk

VIEW_PERM = "reports.view_risk"
MANAGE_PERM = "reports.manage_risk"
FIELDS = ["title", "description", "likelihood", "impact", "owner", "mitigation", "review_on", "closed"]


def scales() -> tuple[int, int]:
    """(likelihood levels, impact levels) in force."""
    return int(policy_get("X5.likelihood_levels").value), int(policy_get("X5.impact_levels").value)


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    likelihood_max, impact_max = scales()
    out = dict(values)
    out["title"] = (out.get("title") or "").strip()[:200]
    if not out["title"]:
        raise _invalid("title", _("Name the risk."))
    for name, top in (("likelihood", likelihood_max), ("impact", impact_max)):
        value = out.get(name)
        if not isinstance(value, int) or not 1 <= value <= top:
            raise _invalid(name, _("Choose a level from 1 to %(top)s.") % {"top": top})
    owner = out.get("owner")
    if not isinstance(owner, User):
        person = User.objects.filter(username=(owner or "").strip(), is_active=True).first() if owner else None
        if person is None:
            raise _invalid("owner", _("Choose an active user as the owner."))
        out["owner"] = person
    if not isinstance(out.get("review_on"), dt.date):
        raise _invalid("review_on", _("Give the review date."))
    out["description"] = (out.get("description") or "").strip()
    out["mitigation"] = (out.get("mitigation") or "").strip()
    out["closed"] = bool(out.get("closed", False))
    return out


@transaction.atomic
def risk_create(*, actor: Actor, **values: Any) -> Risk:
    """Register a risk. Rule: X5. Raises: PermissionDenied, ValidationFailed. Events: risk.created."""
    actor.require_perm(MANAGE_PERM)
    risk = Risk.objects.create(**_clean(values))
    event_record(subject=risk, action=events.RISK_CREATED, actor=actor, rule="X5", data=snapshot(risk, FIELDS) | {
        "review_on": risk.review_on.isoformat()
    })  # fmt: skip
    return risk


@transaction.atomic
def risk_update(*, actor: Actor, risk_id: int, version: int, **values: Any) -> Risk:
    """Change a risk; refused when `version` is not the stored one (someone changed it meanwhile).

    Rule: X5. Raises: PermissionDenied, NotFound, ValidationFailed, Conflict (version_conflict).
    Events: risk.changed with {field: [old, new]}.
    """
    actor.require_perm(MANAGE_PERM)
    risk = Risk.objects.select_for_update().filter(pk=risk_id).first()
    if risk is None:
        raise NotFound(_("No such risk."))
    if version != risk.version:
        raise Conflict(_("Someone changed this risk meanwhile; reload it and try again."), code=VERSION_CONFLICT)
    before = snapshot(risk, FIELDS)
    cleaned = _clean(values)
    for name in FIELDS:
        setattr(risk, name, cleaned[name])
    diff = changes(risk, before, FIELDS)
    if not diff:
        return risk
    if "review_on" in diff:
        diff["review_on"] = [str(v) for v in diff["review_on"]]
        risk.review_notified_on = None
    risk.version += 1
    risk.save()
    event_record(subject=risk, action=events.RISK_CHANGED, actor=actor, rule="X5", data=diff)
    return risk


def risk_reviews_overdue_notify(*, today: dt.date | None = None) -> int:
    """Notify the owner of each open risk whose review date has passed, once per review date."""
    day = today or timezone.localdate()
    count = 0
    overdue = Risk.objects.filter(closed=False, review_on__lt=day, review_notified_on__isnull=True)
    for risk in overdue.select_related("owner"):
        with transaction.atomic():
            with notification_language():
                notify_users(
                    users=[risk.owner],
                    title=_("Risk review overdue: %(risk)s") % {"risk": risk.title},
                    body=_("The review was due on %(day)s.") % {"day": risk.review_on.isoformat()},
                    url=reverse("reports:risk_detail", args=[risk.pk]),
                    rule="X5",
                )
            Risk.objects.filter(pk=risk.pk).update(review_notified_on=day)
            event_record(
                subject=risk,
                action=events.RISK_REVIEW_OVERDUE,
                actor=SYSTEM,
                rule="X5",
                data={"review_on": risk.review_on.isoformat(), "owner": risk.owner.username},
            )
        count += 1
    return count


def risk_list(actor: Actor, *, include_closed: bool = False, owner: str = "") -> QuerySet[Risk]:
    actor.require_perm(VIEW_PERM)
    qs = Risk.objects.select_related("owner")
    if not include_closed:
        qs = qs.filter(closed=False)
    if owner:
        qs = qs.filter(owner__username=owner)
    return qs.order_by("closed", "-likelihood", "-impact", "review_on", "id")


def risk_get(actor: Actor, risk_id: int) -> Risk:
    actor.require_perm(VIEW_PERM)
    risk = Risk.objects.select_related("owner").filter(pk=risk_id).first()
    if risk is None:
        raise NotFound(_("No such risk."))
    return risk


@dataclass
class HeatMap:
    likelihood_levels: int
    impact_levels: int
    cells: list[list[int]]  # [likelihood level − 1][impact level − 1] → open risks


def risk_heat_map(actor: Actor) -> HeatMap:
    """Open risks per likelihood × impact cell (a level above the current scale counts at its top)."""
    likelihood_max, impact_max = scales()
    cells = [[0] * impact_max for _l in range(likelihood_max)]
    for likelihood, impact in risk_list(actor).values_list("likelihood", "impact"):
        cells[min(likelihood, likelihood_max) - 1][min(impact, impact_max) - 1] += 1
    return HeatMap(likelihood_max, impact_max, cells)
