"""The figures of the period reports (Q1 统计分析表, Q2 weekly report, Q5 monthly staff appraisal), computed
once into a report's snapshot (reports.period_reports) and never read live again: pure reads of the
maintained facts and day counts (docs/decisions/0031) and of the base tables, no actor (the caller has
checked the right to draft).

A snapshot holds codes and numbers only (section codes, dimension keys, counts, fractions); the page,
the PDF and the workbook put the words on them in the reader's language (reports.report_documents).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from aftersales.accounts.selectors import user_list_with_role
from aftersales.complaints.services.reviews import review_lines
from aftersales.core.selectors import display_name
from aftersales.followup.models import ServiceRating
from aftersales.reports.choices import Dimension
from aftersales.reports.models import ClockFact, DayCount, RequestFact
from aftersales.reports.selectors import GOOD_RATINGS, RATING_ITEMS, labels_for
from aftersales.service.choices import ServiceKind
from aftersales.service.models import ServiceRequest

ANALYSIS_SECTIONS = (
    Dimension.PRODUCT,
    Dimension.SYMPTOM,
    Dimension.PART,
)  # 按产品, 按故障现象, 按更换器件 (002 note 9)
ENGINEER_CLOCKS = ("arrive", "solve")  # the engineer's deadlines: arrival on site, solution
AGENT_CLOCKS = ("respond",)  # the agent's deadline: the S6 response


# --- periods ---------------------------------------------------------------------------------------------


def month_of(period: str) -> tuple[dt.date, dt.date]:
    """ "YYYY-MM" → (first day, last day). Raises ValueError."""
    year_text, month_text = period.split("-")
    if len(year_text) != 4 or len(month_text) != 2:
        raise ValueError(period)
    first = dt.date(int(year_text), int(month_text), 1)
    return first, (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def week_of(period: str) -> tuple[dt.date, dt.date]:
    """ "YYYY-Www" (ISO week) → (Monday, Sunday). Raises ValueError."""
    year_text, week_text = period.split("-W")
    monday = dt.date.fromisocalendar(int(year_text), int(week_text), 1)
    return monday, monday + dt.timedelta(days=6)


def month_period(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def week_period(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _shift_months(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _change(now: int, before: int) -> float | None:
    """(now − before) / before, a fraction; None when there was nothing before."""
    return round((now - before) / before, 4) if before else None


# --- Q1 统计分析表 -----------------------------------------------------------------------------------------------


def _day_counts(dim: str, start: dt.date, end: dt.date) -> dict[str, tuple[int, str]]:
    rows = (
        DayCount.objects.filter(dim=dim, day__gte=start, day__lte=end)
        .values("key")
        .annotate(n=Sum("count"), label=Max("label"))
        .filter(n__gt=0)
    )
    return {r["key"]: (r["n"], r["label"] or "") for r in rows}


def analysis_figures(period: str) -> dict[str, Any]:
    """Q1 (002 §5.1.10, note 9): the month's service requests by product, by fault symptom (the managed
    symptom codes) and by replaced part (the parts lines of the jobs: a request counts once per part),
    with each row's share of its section, the previous month and the same month last year and the
    changes from them (fractions). Requests count in the month they were received."""
    start, end = month_of(period)
    before = (_shift_months(start, -1), start - dt.timedelta(days=1))
    year_ago = (_shift_months(start, -12), _shift_months(start, -11) - dt.timedelta(days=1))
    sections = []
    for dim in ANALYSIS_SECTIONS:
        now = _day_counts(dim, start, end)
        prev = _day_counts(dim, *before)
        last = _day_counts(dim, *year_ago)
        total = sum(n for n, _label in now.values())
        names = labels_for(dim, now) if dim != Dimension.PART else {}
        rows = []
        for key, (count, label) in sorted(now.items(), key=lambda item: (-item[1][0], item[0])):
            p = prev.get(key, (0, ""))[0]
            y = last.get(key, (0, ""))[0]
            rows.append(
                {
                    "key": key,
                    "label": names.get(key) or label or key,
                    "count": count,
                    "share": round(count / total, 4) if total else 0.0,
                    "previous": p,
                    "change_previous": _change(count, p),
                    "last_year": y,
                    "change_last_year": _change(count, y),
                }
            )
        prev_total = sum(n for n, _label in prev.values())
        last_total = sum(n for n, _label in last.values())
        sections.append(
            {
                "code": str(dim),
                "total": total,
                "previous": prev_total,
                "change_previous": _change(total, prev_total),
                "last_year": last_total,
                "change_last_year": _change(total, last_total),
                "rows": rows,
            }
        )
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "previous": [d.isoformat() for d in before],
        "last_year": [d.isoformat() for d in year_ago],
        "sections": sections,
        "computed_at": timezone.now().isoformat(),
    }


# --- Q2 weekly report ----------------------------------------------------------------------------------------------


def _received_between(start: dt.date, end: dt.date) -> Q:
    zone = timezone.get_current_timezone()
    first = timezone.make_aware(dt.datetime.combine(start, dt.time.min), zone)
    after = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), zone)
    return Q(received_at__gte=first, received_at__lt=after)


def _week_counts(start: dt.date, end: dt.date) -> dict[str, Any]:
    channels = {k: n for k, (n, _label) in _day_counts(Dimension.CHANNEL, start, end).items()}
    kinds = dict(
        ServiceRequest.objects.filter(_received_between(start, end))
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("kind", "n")
    )
    return {"channels": channels, "kinds": kinds}


def weekly_figures(period: str) -> dict[str, Any]:
    """Q2 (000 §(四)1(2)): the week's phone records (intakes by channel), web enquiries (requests from
    the customer portal), consultations (requests of kind consulting: there is no separate consultation
    register) and service demand (requests by kind of service), beside the week before."""
    start, end = week_of(period)
    prev_start, prev_end = start - dt.timedelta(days=7), end - dt.timedelta(days=7)
    now, before = _week_counts(start, end), _week_counts(prev_start, prev_end)

    def rows(field: str) -> list[dict[str, Any]]:
        keys = sorted(set(now[field]) | set(before[field]), key=lambda k: (-now[field].get(k, 0), k))
        return [
            {
                "key": key,
                "count": now[field].get(key, 0),
                "previous": before[field].get(key, 0),
                "change_previous": _change(now[field].get(key, 0), before[field].get(key, 0)),
            }
            for key in keys
        ]

    total, prev_total = sum(now["channels"].values()), sum(before["channels"].values())
    headline = {
        "phone": [now["channels"].get("phone", 0), before["channels"].get("phone", 0)],
        "web": [now["channels"].get("web", 0), before["channels"].get("web", 0)],
        "consulting": [now["kinds"].get(ServiceKind.CONSULTING, 0), before["kinds"].get(ServiceKind.CONSULTING, 0)],
        "demand": [total, prev_total],
    }
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "previous": [prev_start.isoformat(), prev_end.isoformat()],
        "headline": {
            k: {"count": a, "previous": b, "change_previous": _change(a, b)} for k, (a, b) in headline.items()
        },
        "sections": [
            {"code": "channel", "total": total, "previous": prev_total, "rows": rows("channels")},
            {"code": "kind", "total": total, "previous": prev_total, "rows": rows("kinds")},
        ],
        "computed_at": timezone.now().isoformat(),
    }


# --- Q5 monthly staff appraisal -----------------------------------------------------------------------------


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def appraisal_figures(period: str) -> dict[str, Any]:
    """Q5: per engineer and per hotline agent, the month's jobs, first-time fix, on-time rate, the
    customers' ratings (V3) and the penalty points (K8).

    Engineer: jobs = requests received in the month with them as engineer, first-time fix among
    those completed, on-time = their arrival and solution clocks stopped in the month within their due
    time, ratings = the V3 ratings given in the month (share of the four items satisfied or better).
    Agent: jobs = requests they took in the month, on-time = the response clocks of those requests
    stopped in the month within their due time. Penalty points: the K8 sanction list of the month's
    closed complaints (points per responsible person, K8.negligence_points each)."""
    start, end = month_of(period)
    people: dict[int, dict[str, Any]] = {}

    def person(user: Any, role: str) -> dict[str, Any]:
        return people.setdefault(
            user.pk,
            {
                "user": user.pk,
                "username": user.username,
                "name": display_name(user),
                "role": role,
                "jobs": 0,
                "completed": 0,
                "first_time_fixes": 0,
                "first_time_fix_rate": None,
                "clocks": 0,
                "on_time": 0,
                "on_time_rate": None,
                "ratings": 0,
                "satisfaction": None,
                "penalty_points": 0,
                "complaints": [],
            },
        )

    for user in user_list_with_role("engineer"):
        person(user, "engineer")
    for user in user_list_with_role("agent"):
        person(user, "agent")
    facts = RequestFact.objects.filter(day__gte=start, day__lte=end, engineer_id__in=list(people))
    for engineer_id, jobs, completed, fixes in (
        facts.values_list("engineer_id")
        .annotate(
            n=Count("pk"), done=Count("pk", filter=Q(completed=True)), ftf=Count("pk", filter=Q(first_time_fix=True))
        )
        .order_by()
    ):
        row = people[engineer_id]
        row["jobs"], row["completed"], row["first_time_fixes"] = jobs, completed, fixes
    for engineer_id, n, met in (
        ClockFact.objects.filter(day__gte=start, day__lte=end, kind__in=ENGINEER_CLOCKS)
        .filter(request_fact__engineer_id__in=list(people))
        .values_list("request_fact__engineer_id")
        .annotate(n=Count("pk"), met=Count("pk", filter=Q(attained=True)))
        .order_by()
    ):
        people[engineer_id]["clocks"] += n
        people[engineer_id]["on_time"] += met
    agents = [pk for pk, row in people.items() if row["role"] == "agent"]
    for agent_id, n in (
        ServiceRequest.objects.filter(_received_between(start, end), received_by_id__in=agents)
        .values_list("received_by_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        people[agent_id]["jobs"] = n
    for agent_id, n, met in (
        ClockFact.objects.filter(day__gte=start, day__lte=end, kind__in=AGENT_CLOCKS)
        .filter(request_fact__request__received_by_id__in=agents)
        .values_list("request_fact__request__received_by_id")
        .annotate(n=Count("pk"), met=Count("pk", filter=Q(attained=True)))
        .order_by()
    ):
        people[agent_id]["clocks"] += n
        people[agent_id]["on_time"] += met
    satisfied: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])  # [good items, items, ratings]
    zone = timezone.get_current_timezone()
    for engineer_id, *items in ServiceRating.objects.filter(
        engineer_id__in=list(people),
        created_at__gte=timezone.make_aware(dt.datetime.combine(start, dt.time.min), zone),
        created_at__lt=timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), zone),
    ).values_list("engineer_id", *RATING_ITEMS):
        satisfied[engineer_id][0] += sum(1 for level in items if level in GOOD_RATINGS)
        satisfied[engineer_id][1] += len(items)
        satisfied[engineer_id][2] += 1
    for engineer_id, (good, items, count) in satisfied.items():
        people[engineer_id]["ratings"] = count
        people[engineer_id]["satisfaction"] = _rate(good, items)
    by_username = {row["username"]: row for row in people.values()}
    sanctions = review_lines(period)["sanctions"]
    for line in sanctions:
        found = by_username.get(line["responsible_person"])
        if found is not None:
            found["penalty_points"] += line["points"]
            found["complaints"] += line["cases"]
    for row in people.values():
        row["first_time_fix_rate"] = _rate(row["first_time_fixes"], row["completed"])
        row["on_time_rate"] = _rate(row["on_time"], row["clocks"])
    ordered = sorted(people.values(), key=lambda r: (r["role"] != "engineer", -r["jobs"], r["username"]))
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "sections": [
            {"code": "engineer", "rows": [r for r in ordered if r["role"] == "engineer"]},
            {"code": "agent", "rows": [r for r in ordered if r["role"] == "agent"]},
        ],
        "computed_at": timezone.now().isoformat(),
    }
