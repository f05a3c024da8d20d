"""R4: discounts and compensation are given by a sales discount certificate (销货折扣证明单),
signed by the sales VP and the customer. The discount is bound by K7 too: within the signer's
authority it is issued at once; above it (the VP and more than 5000 yuan) it waits for an approval
of the level it needs, decided through the approvals engine (complaints.services.approvals), whose
approver then signs it."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.selectors import actor_for
from aftersales.approvals.selectors import pending_approval_lock
from aftersales.approvals.services import (
    LIMITS_KEY,
    Approval,
    ApprovalKind,
    ApprovalPurpose,
    ApprovalState,
    actor_may_decide,
    approval_decide,
    approval_level,
    approval_request,
)
from aftersales.core.access import Actor
from aftersales.core.errors import PermissionDenied, ValidationFailed, full_clean
from aftersales.core.events import event_record
from aftersales.core.numbering import number_next
from aftersales.core.workflow import expect_transition, transition
from aftersales.customers.selectors import customer_get_for_request
from aftersales.returns import events
from aftersales.returns.choices import CertificateState
from aftersales.returns.models import DiscountCertificate, ReturnRequest
from aftersales.returns.selectors import access_discount_certificate
from aftersales.returns.services.common import complaint_number_of
from aftersales.returns.transitions import CERTIFICATE_TRANSITIONS

MAX_AMOUNT = Decimal("9999999999.99")
SIGN_PERM = "returns.add_discountcertificate"


def _signer(actor: Actor) -> None:
    actor.require_perm(SIGN_PERM)
    if not (actor.has_role("vp") or actor.has_role("gm")):
        raise PermissionDenied(_("R4: only the vice-president signs a sales discount certificate."))


@transaction.atomic
def discount_certificate_issue(
    *,
    actor: Actor,
    customer_id: int,
    amount: Decimal,
    reason: str,
    customer_signed: bool = False,
    customer_signed_by_name: str = "",
    return_number: str = "",
    complaint_number: str = "",
) -> DiscountCertificate:
    """The VP signs and issues a sales discount certificate, numbered ZK<yyyymm><seq:04d>. A discount
    above the signer's K7 authority is not issued: it waits (awaiting_approval) for the approval of
    the level it needs (the GM above the VP's limit), asked through the approvals engine.

    Rule: R4, K7. Raises: PermissionDenied (only the VP or the GM signs), NotFound, ValidationFailed.
    Events: discountcertificate.issued, or discountcertificate.awaiting_approval and approval.requested.
    """
    _signer(actor)
    customer = customer_get_for_request(actor, customer_id)
    if not Decimal("0") < amount <= MAX_AMOUNT:
        message = _("Give an amount greater than zero.")
        raise ValidationFailed(message, fields={"amount": [message]})
    related = None
    if return_number:
        related = ReturnRequest.objects.filter(number=return_number.strip().upper(), customer=customer).first()
        if related is None:
            message = _("No return with this number belongs to the customer.")
            raise ValidationFailed(message, fields={"return_number": [message]})
    if customer_signed and not (customer_signed_by_name or "").strip():
        message = _("Give the name of the customer's signatory.")
        raise ValidationFailed(message, fields={"customer_signed_by_name": [message]})
    role, explanation = approval_level(amount)
    within = actor_may_decide(actor, role)
    now = timezone.now()
    certificate = DiscountCertificate(
        customer=customer,
        amount=amount,
        reason=(reason or "").strip(),
        state=CertificateState.ISSUED if within else CertificateState.AWAITING_APPROVAL,
        requested_by=actor.user,
        signed_by_vp=actor.user if within else None,
        signed_at=now if within else None,
        customer_signed=customer_signed,
        customer_signed_by_name=(customer_signed_by_name or "").strip(),
        return_request=related,
        complaint_number=complaint_number_of(customer, complaint_number),
    )
    full_clean(certificate, exclude=["number", "requested_by", "signed_by_vp", "customer"])
    month = timezone.localtime().strftime("%Y%m")
    certificate.number = f"ZK{month}{number_next(key='discount_certificate', period=month):04d}"
    certificate.save()
    data = {
        "amount": str(certificate.amount),
        "customer_signed": customer_signed,
        "return_number": related.number if related else "",
        "complaint_number": certificate.complaint_number,
    }
    if within:
        event_record(subject=certificate, action=events.DISCOUNT_ISSUED, actor=actor, rule="R4", data=data)
        return certificate
    event_record(
        subject=certificate,
        action=events.DISCOUNT_AWAITING_APPROVAL,
        actor=actor,
        rule="K7",
        policy_version=explanation["policy_version"],
        data={**data, "approval_role": role},
    )
    _ask_approval(actor, certificate)
    return certificate


def _ask_approval(actor: Actor, certificate: DiscountCertificate) -> Approval:
    """K7: the certificate waits for the approver its amount needs, in the approval queue."""
    return approval_request(
        actor=actor,
        subject=certificate,
        kind=ApprovalKind.DISCOUNT_CERTIFICATE,
        purpose=ApprovalPurpose.DISCOUNT,
        amount=certificate.amount,
        note=certificate.reason[:500],
        policy_key=LIMITS_KEY,
    )


def _decide(actor: Actor, number: str, *, approve: bool, note: str) -> DiscountCertificate:
    _signer(actor)
    seen = access_discount_certificate(actor, number)
    approval = pending_approval_lock(seen)
    certificate = access_discount_certificate(actor, number, for_update=True)
    expect_transition(
        certificate,
        table=CERTIFICATE_TRANSITIONS,
        to=CertificateState.ISSUED if approve else CertificateState.REFUSED,
    )
    if approval is None:  # not expected (asked when it was filled in): ask on the signer's behalf now
        approval = _ask_approval(actor_for(certificate.requested_by), certificate)
    approval_decide(actor=actor, approval_id=approval.pk, approve=approve, note=note)
    certificate.refresh_from_db()
    return certificate


@transaction.atomic
def discount_certificate_approve(*, actor: Actor, number: str, note: str = "") -> DiscountCertificate:
    """Approve a certificate waiting for its K7 approval: the approver signs it and it is issued.

    Decided through the approvals engine: the actor's authority must reach the level the amount needs,
    and nobody decides their own request. Rule: R4, K7. Raises: PermissionDenied (own_approval),
    BeyondAuthority (403 beyond_authority), NotFound, Conflict. Events: approval.decided,
    discountcertificate.issued.
    """
    return _decide(actor, number, approve=True, note=note)


@transaction.atomic
def discount_certificate_refuse(*, actor: Actor, number: str, note: str = "") -> DiscountCertificate:
    """Refuse a certificate waiting for its K7 approval; it ends. The same authority as approving.

    Rule: R4, K7. Raises: PermissionDenied (own_approval), BeyondAuthority (403 beyond_authority),
    NotFound, Conflict. Events: approval.decided, discountcertificate.refused.
    """
    return _decide(actor, number, approve=False, note=note)


def discount_certificate_approval_decided(approval: Approval) -> None:
    """Approval handler (inside approval_decide's transaction): approved → issued, signed by the approver;
    refused → refused.

    Rule: R4, K7. Raises: nothing. Events: discountcertificate.issued / discountcertificate.refused.
    """
    certificate = DiscountCertificate.objects.select_for_update(of=("self",)).filter(pk=approval.subject_id).first()
    if certificate is None or certificate.state != CertificateState.AWAITING_APPROVAL:
        return
    approved = approval.state == ApprovalState.APPROVED
    if approved:
        certificate.signed_by_vp = approval.decided_by
        certificate.signed_at = approval.decided_at
    transition(
        certificate,
        to=CertificateState.ISSUED if approved else CertificateState.REFUSED,
        table=CERTIFICATE_TRANSITIONS,
        actor=approval.decided_by,
        reason=approval.decision_note,
        policy_version=approval.policy_version,
        data={"approval": approval.pk, "amount": str(certificate.amount), "level": approval.required_role},
        extra_update_fields=("signed_by_vp", "signed_at") if approved else (),
    )
