"""Statistics (Q1), KPIs (Q4), the requests behind a figure and the dashboards per role (issue 16).

Every chart bar links to the filtered list behind it (`reports:requests`); every table exports to
Excel (`?export=xlsx`, core.lists)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from aftersales.accounts.selectors import actor_for
from aftersales.core.access import Actor
from aftersales.core.lists import Column, export_requested, list_page, sort_apply, xlsx_export
from aftersales.reports import selectors
from aftersales.reports.choices import Dimension
from aftersales.reports.forms import PeriodForm, last_month
from aftersales.service.models import ServiceRequest

PAGE_SIZE = 50
REQUEST_SORTS = {"number": "number", "received_at": "received_at", "state": "state"}
SLA_KINDS = ("respond", "arrive", "solve", "contact", "solution", "close")


def staff_page(perm: str) -> Callable[[Callable[..., HttpResponse]], Any]:
    def decorate(view: Callable[..., HttpResponse]) -> Any:
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorate


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


def _period(request: HttpRequest, *, kpi: bool = False) -> tuple[PeriodForm, dict[str, Any]]:
    form = PeriodForm(request.GET, kpi=kpi)
    if form.is_valid():
        return form, form.cleaned_data
    start, end = last_month()
    return form, {"date_from": start, "date_to": end, "by": "service_point" if kpi else "product"}


def _list_url(date_from: dt.date, date_to: dt.date, by: str, key: str | None, **extra: Any) -> str:
    params: dict[str, Any] = {"from": date_from, "to": date_to, "by": by}
    if key is not None:
        params["key"] = key
    params |= extra
    return f"{reverse('reports:requests')}?{urlencode(params)}"


def _chart(title: str, items: list[dict[str, Any]], *, kind: str = "bar") -> dict[str, Any]:
    """What reports/charts.js draws: labels, values and the link of each bar."""
    return {
        "title": title,
        "type": kind,
        "labels": [i["label"] for i in items],
        "values": [i["count"] for i in items],
        "links": [i.get("url", "") for i in items],
    }


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _change(now: int, before: int) -> str:
    if not before:
        return "—"
    return f"{(now - before) / before * 100:+.1f}%"


# --- Q1 statistics ----------------------------------------------------------------------------------


@staff_page(selectors.VIEW_PERM)
def statistics(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form, period = _period(request)
    start, end, by = period["date_from"], period["date_to"], period["by"]
    found = selectors.request_statistics(actor, date_from=start, date_to=end, by=by)
    prev = selectors.previous_period(start, end)
    year_ago = (
        start.replace(year=start.year - 1),
        end.replace(year=end.year - 1)
        if not (end.month == 2 and end.day == 29)
        else end.replace(year=end.year - 1, day=28),
    )
    before = {
        i.key: i.count for i in selectors.request_statistics(actor, date_from=prev[0], date_to=prev[1], by=by).items
    }
    last_year = {
        i.key: i.count
        for i in selectors.request_statistics(actor, date_from=year_ago[0], date_to=year_ago[1], by=by).items
    }
    rows = [
        {
            "key": i.key,
            "label": i.label,
            "count": i.count,
            "share": _pct(i.share),
            "previous": before.get(i.key, 0),
            "change_previous": _change(i.count, before.get(i.key, 0)),
            "last_year": last_year.get(i.key, 0),
            "change_last_year": _change(i.count, last_year.get(i.key, 0)),
            "url": _list_url(start, end, by, i.key),
        }
        for i in found.items
    ]
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="statistics",
            title=_("Service request statistics"),
            columns=[
                Column(Dimension(by).label, lambda r: r["label"]),
                Column(gettext_lazy("Requests"), lambda r: r["count"]),
                Column(gettext_lazy("Share"), lambda r: r["share"]),
                Column(gettext_lazy("Previous period"), lambda r: r["previous"]),
                Column(gettext_lazy("Change from the previous period"), lambda r: r["change_previous"]),
                Column(gettext_lazy("Same period last year"), lambda r: r["last_year"]),
                Column(gettext_lazy("Change from last year"), lambda r: r["change_last_year"]),
            ],
            rows=rows,
            filters={"from": start, "to": end, "by": by},
        )
    return render(
        request,
        "reports/statistics.html",
        {
            "form": form,
            "rows": rows,
            "total": found.total,
            "by_label": Dimension(by).label,
            "chart": _chart(str(Dimension(by).label), rows[:20]),
        },
    )


# --- Q4 KPIs -------------------------------------------------------------------------------------------


def _sla_value(kind: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row["sla"][kind]


def _kpi_row(kpi: selectors.Kpi, previous: selectors.Kpi | None) -> dict[str, Any]:
    def trend(now: float | None, before: float | None) -> str:
        if now is None or before is None:
            return ""
        return "↑" if now > before else ("↓" if now < before else "→")

    return {
        "kpi": kpi,
        "ftf": _pct(kpi.first_time_fix_rate),
        "ftf_trend": trend(kpi.first_time_fix_rate, previous.first_time_fix_rate if previous else None),
        "sla": {k: _pct(kpi.sla_attainment.get(k)) for k in SLA_KINDS},
        "closed_on_time": _pct(kpi.complaints_closed_on_time),
        "satisfaction": _pct(kpi.satisfaction),
        "response_trend": trend(kpi.response_minutes_median, previous.response_minutes_median if previous else None),
    }


@staff_page(selectors.VIEW_PERM)
def kpis(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form, period = _period(request, kpi=True)
    start, end, by = period["date_from"], period["date_to"], period["by"]
    prev = selectors.previous_period(start, end)
    current = selectors.kpis(actor, date_from=start, date_to=end, by=by)
    before = {k.key: k for k in selectors.kpis(actor, date_from=prev[0], date_to=prev[1], by=by)}
    overall = selectors.kpi_overall(actor, date_from=start, date_to=end)
    overall_before = selectors.kpi_overall(actor, date_from=prev[0], date_to=prev[1])
    rows = [_kpi_row(k, before.get(k.key)) for k in current]
    if export_requested(request):
        columns = [
            Column(Dimension(by).label, lambda r: r["kpi"].label),
            Column(gettext_lazy("Requests"), lambda r: r["kpi"].requests),
            Column(gettext_lazy("Response, median (min)"), lambda r: r["kpi"].response_minutes_median),
            Column(gettext_lazy("Response, p90 (min)"), lambda r: r["kpi"].response_minutes_p90),
            Column(gettext_lazy("Resolution, median (min)"), lambda r: r["kpi"].resolution_minutes_median),
            Column(gettext_lazy("Resolution, p90 (min)"), lambda r: r["kpi"].resolution_minutes_p90),
            Column(gettext_lazy("First-time fix"), lambda r: r["ftf"]),
            *[Column(selectors.clock_kind_label(kind), _sla_value(kind)) for kind in SLA_KINDS],
            Column(gettext_lazy("Complaints closed on time"), lambda r: r["closed_on_time"]),
            Column(gettext_lazy("Satisfaction"), lambda r: r["satisfaction"]),
            Column(gettext_lazy("Repair cost per request (yuan)"), lambda r: r["kpi"].repair_cost),
        ]
        return xlsx_export(
            actor=actor, list_name="kpis", title=_("KPIs"), columns=columns, rows=rows,
            filters={"from": start, "to": end, "by": by},
        )  # fmt: skip
    return render(
        request,
        "reports/kpis.html",
        {
            "form": form,
            "rows": rows,
            "overall": _kpi_row(overall, overall_before),
            "previous": prev,
            "by_label": Dimension(by).label,
            "sla_kinds": [(k, selectors.clock_kind_label(k)) for k in SLA_KINDS],
        },
    )


# --- the requests behind a figure --------------------------------------------------------------------------


REQUEST_COLUMNS = [
    Column(gettext_lazy("Request number"), lambda sr: sr.number),
    Column(gettext_lazy("State"), lambda sr: sr.get_state_display()),
    Column(gettext_lazy("Received at"), lambda sr: sr.received_at),
    Column(gettext_lazy("Customer"), lambda sr: sr.customer.name),
    Column(gettext_lazy("Unit"), lambda sr: f"{sr.unit.serial} {sr.unit.product.model}" if sr.unit else sr.model_text),
    Column(gettext_lazy("Engineer"), lambda sr: str(sr.engineer) if sr.engineer else ""),
    Column(gettext_lazy("Service point"), lambda sr: sr.service_point.name if sr.service_point else ""),
    Column(gettext_lazy("Fault description"), lambda sr: sr.fault),
]


@staff_page(selectors.VIEW_PERM)
def requests(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    data = {"date_from": request.GET.get("from"), "date_to": request.GET.get("to"), "by": request.GET.get("by")}
    form = PeriodForm({k: v for k, v in data.items() if v})
    period = form.cleaned_data if form.is_valid() else None
    key = request.GET.get("key")
    open_only = request.GET.get("open") == "1"
    if period is None:
        queryset = ServiceRequest.objects.none()
        period = {"date_from": None, "date_to": None, "by": ""}
    else:
        queryset = selectors.requests_behind(
            actor,
            date_from=period["date_from"],
            date_to=period["date_to"],
            by=period["by"],
            key=key[:64] if key is not None else None,
            open_only=open_only,
        )
    queryset, _sort = sort_apply(queryset, request.GET.get("sort"), REQUEST_SORTS, default="-received_at")
    label = ""
    if key is not None and period["by"]:
        label = selectors.labels_for(period["by"], [key]).get(key, key) if period["by"] != Dimension.PART else key
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="statistics-requests",
            title=_("Service requests"),
            columns=REQUEST_COLUMNS,
            rows=queryset,
            filters={"from": period["date_from"], "to": period["date_to"], "by": period["by"], "key": key or ""},
        )
    return render(
        request,
        "reports/requests.html",
        {
            "form": form,
            "page_obj": list_page(request, queryset, PAGE_SIZE),
            "period": period,
            "by_label": Dimension(period["by"]).label if period["by"] in Dimension.values else "",
            "key_label": label or (_("Not recorded") if key == "" else ""),
            "open_only": open_only,
        },
    )


# --- dashboards per role -----------------------------------------------------------------------------------

DASHBOARDS = {
    "head": gettext_lazy("Head of after-sales"),
    "quality": pgettext_lazy("department", "Quality"),
    "management": gettext_lazy("Management"),
}


def _months_back(count: int) -> list[tuple[dt.date, dt.date]]:
    months = []
    day = timezone.localdate()
    for _i in range(count):
        start, end = selectors.month_bounds(day)
        months.append((start, end))
        day = start - dt.timedelta(days=1)
    return list(reversed(months))


@staff_page(selectors.VIEW_PERM)
def dashboard(request: HttpRequest, which: str = "") -> HttpResponse:
    actor = _actor(request)
    if which not in DASHBOARDS:
        which = (
            "quality" if actor.has_role("quality", "rnd", "analyst")
            else "management" if actor.has_role("gm", "vp", "mgmt_rep") else "head"
        )  # fmt: skip
    start, end = last_month()
    today = timezone.localdate()
    this_month = selectors.month_bounds(today)
    charts: list[dict[str, Any]] = []
    tables: list[dict[str, Any]] = []
    if which == "head":
        months = selectors.monthly_rates(actor, months=_months_back(6))
        charts.append(
            {
                "title": _("First-time fix and response on time, last six months"),
                "type": "line",
                "labels": [f"{m['from']:%Y-%m}" for m in months],
                "series": [
                    {"name": _("First-time fix"), "values": [_round(m["first_time_fix_rate"]) for m in months]},
                    {
                        "name": _("Response on time"),
                        "values": [_round(m["sla_attainment"].get("respond")) for m in months],
                    },
                    {
                        "name": _("Arrival on time"),
                        "values": [_round(m["sla_attainment"].get("arrive")) for m in months],
                    },
                ],
                "links": [
                    f"{reverse('reports:kpis')}?{urlencode({'date_from': m['from'], 'date_to': m['to']})}"
                    for m in months
                ],
            }
        )
        breaches = selectors.overdue_clocks_now(actor)
        for item in breaches:
            item["url"] = f"{reverse('service:request_list')}?overdue=on"
        charts.append(_chart(_("Deadlines breached and still running"), breaches))
        backlog = selectors.backlog_by_service_point(actor)
        for item in backlog:
            item["url"] = _list_url(today - dt.timedelta(days=3650), today, "service_point", item["key"], open=1)
        charts.append(_chart(_("Open requests by service point"), backlog))
        tables.append({"title": _("Open requests by service point"), "rows": backlog, "name": "backlog"})
    elif which == "quality":
        tops = selectors.top_statistics(
            actor, date_from=start, date_to=end, bys=("symptom", "product", "part"), limit=15
        )
        for by, found in tops.items():
            items = [
                {"key": i.key, "label": i.label, "count": i.count, "url": _list_url(start, end, by, i.key)}
                for i in found
            ]
            charts.append(_chart(_("Last month by %(dimension)s") % {"dimension": Dimension(by).label}, items))
            tables.append(
                {
                    "title": _("Last month by %(dimension)s") % {"dimension": Dimension(by).label},
                    "rows": items,
                    "name": by,
                }
            )
    else:
        months = selectors.monthly_rates(actor, months=_months_back(12))
        charts.append(
            {
                "title": _("Service requests and complaints closed on time, last twelve months"),
                "type": "line",
                "labels": [f"{m['from']:%Y-%m}" for m in months],
                "series": [
                    {
                        "name": _("Complaints closed on time"),
                        "values": [_round(m["sla_attainment"].get("close")) for m in months],
                    },
                    {"name": _("First-time fix"), "values": [_round(m["first_time_fix_rate"]) for m in months]},
                ],
                "links": [_list_url(m["from"], m["to"], "channel", None) for m in months],
            }
        )
        items = [
            {
                "key": f"{m['from']:%Y-%m}",
                "label": f"{m['from']:%Y-%m}",
                "count": m["requests"],
                "url": _list_url(m["from"], m["to"], "channel", None),
            }
            for m in months
        ]
        charts.append(_chart(_("Service requests per month"), items))
        overall = selectors.kpi_overall(actor, date_from=this_month[0], date_to=this_month[1])
        tables.append(
            {
                "title": _("This month"),
                "name": "month",
                "rows": [
                    {"label": _("Satisfaction"), "count": _pct(overall.satisfaction)},
                    {"label": _("Complaints closed on time"), "count": _pct(overall.complaints_closed_on_time)},
                    {
                        "label": _("Repair cost per request (yuan)"),
                        "count": overall.repair_cost if overall.repair_cost is not None else "—",
                    },
                ],
            }
        )
    for number, chart in enumerate(charts, start=1):
        chart["id"] = f"chart-{number}"
    export = request.GET.get("table")
    if export_requested(request) and export:
        table = next((t for t in tables if t["name"] == export), tables[0])
        return xlsx_export(
            actor=actor,
            list_name=f"dashboard-{which}-{table['name']}",
            title=table["title"],
            columns=[
                Column(gettext_lazy("Item"), lambda r: r["label"]),
                Column(gettext_lazy("Figure"), lambda r: r["count"]),
            ],
            rows=table["rows"],
        )
    return render(
        request,
        "reports/dashboard.html",
        {"which": which, "title": DASHBOARDS[which], "dashboards": DASHBOARDS, "charts": charts, "tables": tables},
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)
