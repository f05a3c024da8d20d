"""The complaint's moves are data (complaints.transitions): every state is reachable, the ends end,
and a move from the wrong state is refused with 409 before anything changes."""

from __future__ import annotations

import pytest

from aftersales.complaints import services
from aftersales.complaints.choices import ENDED_STATES, ComplaintState
from aftersales.complaints.transitions import ACTION_TRANSITIONS
from aftersales.core.errors import Conflict
from aftersales.core.models import Event


def test_every_state_is_reachable_and_every_move_names_its_rule():
    reached = {ComplaintState.REGISTERED}
    for table in ACTION_TRANSITIONS.values():
        for targets in table.values():
            reached.update(targets)
            assert all(rule.startswith("K") for rule in targets.values())
    assert reached == set(ComplaintState.values)
    closing = {source for table in ACTION_TRANSITIONS.values() for source in table}
    assert ComplaintState.REJECTED not in closing  # a rejected form never moves again (K10)
    assert ComplaintState.CLOSED in ENDED_STATES


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("call", "kwargs"),
    [
        (services.complaint_decide, {"disposition": "guidance", "decision": "指导"}),
        (services.complaint_escalate, {}),
        (services.complaint_reply, {"public_reply": "答复"}),
        (services.complaint_implement, {}),
        (services.complaint_close, {}),
        (services.complaint_reject_conclusion, {"reason": "不接受"}),
    ],
)
def test_a_move_from_the_wrong_state_changes_nothing(new_complaint, staff, call, kwargs):
    complaint = new_complaint()
    events = Event.objects.count()
    with pytest.raises(Conflict) as caught:
        call(actor=staff["agent"], number=complaint.number, **kwargs)
    assert caught.value.code == "invalid_transition"
    complaint.refresh_from_db()
    assert (complaint.state, complaint.version) == ("registered", 1)
    assert Event.objects.count() == events
