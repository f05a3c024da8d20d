"""GET /api/v1/statistics/service-requests and /api/v1/kpis: shapes, counts and shares, access, bad input."""

from __future__ import annotations

from typing import Any

from tests.reports.conftest import add_part, at, make_request

URL = "statistics/service-requests"


def _data(world: dict[str, Any]) -> None:
    s1, s2 = world["symptoms"]
    a = make_request(world, at("2026-11-01", 0, 5), symptom_code=s1)  # local day 1 November
    make_request(world, at("2026-11-10"), symptom_code=s1, channel="web")
    make_request(world, at("2026-11-30", 23, 59), symptom_code=s2, unit=world["units"][1])
    make_request(world, at("2026-10-31", 23, 59), symptom_code=s2)  # October: not counted
    make_request(world, at("2026-12-01", 0, 0), symptom_code=s2)  # December: not counted
    add_part(world, a, "P-1", "主轴轴承", quantity=3)
    add_part(world, a, "p-1", "主轴轴承")  # the same part twice on one request counts once


def test_statistics_by_symptom_product_part_channel(world: dict[str, Any], api_as: Any) -> None:
    _data(world)
    api = api_as("quality")
    body = api.get(URL, **{"from": "2026-11-01", "to": "2026-11-30", "by": "symptom"}).json()
    assert body["total"] == 3
    assert body["items"] == [
        {"key": str(world["symptoms"][0].pk), "label": "主轴异响", "count": 2, "share": 0.6667},
        {"key": str(world["symptoms"][1].pk), "label": "液压漏油", "count": 1, "share": 0.3333},
    ]
    body = api.get(URL, **{"from": "2026-11-01", "to": "2026-11-30", "by": "product"}).json()
    assert [(i["label"], i["count"]) for i in body["items"]] == [("XK-0001 数控铣床", 2), ("CK-0002 数控车床", 1)]
    body = api.get(URL, **{"from": "2026-11-01", "to": "2026-11-30", "by": "part"}).json()
    assert body == {"by": "part", "total": 1, "items": [{"key": "P-1", "label": "主轴轴承", "count": 1, "share": 1.0}]}
    body = api.get(URL, **{"from": "2026-11-01", "to": "2026-11-30", "by": "channel"}).json()
    assert [(i["label"], i["count"]) for i in body["items"]] == [("电话", 2), ("客户门户", 1)]
    body = api.get(URL, **{"from": "2026-11-01", "to": "2026-11-30", "by": "engineer"}).json()
    assert body["items"] == [{"key": "", "label": "未记录", "count": 3, "share": 1.0}]


def test_statistics_refused_to_a_hotline_agent_and_bad_periods(world: dict[str, Any], api_as: Any) -> None:
    assert api_as("agent").get(URL, **{"from": "2026-11-01", "to": "2026-11-30"}).status_code == 403
    api = api_as("analyst")
    response = api.get(URL, **{"from": "2026-11-30", "to": "2026-11-01"})
    assert response.status_code == 422
    assert response.json()["code"] == "period_invalid"
    assert api.get(URL, **{"from": "2026-11-01", "to": "2026-11-30", "by": "colour"}).status_code == 422
    assert api.get(URL, **{"from": "yesterday", "to": "2026-11-30"}).status_code == 422


def test_kpis_shape(world: dict[str, Any], api_as: Any) -> None:
    _data(world)
    response = api_as("cs_manager").get("kpis", **{"from": "2026-11-01", "to": "2026-11-30", "by": "product"})
    assert response.status_code == 200
    rows = response.json()
    assert [r["requests"] for r in rows] == [2, 1]
    assert set(rows[0]) == {
        "key",
        "label",
        "requests",
        "response_minutes_median",
        "response_minutes_p90",
        "resolution_minutes_median",
        "resolution_minutes_p90",
        "first_time_fix_rate",
        "sla_attainment",
        "complaints_closed_on_time",
        "satisfaction",
        "repair_cost",
    }
    assert api_as("agent").get("kpis", **{"from": "2026-11-01", "to": "2026-11-30"}).status_code == 403
