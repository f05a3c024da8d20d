"""Calendar pages: list, month grid with holidays and 调休 days, exception forms, the year's notice (X1)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from aftersales.calendars.models import CalendarDay, StatutoryYear
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client, make_user):
    def _login(role: str):
        user = make_user(role)
        client.login(username=user.username, password=PASSWORD)
        return client

    return _login


@pytest.fixture
def november_2026(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 11, 23))


def _cell(html: str, date: str) -> str:
    match = re.search(rf'<td[^>]*data-date="{date}"[^>]*>(.*?)</td>', html, re.S)
    assert match, date
    return match.group(0)


def test_x1_list_page_and_menu(login, november_2026):
    page = login("agent").get("/calendars/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-code="CN"' in html
    assert 'data-code="24x7"' in html
    assert "2004–2026" in html
    assert "data-missing" not in html  # warnings are for administrators
    # the menu entry: in the menus of the roles that keep calendars; the agent opens the page by address
    assert 'href="/calendars/"' in login("cs_manager").get("/").content.decode()


def test_x1_administrators_are_warned_about_next_year(login, november_2026):
    html = login("admin").get("/calendars/").content.decode()
    assert 'data-missing="CN"' in html
    assert "/calendars/CN/years/2027/notice/" in html


def test_x1_month_grid_marks_holidays_and_makeup_days(login):
    page = login("agent").get("/calendars/CN/2025/1/")
    assert page.status_code == 200
    html = page.content.decode()
    makeup = _cell(html, "2025-01-26")
    assert 'data-type="makeup"' in makeup
    assert "春节" in makeup
    assert "09:00–18:00" in makeup
    holiday = _cell(html, "2025-01-28")
    assert 'data-type="holiday"' in holiday
    assert "春节" in holiday
    assert 'data-type="rest"' in _cell(html, "2025-01-25")
    assert 'data-type="workday"' in _cell(html, "2025-01-27")
    assert 'data-type="holiday"' in _cell(html, "2025-01-01")
    assert "元旦" in _cell(html, "2025-01-01")
    assert 'href="/calendars/CN/2024/12/"' in html
    assert 'href="/calendars/CN/2025/2/"' in html
    assert 'id="weekly-hours"' in html
    assert 'id="day-form"' not in html  # agents only read
    assert "not-covered" not in html


def test_x1_month_of_a_year_without_data_says_so(login):
    html = login("admin").get("/calendars/CN/2027/2/").content.decode()
    assert 'id="not-covered"' in html
    assert "/calendars/CN/years/2027/notice/" in html


@pytest.mark.parametrize(
    "url", ["/calendars/CN/2025/13/", "/calendars/CN/2025/0/", "/calendars/NOPE/2025/1/", "/calendars/NOPE/"]
)
def test_x1_month_not_found(login, url):
    assert login("agent").get(url).status_code == 404


def test_x1_detail_redirects_to_this_month(login):
    today = timezone.localdate()
    response = login("agent").get("/calendars/CN/")
    assert response.status_code == 302
    assert response["Location"] == f"/calendars/CN/{today.year}/{today.month}/"


def test_x1_admin_adds_a_day_from_the_month_page(login):
    client = login("admin")
    page = client.get("/calendars/CN/2025/3/")
    assert 'id="day-form"' in page.content.decode()
    response = client.post("/calendars/CN/2025/3/", {"date": "2025-03-03", "kind": "holiday", "name": "公司年会"})
    assert response.status_code == 302
    assert response["Location"] == "/calendars/CN/2025/3/"
    day = CalendarDay.objects.get(calendar__code="CN", date=dt.date(2025, 3, 3))
    assert (day.kind, day.name, day.source) == ("holiday", "公司年会", "admin")
    html = client.get("/calendars/CN/2025/3/").content.decode()
    assert "公司年会" in _cell(html, "2025-03-03")
    assert "/calendars/CN/days/2025-03-03/remove/" in html


def test_x1_day_form_errors_are_shown_next_to_the_fields(login):
    client = login("admin")
    response = client.post("/calendars/CN/2025/3/", {"date": "not a date", "kind": "weekend", "name": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-field-error="date"' in html
    assert 'data-field-error="kind"' in html
    assert not CalendarDay.objects.filter(calendar__code="CN", date__month=3, date__year=2025).exists()


def test_x1_day_form_in_chinese(login):
    client = login("admin")
    html = client.post("/calendars/CN/2025/3/", {"date": "", "kind": "holiday"}).content.decode()
    assert "这个字段是必填项" in html  # Django's own message, in the user's language


def test_x1_agents_cannot_post_days(login):
    client = login("agent")
    assert client.post("/calendars/CN/2025/3/", {"date": "2025-03-03", "kind": "holiday"}).status_code == 403
    assert client.post("/calendars/CN/days/2025-01-28/remove/").status_code == 403
    assert not CalendarDay.objects.filter(calendar__code="CN", date=dt.date(2025, 3, 3)).exists()
    assert CalendarDay.objects.filter(calendar__code="CN", date=dt.date(2025, 1, 28)).exists()


def test_x1_admin_removes_a_day(login):
    client = login("admin")
    response = client.post("/calendars/CN/days/2025-01-28/remove/")
    assert response.status_code == 302
    assert response["Location"] == "/calendars/CN/2025/1/"
    assert not CalendarDay.objects.filter(calendar__code="CN", date=dt.date(2025, 1, 28)).exists()
    again = client.post("/calendars/CN/days/2025-01-28/remove/", follow=True)
    assert again.status_code == 200
    assert client.post("/calendars/CN/days/2025-99-28/remove/").status_code == 404
    assert client.get("/calendars/CN/days/2025-01-27/remove/").status_code == 405


def test_x1_year_notice_page_is_prefilled(login):
    html = login("admin").get("/calendars/CN/years/2025/notice/").content.decode()
    assert "2025-01-28..2025-02-04 春节" in html
    assert "2025-01-26 春节" in html
    assert "2025-10-01..2025-10-05 国庆节" in html
    assert "2025-10-06 中秋节" in html


def test_x1_admin_enters_next_years_notice(login):
    client = login("admin")
    response = client.post(
        "/calendars/CN/years/2027/notice/",
        {
            "holidays": "2027-01-01 元旦\n2027-02-06..2027-02-13 春节\n# comment\n",
            "workdays": "2027-02-20 春节",
            "note": "国办发明电〔2026〕1号",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/calendars/CN/2027/1/"
    year = StatutoryYear.objects.get(calendar__code="CN", year=2027)
    assert (year.source, year.note) == ("admin", "国办发明电〔2026〕1号")
    assert CalendarDay.objects.filter(calendar__code="CN", date__year=2027, kind="holiday").count() == 9
    html = client.get("/calendars/CN/2027/2/").content.decode()
    assert 'data-type="makeup"' in _cell(html, "2027-02-20")
    assert 'id="not-covered"' not in html


@pytest.mark.parametrize(
    ("holidays", "workdays", "field"),
    [
        ("2026-12-31 跨年", "", "holidays"),
        ("garbage", "", "holidays"),
        ("2027-02-13..2027-02-06 春节", "", "holidays"),
        ("2027-02-30 春节", "", "holidays"),
        ("", "", "holidays"),
        ("2027-01-01 元旦", "2027-01-01 元旦", "workdays"),
        ("2027-01-01 元旦", "2027-02-22 春节", "workdays"),  # a Monday: already a working day (service check)
    ],
)
def test_x1_year_notice_errors_next_to_the_fields(login, holidays, workdays, field):
    response = login("admin").post("/calendars/CN/years/2027/notice/", {"holidays": holidays, "workdays": workdays})
    assert response.status_code == 200
    assert f'data-field-error="{field}"' in response.content.decode()
    assert not StatutoryYear.objects.filter(year=2027).exists()


def test_x1_year_notice_only_for_statutory_calendars_and_administrators(login, client, make_user):
    assert login("admin").get("/calendars/24x7/years/2027/notice/").status_code == 404
    client.logout()
    assert login("agent").get("/calendars/CN/years/2027/notice/").status_code == 403
