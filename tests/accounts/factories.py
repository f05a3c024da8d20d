"""Factories for the organisation: regions and service points, written directly (no events)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from aftersales.accounts.models import Region, ServicePoint


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"R{n:03d}")
    name = factory.Sequence(lambda n: f"华东{n}区")
    province = "上海"


class ServicePointFactory(DjangoModelFactory):
    class Meta:
        model = ServicePoint

    code = factory.Sequence(lambda n: f"SP{n:03d}")
    name = factory.Sequence(lambda n: f"上海办事处{n}")
    region = factory.SubFactory(RegionFactory)
    calendar = None
