"""P1: stores (库房) of each kind, each with an owner (issue 14 §2)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from aftersales.accounts.models import ServicePoint, User
from aftersales.core.access import Actor
from aftersales.core.errors import ValidationFailed, full_clean
from aftersales.core.events import event_record
from aftersales.customers.models import Customer
from aftersales.parts import events
from aftersales.parts.choices import StoreKind
from aftersales.parts.models import Store


def _required(field: str) -> ValidationFailed:
    return ValidationFailed(_("This kind of store needs this field."), fields={field: [_("Required.")]})


def _unknown(field: str, value: Any) -> ValidationFailed:
    return ValidationFailed(_("Unknown: %(value)s.") % {"value": value}, fields={field: [_("Unknown.")]})


def _user(username: Any, field: str) -> User:
    user = User.objects.filter(username=str(username or "").strip(), is_active=True).first()
    if user is None:
        raise _unknown(field, username)
    return user


@transaction.atomic
def store_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    owner: str | None = None,
    service_point: str | None = None,
    engineer: str | None = None,
    customer: str | None = None,
) -> Store:
    """Open a store. `service_point` (code) for a repair point's store, `engineer` (login) for a van
    (one per engineer; the engineer owns it), `customer` (customer number) for a dedicated store.
    The owner is `owner` (login), else the van's engineer, else the actor.
    Rule: P1. Raises: PermissionDenied, ValidationFailed. Events: store.created."""
    actor.require_perm("parts.add_store")
    code = (code or "").strip().upper()
    if kind not in StoreKind.values:
        raise ValidationFailed(
            _("Choose a kind of store."), fields={"kind": [pgettext("spare parts", "Unknown kind.")]}
        )
    if code and Store.objects.filter(code=code).exists():
        raise ValidationFailed(
            _("Store code %(code)s is taken.") % {"code": code}, fields={"code": [_("Already taken.")]}
        )
    store = Store(code=code, name=(name or "").strip(), kind=kind)
    if service_point:
        store.service_point = ServicePoint.objects.filter(code=str(service_point).strip().upper()).first()
        if store.service_point is None:
            raise _unknown("service_point", service_point)
    elif kind == StoreKind.SERVICE_POINT:
        raise _required("service_point")
    if engineer:
        store.engineer = _user(engineer, "engineer")
        if (
            Store.objects.filter(kind=StoreKind.ENGINEER, engineer=store.engineer).exists()
            and kind == StoreKind.ENGINEER
        ):
            raise ValidationFailed(
                _("This engineer already has a van store."), fields={"engineer": [_("Already has a van store.")]}
            )
    elif kind == StoreKind.ENGINEER:
        raise _required("engineer")
    if customer:
        store.customer = Customer.objects.filter(code=str(customer).strip().upper()).first()
        if store.customer is None:
            raise _unknown("customer", customer)
    elif kind == StoreKind.CUSTOMER:
        raise _required("customer")
    if owner:
        store.owner = _user(owner, "owner")
    else:
        store.owner = store.engineer or actor.user
    full_clean(store, exclude=["owner"])
    store.save()
    event_record(
        subject=store,
        action=events.STORE_CREATED,
        actor=actor,
        rule="P1",
        data={"code": store.code, "name": store.name, "kind": store.kind, "owner": store.owner_id},
    )
    return store
