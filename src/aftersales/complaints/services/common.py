"""What the complaint services share: locking with the version check, and the versioned state move."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from aftersales.complaints.errors import ComplaintErrorCode
from aftersales.complaints.models import Complaint
from aftersales.complaints.selectors import access_complaint
from aftersales.complaints.transitions import ACTION_TRANSITIONS
from aftersales.core.access import Actor
from aftersales.core.workflow import locked_for_change, versioned_transition


def complaint_lock(actor: Actor, number: str, expected_version: int | None = None) -> Complaint:
    """The complaint, row-locked, if the actor may see it and nobody changed it since `expected_version`."""
    return locked_for_change(
        access_complaint,
        actor,
        number,
        expected_version,
        message=_(
            "Someone else changed this complaint in the meantime (version %(theirs)s, yours %(yours)s). Reload it."
        ),
        code=ComplaintErrorCode.VERSION_CONFLICT,
    )


def complaint_move(
    complaint: Complaint,
    *,
    action: str,
    to: str,
    actor: Any,
    reason: str = "",
    data: dict[str, Any] | None = None,
    fields: tuple[str, ...] = (),
    policy_version: int | None = None,
) -> str:
    """Apply one move of `action` (complaints.transitions), bump the version, save `fields` with it; one event."""
    return versioned_transition(
        complaint,
        to=to,
        table=ACTION_TRANSITIONS[action],
        actor=actor,
        reason=reason,
        data=data,
        policy_version=policy_version,
        fields=fields,
    )
