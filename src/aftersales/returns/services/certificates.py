"""R4: discounts and compensation are given by a sales discount certificate (销货折扣证明单),
signed by the sales VP and the customer; above the VP's K7 limit by the general manager."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.access import Actor
from aftersales.core.errors import PermissionDenied, ValidationFailed, full_clean
from aftersales.core.events import event_record
from aftersales.core.numbering import number_next
from aftersales.customers.selectors import customer_get_for_request
from aftersales.returns import events
from aftersales.returns.errors import ReturnsErrorCode
from aftersales.returns.models import DiscountCertificate, ReturnRequest
from aftersales.returns.services.common import actor_may_decide, return_approval_level, role_label

MAX_AMOUNT = Decimal("9999999999.99")


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
    """The VP signs and issues a sales discount certificate, numbered ZK<yyyymm><seq:04d>; a
    discount above the VP's K7 limit is decided, and so signed, by the general manager.

    Rule: R4, K7. Raises: PermissionDenied (only the VP or, above the VP's limit, the GM signs;
    approval_limit_exceeded), NotFound, ValidationFailed. Events: discountcertificate.issued.
    """
    actor.require_perm("returns.add_discountcertificate")
    if not (actor.has_role("vp") or actor.has_role("gm")):
        raise PermissionDenied(_("R4: only the vice-president signs a sales discount certificate."))
    customer = customer_get_for_request(actor, customer_id)
    if not Decimal("0") < amount <= MAX_AMOUNT:
        message = _("Give an amount greater than zero.")
        raise ValidationFailed(message, fields={"amount": [message]})
    level = return_approval_level(amount)
    if not actor_may_decide(actor, level):
        raise PermissionDenied(
            _("K7: a discount of %(amount)s yuan is decided by the %(role)s, above your authority.")
            % {"amount": amount, "role": role_label(level.role)},
            code=ReturnsErrorCode.APPROVAL_LIMIT,
        )
    related = None
    if return_number:
        related = ReturnRequest.objects.filter(number=return_number.strip().upper(), customer=customer).first()
        if related is None:
            message = _("No return with this number belongs to the customer.")
            raise ValidationFailed(message, fields={"return_number": [message]})
    if customer_signed and not (customer_signed_by_name or "").strip():
        message = _("Give the name of the customer's signatory.")
        raise ValidationFailed(message, fields={"customer_signed_by_name": [message]})
    certificate = DiscountCertificate(
        customer=customer,
        amount=amount,
        reason=(reason or "").strip(),
        signed_by_vp=actor.user,
        signed_at=timezone.now(),
        customer_signed=customer_signed,
        customer_signed_by_name=(customer_signed_by_name or "").strip(),
        return_request=related,
        complaint_number=(complaint_number or "").strip().upper(),
    )
    full_clean(certificate, exclude=["number", "signed_by_vp", "customer"])
    month = timezone.localtime().strftime("%Y%m")
    certificate.number = f"ZK{month}{number_next(key='discount_certificate', period=month):04d}"
    certificate.save()
    event_record(
        subject=certificate,
        action=events.DISCOUNT_ISSUED,
        actor=actor,
        rule="R4",
        data={
            "amount": str(certificate.amount),
            "customer_signed": customer_signed,
            "return_number": related.number if related else "",
            "complaint_number": certificate.complaint_number,
        },
    )
    return certificate
