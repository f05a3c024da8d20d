"""Returns services: R1 conditions, K7 authority by amount, R3 reconciliation, R4 certificates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from aftersales.approvals.selectors import approval_for
from aftersales.core.errors import Conflict, NotFound, PermissionDenied
from aftersales.core.models import Event
from aftersales.returns import services
from aftersales.returns.choices import ReturnState
from aftersales.returns.errors import ReturnNotAllowed
from aftersales.returns.models import DiscountCertificate, ReturnRequest
from aftersales.returns.selectors import access_return_request
from aftersales.returns.services.common import return_approval_level
from tests.returns.conftest import days_ago

pytestmark = pytest.mark.django_db


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def verified_at(days_after_ship: int, ship: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(ship + dt.timedelta(days=days_after_ship), dt.time(10, 0)))


# --- R1 ------------------------------------------------------------------------------------------


def test_r1_wrong_model_unopened_within_fresh_days_is_allowed(new_return: Any, staff: dict[str, Any]) -> None:
    found = new_return(ship_date=days_ago(30))
    assert found.state == ReturnState.REQUESTED
    assert found.number.startswith("TH" + timezone.localtime().strftime("%Y%m"))
    assert len(found.number) == 12
    assert found.value == Decimal("200.00")
    assert found.requested_by == staff["sales"].user
    event = Event.objects.get(
        subject_type="returns.returnrequest", subject_id=str(found.pk), action="returnrequest.requested"
    )
    assert (event.rule, event.data["fresh_days"]) == ("R1", 30)


def test_r1_numbers_are_consecutive(new_return: Any) -> None:
    first, second = new_return(), new_return()
    assert int(second.number[-4:]) == int(first.number[-4:]) + 1


def test_r1_opened_goods_are_refused(new_return: Any) -> None:
    with pytest.raises(ReturnNotAllowed) as caught:
        new_return(unopened=False)
    assert caught.value.code == "return_not_allowed"
    assert caught.value.status == 422
    assert set(caught.value.fields) == {"unopened"}
    assert ReturnRequest.objects.count() == 0


def test_r1_shipped_too_long_ago_is_refused(new_return: Any) -> None:
    with pytest.raises(ReturnNotAllowed) as caught:
        new_return(ship_date=days_ago(31))
    assert set(caught.value.fields) == {"ship_date"}
    assert ReturnRequest.objects.count() == 0


def test_r1_fresh_days_come_from_the_policy(new_return: Any, make_user: Any, actor_of: Any) -> None:
    from aftersales.policies.services import policy_set

    policy_set(actor=actor_of(make_user("admin")), key="R1.fresh_days", value=45, note="")
    assert new_return(ship_date=days_ago(45)).state == ReturnState.REQUESTED


def test_r1_wanted_model_is_required_for_the_unopened_case(new_return: Any) -> None:
    with pytest.raises(ReturnNotAllowed) as caught:
        new_return(wanted_model="")
    assert set(caught.value.fields) == {"wanted_model"}


def test_r1_verified_quality_defect_is_allowed(new_return: Any, staff: dict[str, Any]) -> None:
    ship = days_ago(10)
    found = new_return(
        kind="return",
        condition="verified_quality_defect",
        unopened=False,
        wanted_model="",
        ship_date=ship,
        verified_by=staff["cs_manager"].user.username,
        verified_at=verified_at(5, ship),
    )
    assert found.verified_by == staff["cs_manager"].user
    assert found.state == ReturnState.REQUESTED


def test_r1_defect_without_verification_is_refused(new_return: Any) -> None:
    with pytest.raises(ReturnNotAllowed) as caught:
        new_return(kind="return", condition="verified_quality_defect", unopened=False, wanted_model="")
    assert set(caught.value.fields) == {"verified_by", "verified_at"}
    assert ReturnRequest.objects.count() == 0


def test_r1_defect_verified_by_a_non_manager_is_refused(new_return: Any, staff: dict[str, Any]) -> None:
    ship = days_ago(10)
    with pytest.raises(ReturnNotAllowed) as caught:
        new_return(
            condition="verified_quality_defect",
            ship_date=ship,
            verified_by=staff["engineer"].user.username,
            verified_at=verified_at(2, ship),
        )
    assert set(caught.value.fields) == {"verified_by"}


def test_r1_defect_verified_too_late_is_refused(new_return: Any, staff: dict[str, Any]) -> None:
    ship = days_ago(40)
    with pytest.raises(ReturnNotAllowed) as caught:
        new_return(
            condition="verified_quality_defect",
            ship_date=ship,
            verified_by=staff["sales_manager"].user.username,
            verified_at=verified_at(31, ship),
        )
    assert set(caught.value.fields) == {"verified_at"}
    assert (
        zh("R1: verified more than %(days)s days after shipment, not “shortly after shipment”.") % {"days": 30}
        in caught.value.fields["verified_at"]
    )


def test_r1_only_sales_and_service_staff_ask(new_return: Any, staff: dict[str, Any]) -> None:
    for role in ("warehouse", "finance", "engineer", "vp"):
        with pytest.raises(PermissionDenied):
            new_return(actor=staff[role])
    assert new_return(actor=staff["agent"]).state == ReturnState.REQUESTED


# --- K7 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "role"),
    [("0.01", "sales_manager"), ("999.99", "sales_manager"), ("1000", "vp"), ("5000", "vp"), ("5000.01", "gm")],
)
def test_k7_required_role_boundaries(amount: str, role: str) -> None:
    assert return_approval_level(Decimal(amount)).role == role


@pytest.mark.parametrize(
    ("price", "allowed", "refused"),
    [
        ("999.99", "sales_manager", None),
        ("1000.00", "vp", "sales_manager"),
        ("5000.00", "vp", "sales_manager"),
        ("5000.01", "gm", "vp"),
    ],
)
def test_k7_approval_by_amount(
    new_return: Any, staff: dict[str, Any], price: str, allowed: str, refused: str | None
) -> None:
    found = new_return(quantity=1, unit_price=price)
    if refused:
        with pytest.raises(PermissionDenied) as caught:
            services.return_request_approve(actor=staff[refused], number=found.number, disposition="restock")
        assert (caught.value.code, caught.value.status) == ("beyond_authority", 403)
        found.refresh_from_db()
        assert (found.state, found.version, found.decided_by) == (ReturnState.REQUESTED, 1, None)
        assert approval_for(found).state == "pending"
    approved = services.return_request_approve(actor=staff[allowed], number=found.number, disposition="restock")
    assert (approved.state, approved.approval_role, approved.approved_quantity) == (ReturnState.APPROVED, allowed, 1)
    event = Event.objects.filter(subject_id=str(found.pk), action="returnrequest.approved").get()
    assert event.rule == "K7"
    assert event.data["level"] == allowed


def test_k7_limits_come_from_the_policy(make_user: Any, actor_of: Any) -> None:
    from aftersales.approvals.services import approval_decide
    from aftersales.policies.selectors import policy_get
    from aftersales.policies.services import policy_set

    value = {**policy_get("K7.limits").value, "lower": 2000}
    pending = policy_set(actor=actor_of(make_user("admin")), key="K7.limits", value=value, note="")
    approval_decide(actor=actor_of(make_user("gm")), approval_id=pending.pk, approve=True)  # the GM's approval
    level = return_approval_level(Decimal("1500"))
    assert (level.role, level.policy_version) == ("sales_manager", 1)
    assert return_approval_level(Decimal("2000")).role == "vp"


def test_k7_a_higher_level_may_decide_a_smaller_amount(new_return: Any, staff: dict[str, Any]) -> None:
    found = new_return(quantity=1, unit_price="999.99")
    approved = services.return_request_approve(actor=staff["gm"], number=found.number, disposition="rework")
    assert (approved.state, approved.approval_role) == (ReturnState.APPROVED, "sales_manager")


def test_k7_refusal_also_needs_the_authority(new_return: Any, staff: dict[str, Any]) -> None:
    found = new_return(quantity=10, unit_price="600.00")  # 6000: the GM
    with pytest.raises(PermissionDenied):
        services.return_request_refuse(actor=staff["vp"], number=found.number, note="不同意")
    refused = services.return_request_refuse(actor=staff["gm"], number=found.number, note="超出退货期")
    assert (refused.state, refused.decision_note) == (ReturnState.REFUSED, "超出退货期")


def test_k7_staff_without_the_right_cannot_decide(new_return: Any, staff: dict[str, Any]) -> None:
    found = new_return()
    with pytest.raises(PermissionDenied):
        services.return_request_approve(actor=staff["sales"], number=found.number, disposition="restock")


# --- R2/R3: receive and book ---------------------------------------------------------------------


def _approved(new_return: Any, staff: dict[str, Any], quantity: int = 3) -> ReturnRequest:
    found = new_return(quantity=quantity, unit_price="100.00")
    return services.return_request_approve(actor=staff["sales_manager"], number=found.number, disposition="restock")


def test_r3_mismatch_is_refused_with_both_quantities(new_return: Any, staff: dict[str, Any]) -> None:
    found = _approved(new_return, staff)
    services.return_receive(actor=staff["warehouse"], number=found.number, quantity=2)
    with pytest.raises(Conflict) as caught:
        services.return_book(actor=staff["finance"], number=found.number)
    assert caught.value.code == "quantity_mismatch"
    assert caught.value.status == 409
    assert str(caught.value.message) == zh(
        "R3: %(received)s received but %(approved)s approved; the quantities must match before booking."
    ) % {"received": 2, "approved": 3}
    found.refresh_from_db()
    assert (found.state, found.booked_at) == (ReturnState.RECEIVED, None)


def test_r3_match_is_booked(new_return: Any, staff: dict[str, Any]) -> None:
    found = _approved(new_return, staff)
    services.return_receive(actor=staff["warehouse"], number=found.number, quantity=2)
    services.return_receive(actor=staff["warehouse"], number=found.number, quantity=3)  # recount
    booked = services.return_book(actor=staff["finance"], number=found.number)
    assert (booked.state, booked.booked_by, booked.received_quantity) == (ReturnState.BOOKED, staff["finance"].user, 3)
    actions = list(
        Event.objects.filter(subject_type="returns.returnrequest", subject_id=str(found.pk))
        .order_by("id")
        .values_list("action", "rule")
    )
    assert actions == [
        ("returnrequest.requested", "R1"),
        ("approval.requested", "K7"),
        ("approval.decided", "K7"),
        ("returnrequest.approved", "K7"),
        ("returnrequest.received", "R2"),
        ("returnrequest.received", "R2"),
        ("returnrequest.booked", "R3"),
    ]


def test_r3_book_before_receipt_is_an_invalid_transition(new_return: Any, staff: dict[str, Any]) -> None:
    found = _approved(new_return, staff)
    with pytest.raises(Conflict) as caught:
        services.return_book(actor=staff["finance"], number=found.number)
    assert caught.value.code == "invalid_transition"


def test_exchange_reissue_after_booking(new_return: Any, staff: dict[str, Any]) -> None:
    found = _approved(new_return, staff, quantity=1)
    services.return_receive(actor=staff["warehouse"], number=found.number, quantity=1)
    services.return_book(actor=staff["finance"], number=found.number)
    shipped = services.return_reissue(actor=staff["warehouse"], number=found.number)
    assert shipped.state == ReturnState.REISSUED


def test_a_plain_return_is_never_reissued(new_return: Any, staff: dict[str, Any]) -> None:
    found = new_return(kind="return", quantity=1)
    services.return_request_approve(actor=staff["sales_manager"], number=found.number, disposition="scrap")
    services.return_receive(actor=staff["warehouse"], number=found.number, quantity=1)
    services.return_book(actor=staff["finance"], number=found.number)
    with pytest.raises(Conflict) as caught:
        services.return_reissue(actor=staff["warehouse"], number=found.number)
    assert caught.value.code == "not_an_exchange"


def test_version_conflict(new_return: Any, staff: dict[str, Any]) -> None:
    found = new_return()
    with pytest.raises(Conflict) as caught:
        services.return_request_approve(
            actor=staff["sales_manager"], number=found.number, disposition="restock", expected_version=2
        )
    assert caught.value.code == "version_conflict"
    approved = services.return_request_approve(
        actor=staff["sales_manager"], number=found.number, disposition="restock", expected_version=1
    )
    assert approved.version == 2


def test_staff_without_the_view_right_meet_not_found(new_return: Any, staff: dict[str, Any]) -> None:
    found = new_return()
    with pytest.raises(NotFound):
        access_return_request(staff["engineer"], found.number)
    with pytest.raises(PermissionDenied):  # the right is checked before the lookup
        services.return_receive(actor=staff["engineer"], number=found.number, quantity=1)


# --- R4 ------------------------------------------------------------------------------------------


def test_r4_k7_a_discount_above_the_vps_limit_waits_for_the_gm(customer: Any, staff: dict[str, Any]) -> None:
    at_limit = services.discount_certificate_issue(
        actor=staff["vp"], customer_id=customer.pk, amount=Decimal("5000.00"), reason="质量索赔"
    )
    assert (at_limit.state, at_limit.signed_by_vp) == ("issued", staff["vp"].user)
    assert approval_for(at_limit) is None  # within the VP's authority: no approval to ask
    above = services.discount_certificate_issue(
        actor=staff["vp"], customer_id=customer.pk, amount=Decimal("5000.01"), reason="质量索赔"
    )
    assert (above.state, above.signed_by_vp, above.signed_at, above.requested_by) == (
        "awaiting_approval",
        None,
        None,
        staff["vp"].user,
    )
    approval = approval_for(above)
    assert (approval.purpose, approval.amount, approval.required_role, approval.requested_by) == (
        "discount",
        Decimal("5000.01"),
        "gm",
        staff["vp"].user,
    )
    assert "总经理" in approval.explanation["text"]  # who must approve comes from K7, and the explanation says so
    # The VP cannot decide it (beyond his authority, and his own request); nothing changes.
    with pytest.raises(PermissionDenied) as caught:
        services.discount_certificate_approve(actor=staff["vp"], number=above.number)
    assert (caught.value.code, caught.value.status) == ("beyond_authority", 403)
    assert "总经理" in str(caught.value.message)
    above.refresh_from_db()
    assert above.state == "awaiting_approval"
    assert approval_for(above).state == "pending"
    # The GM approves: he signs it.
    signed = services.discount_certificate_approve(actor=staff["gm"], number=above.number, note="同意")
    assert (signed.state, signed.signed_by_vp) == ("issued", staff["gm"].user)
    assert signed.signed_at is not None
    assert approval_for(above).state == "approved"
    actions = list(
        Event.objects.filter(subject_type="returns.discountcertificate", subject_id=str(above.pk))
        .order_by("id")
        .values_list("action", "rule")
    )
    assert actions == [
        ("discountcertificate.awaiting_approval", "K7"),
        ("approval.requested", "K7"),
        ("approval.decided", "K7"),
        ("discountcertificate.issued", "K7"),
    ]
    # The GM, higher in K7, signs a large one at once.
    direct = services.discount_certificate_issue(
        actor=staff["gm"], customer_id=customer.pk, amount=Decimal("8000.00"), reason="质量索赔"
    )
    assert (direct.state, direct.signed_by_vp) == ("issued", staff["gm"].user)


def test_r4_a_refused_certificate_ends(customer: Any, staff: dict[str, Any]) -> None:
    above = services.discount_certificate_issue(
        actor=staff["vp"], customer_id=customer.pk, amount=Decimal("6000.00"), reason="质量索赔"
    )
    refused = services.discount_certificate_refuse(actor=staff["gm"], number=above.number, note="金额过高")
    assert (refused.state, refused.signed_by_vp) == ("refused", None)
    with pytest.raises(Conflict) as caught:
        services.discount_certificate_approve(actor=staff["gm"], number=above.number)
    assert caught.value.code == "invalid_transition"
    issued = services.discount_certificate_issue(
        actor=staff["vp"], customer_id=customer.pk, amount=Decimal("100.00"), reason="补偿"
    )
    with pytest.raises(Conflict) as caught:  # an issued one has nothing to decide
        services.discount_certificate_refuse(actor=staff["gm"], number=issued.number)
    assert caught.value.code == "invalid_transition"


def test_r4_only_the_vp_signs_a_discount_certificate(
    customer: Any, staff: dict[str, Any], new_return: Any, complaint: Any
) -> None:
    found = new_return()
    for role in ("sales_manager", "sales", "finance"):
        with pytest.raises(PermissionDenied):
            services.discount_certificate_issue(
                actor=staff[role], customer_id=customer.pk, amount=Decimal("300.00"), reason="补偿"
            )
    certificate = services.discount_certificate_issue(
        actor=staff["vp"],
        customer_id=customer.pk,
        amount=Decimal("300.00"),
        reason="运输破损补偿",
        customer_signed=True,
        customer_signed_by_name="王经理",
        return_number=found.number,
        complaint_number=complaint.number.lower(),
    )
    assert certificate.number.startswith("ZK" + timezone.localtime().strftime("%Y%m"))
    assert (certificate.signed_by_vp, certificate.return_request, certificate.complaint_number) == (
        staff["vp"].user,
        found,
        complaint.number,
    )
    assert DiscountCertificate.objects.count() == 1
