"""V1 / A5 planning: hand-over dates on month-end warranties, each rule, planning twice plans nothing new."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from aftersales.callbacks.models import Callback, SiteCheck
from aftersales.callbacks.planning import handover_date
from aftersales.callbacks.services import callbacks_plan
from aftersales.installed_base.warranty import WarrantyTerms, warranty_for
from tests.installed_base.factories import CustomerFactory, UnitFactory


@pytest.mark.parametrize(
    ("acceptance", "months", "last_day", "handover"),
    [
        (dt.date(2025, 1, 31), 24, dt.date(2027, 1, 30), dt.date(2026, 12, 30)),
        (dt.date(2024, 3, 31), 24, dt.date(2026, 3, 30), dt.date(2026, 2, 28)),  # 30 Mar → 28 Feb
        (dt.date(2022, 3, 31), 24, dt.date(2024, 3, 30), dt.date(2024, 2, 29)),  # leap year
        (dt.date(2025, 4, 1), 24, dt.date(2027, 3, 31), dt.date(2027, 2, 28)),  # 31 Mar → 28 Feb
        (dt.date(2025, 6, 1), 36, dt.date(2028, 5, 31), dt.date(2028, 4, 30)),  # 31 May → 30 Apr
        (dt.date(2025, 1, 15), 24, dt.date(2027, 1, 14), dt.date(2026, 12, 14)),
    ],
)
def test_handover_date_on_month_end_warranties(acceptance, months, last_day, handover):
    warranty = warranty_for(
        production_date=None, acceptance_date=acceptance, unit_months=months, product_months=None, terms=WarrantyTerms()
    )
    assert warranty.end == last_day
    assert handover_date(warranty.end, 1) == handover


@pytest.fixture
def plan_data(db):
    key = CustomerFactory(key_account=True)
    plain = CustomerFactory()
    # in warranty; the hand-over day (2026-11-30 → one month before 2026-12-30… see below) has come
    UnitFactory(customer=key, acceptance_date=dt.date(2025, 1, 1), warranty_months=24)  # last day 2026-12-31
    UnitFactory(customer=plain, acceptance_date=dt.date(2025, 6, 1), warranty_months=24)  # last day 2027-05-31
    UnitFactory(customer=plain, acceptance_date=dt.date(2019, 6, 1), warranty_months=24)  # long out of warranty
    return key, plain


def test_planning_twice_plans_nothing_new(plan_data):
    on = dt.date(2026, 11, 30)  # a Monday; every customer's spread day of November has come
    first = callbacks_plan(on=on)
    assert first.total > 0
    count, checks = Callback.objects.count(), SiteCheck.objects.count()
    second = callbacks_plan(on=on)
    assert second.total == 0
    assert second.site_checks == 0
    assert (Callback.objects.count(), SiteCheck.objects.count()) == (count, checks)


def test_rules_on_one_day(plan_data):
    key, plain = plan_data
    report = callbacks_plan(on=dt.date(2026, 11, 30))
    kinds = sorted(Callback.objects.values_list("kind", "customer_id"))
    assert ("routine", key.pk) in kinds
    assert ("routine", plain.pk) not in kinds
    assert ("warranty_month", key.pk) in kinds
    assert ("warranty_month", plain.pk) in kinds
    assert ("handover", key.pk) in kinds  # last day 2026-12-31 → hand-over from 2026-11-30
    assert ("handover", plain.pk) not in kinds  # its hand-over day is 2027-04-30
    assert ("key_account_care", key.pk) in kinds
    assert report.site_checks == 2
    assert all(c.due_at is not None for c in Callback.objects.all())  # each has its clock's due time


def test_handover_is_planned_on_its_day_not_before(db):
    customer = CustomerFactory()
    unit = UnitFactory(customer=customer, acceptance_date=dt.date(2024, 4, 1), warranty_months=24)  # last 2026-03-31
    callbacks_plan(on=dt.date(2026, 2, 27))
    assert not Callback.objects.filter(kind="handover").exists()
    callbacks_plan(on=dt.date(2026, 2, 28))
    assert Callback.objects.get(kind="handover").unit_id == unit.pk


def test_command_plans_and_reports(plan_data, capsys):
    call_command("plan_callbacks", "--on", "2026-11-30")
    assert "planned" in capsys.readouterr().out
    call_command("plan_callbacks", "--on", "2026-11-30")
    assert "planned 0 callbacks" in capsys.readouterr().out


def test_after_a_closed_request_and_a_closed_complaint(db, plan_data):
    from django.utils import timezone

    from aftersales.complaints.models import Complaint
    from aftersales.service.models import ServiceRequest

    key, _plain = plan_data
    today = timezone.localdate()
    closed = ServiceRequest.objects.filter(pk__in=[]).first()
    assert closed is None  # no requests: only the planned kinds
    callbacks_plan(on=today)
    assert not Callback.objects.filter(kind__in=["after_service", "after_complaint"]).exists()
    assert not Complaint.objects.exists()
