"""The return's state table (R2–R3, K7): every move names its rule; moves outside it are refused with 409."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from aftersales.core.errors import Conflict, PermissionDenied
from aftersales.returns import services
from aftersales.returns.choices import ReturnState
from aftersales.returns.transitions import ACTION_TRANSITIONS, RETURN_TRANSITIONS

pytestmark = pytest.mark.django_db


def test_every_move_names_a_rule() -> None:
    for table in ACTION_TRANSITIONS.values():
        for source, targets in table.items():
            assert source in ReturnState.values
            for target, rule in targets.items():
                assert target in ReturnState.values
                assert rule in {"K7", "R2", "R3"}


def test_ends_have_no_way_out() -> None:
    assert RETURN_TRANSITIONS[ReturnState.REFUSED] == {}
    assert RETURN_TRANSITIONS[ReturnState.REISSUED] == {}
    assert RETURN_TRANSITIONS[ReturnState.BOOKED] == {ReturnState.REISSUED: "R2"}


def test_a_refused_return_cannot_be_approved(new_return: Any, staff: dict[str, Any]) -> None:
    found = new_return()
    services.return_request_refuse(actor=staff["sales_manager"], number=found.number, note="不符合条件")
    with pytest.raises(Conflict) as caught:
        services.return_request_approve(actor=staff["sales_manager"], number=found.number, disposition="restock")
    assert caught.value.code == "invalid_transition"
    with translation.override("zh-hans"):
        assert str(caught.value.message) == "无法将状态从“已拒绝”变更为“已批准”。"


@pytest.mark.parametrize(
    ("role", "action", "kwargs"),
    [
        ("warehouse", "return_receive", {"quantity": 1}),
        ("finance", "return_book", {}),
        ("warehouse", "return_reissue", {}),
    ],
)
def test_moves_before_approval_are_refused(
    new_return: Any, staff: dict[str, Any], role: str, action: str, kwargs: dict[str, Any]
) -> None:
    found = new_return()
    with pytest.raises(Conflict) as caught:
        getattr(services, action)(actor=staff[role], number=found.number, **kwargs)
    assert caught.value.code == "invalid_transition"
    found.refresh_from_db()
    assert (found.state, found.version) == (ReturnState.REQUESTED, 1)


@pytest.mark.parametrize(
    ("role", "action", "kwargs"),
    [
        ("sales", "return_request_approve", {"disposition": "restock"}),
        ("warehouse", "return_request_refuse", {"note": "x"}),
        ("finance", "return_receive", {"quantity": 2}),
        ("warehouse", "return_book", {}),
        ("finance", "return_reissue", {}),
        ("quality", "return_receive", {"quantity": 2}),
    ],
)
def test_each_move_belongs_to_its_role(
    new_return: Any, staff: dict[str, Any], role: str, action: str, kwargs: dict[str, Any]
) -> None:
    found = new_return(unit_price=Decimal("100.00"))
    with pytest.raises(PermissionDenied):
        getattr(services, action)(actor=staff[role], number=found.number, **kwargs)
    found.refresh_from_db()
    assert (found.state, found.version) == (ReturnState.REQUESTED, 1)
