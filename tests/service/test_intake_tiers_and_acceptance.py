"""Issue 13, faults 7 and 9: charging before acceptance (A3, S4) and the region tier (C9) at intake."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from aftersales.accounts.models import Region, ServicePoint
from aftersales.accounts.selectors import region_tier_for, service_point_for_region
from aftersales.service.services import service_request_create
from aftersales.web.management.commands.seed_demo import REGIONS, SERVICE_POINTS
from tests.installed_base.factories import CustomerFactory, UnitFactory

pytestmark = pytest.mark.django_db


# --- fault 7: a new unit before acceptance is the supplier's installation duty (charging C) ---


@pytest.mark.parametrize(
    ("production", "acceptance"),
    [
        (-20, None),  # delivered, no acceptance record: the warranty starts production + 3 months
        (-20, 30),  # acceptance booked for next month
    ],
)
def test_a3_s4_request_for_a_unit_not_yet_accepted_is_charged_c_before_acceptance(
    staff: dict[str, Any], customer: Any, production: int, acceptance: int | None
) -> None:
    today = timezone.localdate()
    unit = UnitFactory(
        customer=customer,
        production_date=today + dt.timedelta(days=production),
        acceptance_date=today + dt.timedelta(days=acceptance) if acceptance is not None else None,
    )

    request = service_request_create(
        actor=staff["agent"], customer_id=customer.pk, serial=unit.serial, channel="phone", fault="安装后无法开机"
    )

    assert (request.charging_type, request.in_warranty) == ("C", False)
    assert "保修期尚未开始" in request.charging_basis or "not started" in request.charging_basis


def test_a3_unit_page_shows_before_acceptance(staff: dict[str, Any], customer: Any) -> None:
    from django.test import Client
    from django.urls import reverse

    today = timezone.localdate()
    unit = UnitFactory(customer=customer, production_date=today, acceptance_date=None)
    client = Client()
    client.force_login(staff["agent"].user)

    html = client.get(reverse("installed_base:unit_detail", args=[unit.serial])).content.decode()

    assert 'id="warranty-badge"' in html
    badge = html.split('id="warranty-badge">')[1].split("<")[0]
    assert badge in ("Before acceptance", "验收前")


# --- fault 9: the tier is relative to the service point that serves the region ---------------


def test_c9_tier_rule_same_city_same_province_remote() -> None:
    shanghai = Region.objects.create(code="SH", name="上海市", province="上海", tier="same_city")
    suzhou = Region.objects.create(code="JS-SZ", name="苏州", province="江苏", tier="same_province")
    wuxi = Region.objects.create(code="JS-WX", name="无锡", province="江苏", tier="same_province")
    lanzhou = Region.objects.create(code="GS-LZ", name="兰州", province="甘肃", tier="same_city")
    centre = ServicePoint.objects.create(code="SP-SH", name="上海服务中心", region=shanghai, kind="headquarters")
    office = ServicePoint.objects.create(code="SP-SZ", name="苏州办事处", region=suzhou)

    assert service_point_for_region(suzhou) == office
    assert service_point_for_region(wuxi) == office  # its province's point
    assert service_point_for_region(lanzhou) == centre  # nobody in 甘肃: the service centre
    assert region_tier_for(suzhou, office) == "same_city"
    assert region_tier_for(wuxi, office) == "same_province"
    assert region_tier_for(lanzhou, centre) == "remote"
    assert region_tier_for(suzhou, centre) == "remote"  # 江苏 seen from 上海 is another province
    assert region_tier_for(suzhou, None) == "same_province"  # no point at all: the recorded tier
    assert region_tier_for(None, centre) == ""


def test_c9_demo_regions_record_the_tier_their_service_point_gives() -> None:
    regions = {
        code: Region.objects.create(code=code, name=name, province=province, tier=tier)
        for code, name, province, tier in REGIONS
    }
    for code, name, kind, region, address, phone in SERVICE_POINTS:
        ServicePoint.objects.create(
            code=code, name=name, kind=kind, region=regions[region], address=address, phone=phone
        )

    computed = {code: region_tier_for(r, service_point_for_region(r)) for code, r in regions.items()}

    assert computed == {code: r.tier for code, r in regions.items()}
    assert (computed["JS-SZ"], computed["JS-NJ"], computed["ZJ-HZ"]) == ("same_city",) * 3


def test_c9_request_for_a_customer_in_a_city_with_its_own_office_is_same_city(staff: dict[str, Any]) -> None:
    shanghai = Region.objects.get(code="SH")
    ServicePoint.objects.filter(region=shanghai).update(kind="headquarters")
    suzhou = Region.objects.create(code="JS-SZ", name="苏州", province="江苏", tier="same_province")
    ServicePoint.objects.create(code="SP-SZ", name="苏州办事处", region=suzhou)
    nanjing = Region.objects.create(code="JS-NJ", name="南京", province="江苏", tier="same_province")
    shenzhen = Region.objects.create(code="GD-SZ", name="深圳", province="广东", tier="same_province")
    tiers = {}
    for region in (suzhou, nanjing, shenzhen):
        customer = CustomerFactory(region=region)
        unit = UnitFactory(customer=customer)
        request = service_request_create(
            actor=staff["agent"], customer_id=customer.pk, serial=unit.serial, channel="phone", fault="无法开机"
        )
        tiers[region.code] = (request.region_tier, request.service_point.code if request.service_point else None)

    assert tiers == {
        "JS-SZ": ("same_city", "SP-SZ"),
        "JS-NJ": ("same_province", "SP-SZ"),
        "GD-SZ": ("remote", "SP-SH"),
    }
