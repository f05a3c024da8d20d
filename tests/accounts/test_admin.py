"""The Django admin: superusers write (service points' calendars, X1), other staff only read."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.accounts.models import ServicePoint
from aftersales.calendars.models import WorkCalendar
from tests.accounts.factories import RegionFactory, ServicePointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_admin(db):
    """A superuser: the only one who writes in the Django admin (accounts.adminsite)."""
    from aftersales.accounts.models import User

    client = Client()
    client.force_login(User.objects.create_superuser("root", password="Root-pass-2026!"))
    return client


def test_x1_service_point_admin_sets_and_clears_the_calendar(staff_admin):
    region = RegionFactory()
    always = WorkCalendar.objects.get(code="24x7")
    data = {"code": "SH01", "name": "上海办事处", "kind": "office", "region": region.pk, "address": "", "phone": ""}
    form = staff_admin.get(reverse("admin:accounts_servicepoint_add")).content.decode()
    assert '<select name="calendar"' in form
    response = staff_admin.post(reverse("admin:accounts_servicepoint_add"), {**data, "calendar": always.pk})
    assert response.status_code == 302
    point = ServicePoint.objects.get(code="SH01")
    assert point.calendar == always
    change = reverse("admin:accounts_servicepoint_change", args=[point.pk])
    assert staff_admin.post(change, {**data, "calendar": ""}).status_code == 302
    point.refresh_from_db()
    assert point.calendar_id is None


def test_x1_service_point_admin_list_shows_the_calendar(staff_admin):
    ServicePointFactory(code="BJ01", calendar=WorkCalendar.objects.get(code="CN"))
    html = staff_admin.get(reverse("admin:accounts_servicepoint_changelist")).content.decode()
    assert "BJ01" in html
    assert "CN 中国法定工作日历" in html
