"""客户暂不方便: the customer cannot receive us now; the clocks wait with them (issue 13, point 5; S6, S10).

The engineer on the job, or the hotline desk that took the customer's call, sets the pause with a
note and ends it when the customer is available again. Which clocks pause is policy
(S6.customer_wait_pauses, default response and arrival); the substitute-equipment clock (S10) never
pauses. The state moves go through the transition table (service.transitions).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.clocks.services import clock_resume_for
from aftersales.core.access import Actor
from aftersales.core.errors import PermissionDenied, ValidationFailed
from aftersales.service import events
from aftersales.service.choices import RequestState
from aftersales.service.models import ServiceRequest
from aftersales.service.services.common import (
    PAUSABLE_CLOCKS,
    request_clocks_pause,
    request_lock,
    request_move,
    require_own_job,
)

DESK_PERM = "service.add_servicerequest"  # the hotline desk (客服专员) and the managers
WORK_PERM = "service.work_servicerequest"


def _require_may_wait(actor: Actor, request: ServiceRequest) -> None:
    """The desk for any request in its scope; an engineer for their own job (a dispatcher for anyone's)."""
    if actor.has_perm(DESK_PERM):
        return
    if not actor.has_perm(WORK_PERM):
        raise PermissionDenied()
    require_own_job(actor, request)


@transaction.atomic
def service_request_customer_unavailable(
    *, actor: Actor, number: str, note: str, expected_version: int | None = None
) -> ServiceRequest:
    """The customer is unavailable for now (客户暂不方便): the policy's clocks pause. Rule: S6, S10.

    Raises: PermissionDenied, NotFound, ValidationFailed (no note), Conflict (state, version).
    Events: servicerequest.waiting_customer (with the note), clock.paused per clock.
    """
    request = request_lock(actor, number, expected_version)
    _require_may_wait(actor, request)
    note = (note or "").strip()
    if not note:
        message = _("Say why the customer is unavailable and until when, if known.")
        raise ValidationFailed(message, fields={"note": [message]})
    request.resume_state = request.state
    request_move(
        request,
        action="customer_unavailable",
        to=RequestState.WAITING_CUSTOMER,
        actor=actor,
        reason=note[:200],
        fields=("resume_state",),
    )
    request_clocks_pause(request, actor=actor, reason=_("Customer unavailable"))
    return request


@transaction.atomic
def service_request_customer_available(
    *, actor: Actor, number: str, note: str = "", expected_version: int | None = None
) -> ServiceRequest:
    """The customer can receive us again: back to where the work stood, the paused clocks run. Rule: S6.

    Raises: PermissionDenied, NotFound, Conflict (state, version).
    Events: servicerequest.customer_available, clock.resumed per clock.
    """
    request = request_lock(actor, number, expected_version)
    _require_may_wait(actor, request)
    to = request.resume_state or (RequestState.DISPATCHED if request.engineer_id else RequestState.REGISTERED)
    request.resume_state = ""
    request_move(
        request,
        action="customer_available",
        to=to,
        actor=actor,
        reason=(note or "").strip()[:200],
        fields=("resume_state",),
        event=events.REQUEST_CUSTOMER_BACK,
    )
    clock_resume_for(subject=request, kinds=PAUSABLE_CLOCKS, actor=actor)
    return request
