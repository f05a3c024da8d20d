"""GET /calendars…/add, /between, /days and the administrator writes (X1, X2): typed errors, never a 500."""

from __future__ import annotations

import pytest

from aftersales.calendars.models import CalendarDay, StatutoryYear
from aftersales.calendars.statutory import package_year
from aftersales.core.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(api_as):
    return api_as("agent")


def test_x2_add_working_hours_across_spring_festival(agent):
    response = agent.get("calendars/CN/add", start="2025-01-27T16:00:00+08:00", amount=4, unit="working_hours")
    assert response.status_code == 200
    body = response.json()
    assert body["due"] == "2025-02-05T11:00:00+08:00"
    assert body["calendar"] == "CN"
    assert body["calendar_version"] == 1
    explanation = body["explanation"]
    assert explanation["intervals"] == [
        ["2025-01-27T16:00:00+08:00", "2025-01-27T18:00:00+08:00"],
        ["2025-02-05T09:00:00+08:00", "2025-02-05T11:00:00+08:00"],
    ]
    assert explanation["holidays_skipped"][0] == {"date": "2025-01-28", "name": "春节"}
    assert len(explanation["holidays_skipped"]) == 8
    assert explanation["working_seconds"] == 4 * 3600


@pytest.mark.parametrize(
    ("start", "amount", "unit", "due"),
    [
        ("2025-09-26T11:00:00+08:00", 6, "working_days", "2025-10-11T11:00:00+08:00"),
        ("2026-02-13T14:00:00+08:00", 16, "working_hours", "2026-02-24T12:00:00+08:00"),
        ("2026-02-14T17:50:00+08:00", 20, "working_minutes", "2026-02-24T09:10:00+08:00"),
        ("2026-09-30T16:00:00+08:00", 2, "days", "2026-10-02T16:00:00+08:00"),
        ("2026-09-30T08:00:00Z", 24, "hours", "2026-10-01T16:00:00+08:00"),  # UTC in, Shanghai out
    ],
)
def test_x2_add_table(agent, start, amount, unit, due):
    response = agent.get("calendars/CN/add", start=start, amount=amount, unit=unit)
    assert response.status_code == 200, response.json()
    assert response.json()["due"] == due


def test_x2_add_accepts_an_unencoded_plus_in_the_offset(agent):
    # "+" in a raw query string arrives as a space; the offset is still understood.
    response = agent.client.get(
        "/api/v1/calendars/CN/add?start=2025-01-27T16:00:00+08:00&amount=4&unit=working_hours", **agent.headers
    )
    assert response.status_code == 200
    assert response.json()["due"] == "2025-02-05T11:00:00+08:00"


def test_x2_add_on_the_7x24_calendar(agent):
    response = agent.get("calendars/24x7/add", start="2025-01-28T23:00:00+08:00", amount=2, unit="working_hours")
    assert response.json()["due"] == "2025-01-29T01:00:00+08:00"


