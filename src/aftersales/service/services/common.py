"""What every service of the case shares: locking by number with the version check, and state moves."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from aftersales.clocks.choices import ClockKind
from aftersales.clocks.services import clock_pause_for
from aftersales.core.access import Actor
from aftersales.core.workflow import locked_for_change, versioned_transition
from aftersales.policies.selectors import policy_get
from aftersales.service.choices import ENDED_STATES
from aftersales.service.errors import ServiceConflict, ServiceErrorCode
from aftersales.service.models import ServiceRequest
from aftersales.service.selectors import access_service_request
from aftersales.service.transitions import ACTION_TRANSITIONS

REQUEST_URL_KIND = "service.servicerequest"


def request_lock(actor: Actor, number: str, expected_version: int | None = None) -> ServiceRequest:
    """The request, row-locked, if the actor may see it and nobody changed it since `expected_version`."""
    return locked_for_change(
        access_service_request,
        actor,
        number,
        expected_version,
        message=_(
            "Someone else changed this request in the meantime (version %(theirs)s, yours %(yours)s). Reload it."
        ),
        code=ServiceErrorCode.VERSION_CONFLICT,
    )


def request_move(
    request: ServiceRequest,
    *,
    action: str,
    to: str,
    actor: Actor,
    reason: str = "",
    data: dict[str, Any] | None = None,
    fields: tuple[str, ...] = (),
    event: str = "",
) -> str:
    """Apply one move of `action` (service.transitions), bump the version, save `fields` with it; one event
    ("servicerequest.<new state>" unless `event` names it)."""
    request.open = to not in ENDED_STATES
    return versioned_transition(
        request,
        to=to,
        table=ACTION_TRANSITIONS[action],
        actor=actor,
        reason=reason,
        data=data,
        fields=("open", *fields),
        action=event,
    )


def require_own_job(actor: Actor, request: ServiceRequest) -> None:
    """S7/S9: only the assigned engineer works on a job (a dispatcher may act for them)."""
    if request.engineer_id == actor.pk or actor.has_perm("service.dispatch_servicerequest"):
        return
    raise ServiceConflict(_("This job is assigned to another engineer."), code=ServiceErrorCode.NOT_YOUR_JOB)


def request_save(request: ServiceRequest, fields: list[str]) -> None:
    """Save fields of a request that stays in its state, bumping its version."""
    request.version += 1
    request.save(update_fields=[*fields, "version", "updated_at"])


# The clocks a wait may pause: the response and arrival (S6). The substitute-equipment clock (S10)
# never pauses: it runs from receipt, and a long wait is exactly when a substitute is needed.
PAUSABLE_CLOCKS: list[str] = [ClockKind.RESPOND, ClockKind.ARRIVE]
PARTS_WAIT_PAUSES_KEY = "S9.parts_wait_pauses"
CUSTOMER_WAIT_PAUSES_KEY = "S6.customer_wait_pauses"


def request_clocks_pause(request: ServiceRequest, *, actor: Actor, reason: str, for_parts: bool = False) -> None:
    """Pause the request's clocks while it waits (S6, S9, S10).

    Waiting for the customer (a quotation to decide, the customer unavailable) pauses the clocks
    policy S6.customer_wait_pauses lists (default: response and arrival); waiting for our own parts
    pauses response and arrival only when policy S9.parts_wait_pauses says so (default: nothing).
    S10 never pauses: whatever a policy lists, only PAUSABLE_CLOCKS are paused.
    """
    if for_parts:
        if not policy_get(PARTS_WAIT_PAUSES_KEY).value:
            return
        kinds = PAUSABLE_CLOCKS
    else:
        listed = set(policy_get(CUSTOMER_WAIT_PAUSES_KEY).value)
        kinds = [kind for kind in PAUSABLE_CLOCKS if kind in listed]
    if kinds:
        clock_pause_for(subject=request, kinds=kinds, actor=actor, reason=reason)
