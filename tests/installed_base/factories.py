"""Factories for the installed base. Rows are written directly (no events): tests of the services
make their own records through the services and assert the events those write."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from factory.django import DjangoModelFactory

from aftersales.calendars.choices import CalendarKind
from aftersales.calendars.models import WorkCalendar
from aftersales.customers.models import Customer
from aftersales.installed_base.choices import ContractCover
from aftersales.installed_base.models import (
    Product,
    ServiceContract,
    SubstituteEquipment,
    SubstituteLoan,
    Unit,
)


class CustomerFactory(DjangoModelFactory):
    """A plain customer row; codes KH9xxxxx stay clear of the numbers customer_create hands out."""

    class Meta:
        model = Customer

    code = factory.Sequence(lambda n: f"KH9{n:05d}")
    name = factory.Sequence(lambda n: f"测试设备用户{n}有限公司")


class CalendarFactory(DjangoModelFactory):
    """A custom work calendar (no hours needed: contracts only refer to it by code)."""

    class Meta:
        model = WorkCalendar

    code = factory.Sequence(lambda n: f"CAL-{n:03d}")
    name = factory.Sequence(lambda n: f"测试日历{n}")
    kind = CalendarKind.CUSTOM


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    model = factory.Sequence(lambda n: f"XK-{n:04d}")
    name = "数控铣床"
    spec = "工作台 1000×400 mm"
    category = "数控机床"
    warranty_months = None


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    serial = factory.Sequence(lambda n: f"SN{n:06d}")
    product = factory.SubFactory(ProductFactory)
    customer = factory.SubFactory(CustomerFactory)
    site = "上海市闵行区申富路 88 号"
    production_date = dt.date(2023, 12, 1)
    acceptance_date = dt.date(2024, 1, 15)
    warranty_months = None


class ContractFactory(DjangoModelFactory):
    """ContractFactory(customer=c, units=[u1, u2]) – the units must be the customer's."""

    class Meta:
        model = ServiceContract
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"HT1999{n:04d}")
    customer = factory.SubFactory(CustomerFactory)
    start_date = dt.date(2025, 1, 1)
    end_date = dt.date(2025, 12, 31)
    cover = ContractCover.OFFICE_HOURS
    terms = "年度保养协议"

    @factory.post_generation
    def units(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.units.set(extracted)


class EquipmentFactory(DjangoModelFactory):
    class Meta:
        model = SubstituteEquipment

    code = factory.Sequence(lambda n: f"DY-{n:03d}")
    product = factory.SubFactory(ProductFactory)
    serial = ""


class LoanFactory(DjangoModelFactory):
    class Meta:
        model = SubstituteLoan

    equipment = factory.SubFactory(EquipmentFactory)
    customer = factory.SubFactory(CustomerFactory)
    lent_on = dt.date(2025, 3, 1)