def test_x2_between(agent):
    response = agent.get("calendars/CN/between", start="2025-01-27T09:00:00+08:00", end="2025-02-05T18:00:00+08:00")
    assert response.status_code == 200
    assert response.json() == {
        "seconds": 18 * 3600,
        "calendar": "CN",
        "calendar_version": 1,
        "start": "2025-01-27T09:00:00+08:00",
        "end": "2025-02-05T18:00:00+08:00",
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "yesterday", "amount": 1, "unit": "working_hours"}, "start"),
        ({"start": "2025-01-27T09:00:00", "amount": 1, "unit": "working_hours"}, "start"),  # no offset
        ({"start": "2025-13-27T09:00:00+08:00", "amount": 1, "unit": "working_hours"}, "start"),
        ({"start": "", "amount": 1, "unit": "working_hours"}, "start"),
        ({"start": "0001-01-01T00:00:00+08:00", "amount": 1, "unit": "working_hours"}, "start"),
        ({"start": "2025-01-27T09:00:00+08:00", "amount": -1, "unit": "working_hours"}, "amount"),
        ({"start": "2025-01-27T09:00:00+08:00", "amount": "x", "unit": "working_hours"}, "amount"),
        ({"start": "2025-01-27T09:00:00+08:00", "amount": 10**30, "unit": "working_hours"}, "amount"),
        ({"start": "2025-01-27T09:00:00+08:00", "amount": 1, "unit": "fortnights"}, "unit"),
        ({"amount": 1, "unit": "working_hours"}, "start"),
    ],
)
def test_x2_add_bad_input_is_422(agent, params, field):
    response = agent.get("calendars/CN/add", **params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed"
    assert field in body["fields"]


def test_x2_between_bad_input_is_422(agent):
    response = agent.get("calendars/CN/between", start="2025-01-27T09:00:00+08:00", end="soon")
    assert response.status_code == 422
    assert "end" in response.json()["fields"]


def test_x2_a_year_without_data_is_409_with_a_clear_message(agent):
    response = agent.get("calendars/CN/add", start="2026-12-31T17:00:00+08:00", amount=2, unit="working_hours")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "calendar_data_missing"
    assert body["fields"] == {"year": ["2027"]}
    assert "2027" in body["message"]
    assert "CN" in body["message"]
    between = agent.get("calendars/CN/between", start="2026-12-31T09:00:00+08:00", end="2027-01-05T09:00:00+08:00")
    assert between.status_code == 409


def test_x2_huge_amounts_on_an_open_calendar_are_answered_or_refused_never_500(api_as):
    admin = api_as("admin")
    response = admin.get("calendars/CN/add", start="2025-01-27T09:00:00+08:00", amount=100_000, unit="working_days")
    assert response.status_code == 409
    response = admin.get("calendars/24x7/add", start="2025-01-27T09:00:00+08:00", amount=100_000, unit="days")
    assert response.status_code == 200
    assert response.json()["due"].startswith("2298-11-12")


def test_x1_unknown_calendar_is_404(agent):
    response = agent.get("calendars/NOPE/add", start="2025-01-27T09:00:00+08:00", amount=1, unit="working_hours")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert agent.get("calendars/NOPE").status_code == 404
    assert agent.get("calendars/NOPE/days", year=2025).status_code == 404


def test_x1_calendar_list_and_detail(agent):
    rows = {row["code"]: row for row in agent.get("calendars").json()}
    assert set(rows) >= {"CN", "24x7"}
    cn = rows["CN"]
    assert cn["kind"] == "statutory"
    assert cn["timezone"] == "Asia/Shanghai"
    assert cn["intervals"] == [{"weekday": d, "start": "09:00", "end": "18:00"} for d in range(5)]
    assert cn["statutory_years"] == list(range(2004, 2027))
    assert rows["24x7"]["intervals"] == []
    assert agent.get("calendars/CN").json() == cn


def test_x1_days_of_a_year(agent):
    response = agent.get("calendars/CN/days", year=2025)
    assert response.status_code == 200
    days = response.json()
    data = package_year(2025)
    assert len(days) == len(data.holidays) + len(data.workdays)
    by_date = {d["date"]: d for d in days}
    assert by_date["2025-01-26"] == {
        "date": "2025-01-26",
        "kind": "workday",
        "name": "春节",
        "source": "package",
        "calendar": "CN",
        "inherited": False,
    }
    assert by_date["2025-10-06"]["name"] == "中秋节"
    assert agent.get("calendars/CN/days", year=1).status_code == 422
    assert agent.get("calendars/CN/days").status_code == 422


def test_x1_anonymous_is_401_and_users_without_the_permission_403(api_as, client, db):
    assert api_as(None).get("calendars").status_code == 401
    assert (
        api_as(None).get("calendars/CN/add", start="2025-01-27T09:00:00+08:00", amount=1, unit="days").status_code
        == 401
    )
    from aftersales.accounts.models import User

    nobody = User.objects.create_user(username="nobody", password="x-pass-123456")
    client_ = api_as(nobody)
    assert client_.get("calendars").status_code == 403
    assert (
        client_.get(
            "calendars/CN/between", start="2025-01-27T09:00:00+08:00", end="2025-01-28T09:00:00+08:00"
        ).status_code
        == 403
    )


def test_x1_admin_sets_and_removes_a_day(api_as):
    admin = api_as("admin")
    response = admin.put("calendars/CN/days/2025-03-03", {"kind": "holiday", "name": "公司年会"})
    assert response.status_code == 200
    assert response.json() == {
        "date": "2025-03-03",
        "kind": "holiday",
        "name": "公司年会",
        "source": "admin",
        "calendar": "CN",
        "inherited": False,
    }
    due = admin.get("calendars/CN/add", start="2025-02-28T17:00:00+08:00", amount=2, unit="working_hours").json()
    assert due["due"] == "2025-03-04T10:00:00+08:00"
    assert due["calendar_version"] == 2
    assert admin.delete("calendars/CN/days/2025-03-03").status_code == 204
    assert admin.delete("calendars/CN/days/2025-03-03").status_code == 404
    assert not CalendarDay.objects.filter(date="2025-03-03").exists()


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "weekend"},
        {"kind": "holiday", "extra": 1},
        {"kind": 1},
        {"name": "x"},
        {"kind": "holiday", "name": "x" * 65},
    ],
)
def test_x1_bad_day_bodies_are_422(api_as, body):
    response = api_as("admin").put("calendars/CN/days/2025-03-03", body)
    assert response.status_code == 422
    assert not CalendarDay.objects.filter(date="2025-03-03").exists()


