"""Factories for customer files. Files and contacts are made through the services, so the
phone index (C6), the numbering and the events are exactly what production writes."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from aftersales.accounts.choices import RegionTier
from aftersales.accounts.models import Region, User
from aftersales.accounts.selectors import actor_for
from aftersales.core.access import Actor
from aftersales.customers.models import Contact, Customer
from aftersales.customers.services import ContactData, contact_add, customer_create

FACTORY_USERNAME = "factory_admin"


def factory_actor() -> Actor:
    """An administrator that creates factory rows (and owns them unless told otherwise)."""
    from aftersales.accounts.services import user_create

    user = User.objects.filter(username=FACTORY_USERNAME).first()
    if user is None:
        user = user_create(actor=None, username=FACTORY_USERNAME, password="factory-pass-1", role="admin")
    return actor_for(user)


class RegionFactory(DjangoModelFactory):
    """Regions are reference data without a service; a plain row is what the admin makes."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"R{n:03d}")
    name = factory.Sequence(lambda n: f"区域{n}")
    province = "上海"
    tier = RegionTier.SAME_CITY


class CustomerFactory(factory.Factory):
    """CustomerFactory(owner=user, contacts=[ContactData(...)], confidential=True) → via customer_create."""

    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"测试客户{n}有限公司")
    kind = "end_user"
    phone = factory.Sequence(lambda n: f"0571-8{n:07d}")
    address = "杭州市西湖区文三路1号"
    region = None
    credit_rating = "B"
    key_account = False
    confidential = False
    owner = None
    contacts: Any = factory.LazyFunction(list)
    actor = None

    @classmethod
    def _create(cls, model_class: type[Customer], *args: Any, **kwargs: Any) -> Customer:
        actor = kwargs.pop("actor") or factory_actor()
        region = kwargs.pop("region")
        owner = kwargs.pop("owner")
        return customer_create(
            actor=actor,
            region_id=region.pk if region else None,
            owner_id=owner.pk if owner else None,
            **kwargs,
        )


class ContactFactory(factory.Factory):
    """ContactFactory(customer=c, phone="...") → via contact_add (keeps the phone index right)."""

    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    title = "设备科科长"
    email = ""
    is_primary = False
    actor = None

    @classmethod
    def _create(cls, model_class: type[Contact], *args: Any, **kwargs: Any) -> Contact:
        actor = kwargs.pop("actor") or factory_actor()
        customer = kwargs.pop("customer")
        return contact_add(actor=actor, customer_id=customer.pk, contact=ContactData(**kwargs))