def test_x1_bad_day_path_is_422(api_as):
    assert api_as("admin").put("calendars/CN/days/2025-02-30", {"kind": "holiday"}).status_code == 422


def test_x1_agents_cannot_change_days(agent):
    assert agent.put("calendars/CN/days/2025-03-03", {"kind": "holiday"}).status_code == 403
    assert agent.delete("calendars/CN/days/2025-01-28").status_code == 403
    assert (
        agent.put("calendars/CN/years/2027", {"holidays": [{"date": "2027-01-01", "name": "元旦"}]}).status_code == 403
    )
    assert CalendarDay.objects.filter(calendar__code="CN", date="2025-01-28").exists()
    assert not Event.objects.filter(subject_type="calendars.workcalendar").exists()


def test_x1_admin_enters_the_2027_notice_through_the_api(api_as):
    admin = api_as("admin")
    body = {
        "holidays": [{"date": "2027-01-01", "name": "元旦"}]
        + [{"date": f"2027-02-{d:02d}", "name": "春节"} for d in range(6, 14)],
        "workdays": [{"date": "2027-02-20", "name": "春节"}],
        "note": "国办发明电〔2026〕1号",
    }
    response = admin.put("calendars/CN/years/2027", body)
    assert response.status_code == 200, response.json()
    assert response.json()["source"] == "admin"
    assert StatutoryYear.objects.get(calendar__code="CN", year=2027).note == "国办发明电〔2026〕1号"
    due = admin.get("calendars/CN/add", start="2027-02-05T17:00:00+08:00", amount=2, unit="working_hours")
    assert due.status_code == 200
    assert due.json()["due"] == "2027-02-15T10:00:00+08:00"
    bad = admin.put("calendars/CN/years/2028", {"holidays": [{"date": "2027-01-01", "name": "元旦"}]})
    assert bad.status_code == 422
    assert "holidays" in bad.json()["fields"]
    assert admin.put("calendars/CN/years/2028", {"holidays": [{"date": "20280101"}]}).status_code == 422
    assert admin.put("calendars/CN/years/2028", {"holidays": []}).status_code == 422
