"""The working day at 1M service requests (issue 13): the dispatch board, each role's home queues
and the service-request list API, 8 logged-in users at once against a real `aftersales serve`.

The load (`ensure_workday`, built once per bench database and scale, kept between runs; marker
`workday` in bench_meta): AFTERSALES_BENCH_SERVICE_REQUESTS (default 1,000,000) requests received
over five years, numbers "WD…", ids in received order. Almost all are closed or cancelled; those
of the last weeks are still open (~3,000: ~25 % waiting for dispatch, some carried over, the rest
with engineers of the customer's service point, some signed and waiting for the countersignature).
Each request has its three clocks (S6 respond/arrive, S10 substitute equipment): stopped on closed
requests, running (with their running segment) on open ones, some past their warning or due time.
Approvals: a history of decided ones and a few dozen pending (S8/S9 for the service managers, K7
amounts for the team lead, head, VP, GM). 30 service points, 120 engineers, the bench's users of
each role. Rows are inserted with bench.database.insert_rows (COPY on PostgreSQL); users and groups
with the ORM's bulk_create (no password hashing: the bench logs them in by creating sessions).

The run (`run`): the server as a subprocess (bench.http.serve), 8 client threads with keep-alive
connections, each a logged-in user (session cookie) or an API client (token): two team leads and the
head of service on the board (numbered pages) and their home page, an engineer, an agent, the GM
and finance on their home page, an agent and an API client on GET /api/v1/service-requests with the
usual filters and pages. Each client makes AFTERSALES_BENCH_WORKDAY_REQUESTS (default 60) requests
after a warm-up round. Reported per kind: p50/p95/p99 and the largest answer in KB, against the
issue's goals (board and home: p95 < 200 ms and < 100 KB; list API: p95 < 50 ms).
"""

from __future__ import annotations

import datetime as dt
import gc
import http.client
import os
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bench.context import Context
from bench.database import analyze, insert_rows, log, reset_sequences
from bench.http import database_url, serve
from bench.report import Figure, percentile

AREA = "workday"
DATA_VERSION = 1  # bump when the generator changes: the loaded requests are rebuilt
MARKER = "workday"
PREFIX = "WD"
POINTS = 30
ENGINEERS_PER_POINT = 4
YEARS = 5
CLIENTS = 8
CLOCK_BATCH = 30_000  # clock rows held before they are written
FAULTS = ["主轴异响，无法加工", "液压站漏油", "控制柜报警 E-21", "冷却泵不出水", "伺服驱动器过载", "刀库换刀卡滞"]
# (state, weight) of the open requests; "registered" waits for dispatch.
OPEN_STATES = [
    ("registered", 25),
    ("dispatched", 20),
    ("booked", 15),
    ("on_site", 10),
    ("waiting_parts", 8),
    ("in_depot", 4),
    ("quoted", 3),
    ("completed", 5),
    ("signed", 10),
]
# The bench's logged-in users: username → role (the first engineer is also one of the 120).
PEOPLE = {
    "wd_lead1": "team_lead",
    "wd_lead2": "team_lead",
    "wd_head": "cs_manager",
    "wd_agent": "agent",
    "wd_gm": "gm",
    "wd_vp": "vp",
    "wd_finance": "finance",
}
BOARD_GOAL_MS, PAGE_GOAL_KB, API_GOAL_MS = 200.0, 100.0, 50.0


def _total() -> int:
    return int(os.environ.get("AFTERSALES_BENCH_SERVICE_REQUESTS", "1000000"))


def _per_client() -> int:
    return int(os.environ.get("AFTERSALES_BENCH_WORKDAY_REQUESTS", "60"))


# --- the marker ---------------------------------------------------------------------------------


def _marker_read() -> dict[str, Any]:
    from bench.database import meta_read

    value = meta_read().get(MARKER)
    return value if isinstance(value, dict) else {}


def _marker_write(value: dict[str, Any]) -> None:
    import json

    from django.db import connection

    from bench.database import META_TABLE

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {META_TABLE} WHERE k = %s", [MARKER])
        cursor.execute(f"INSERT INTO {META_TABLE} (k, v) VALUES (%s, %s)", [MARKER, json.dumps(value)])


# --- the load -----------------------------------------------------------------------------------


def ensure_workday(total: int | None = None) -> dict[str, Any]:
    """Load the working day's requests unless this database already holds them at this scale."""
    from bench.database import rebuild_requested

    total = total or _total()
    marker = _marker_read()
    if not rebuild_requested() and marker.get("version") == DATA_VERSION and marker.get("requests") == total:
        log(f"{AREA}: reusing {total:,} requests (built {marker.get('built_at')} in {marker.get('build_seconds')} s)")
        return {**marker, "reused": True}
    start = time.perf_counter()
    counts = _load(total)
    analyze()
    marker = {
        "version": DATA_VERSION,
        "requests": total,
        "counts": counts,
        "built_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - start, 1),
    }
    _marker_write(marker)
    log(f"{AREA}: loaded {counts} in {marker['build_seconds']} s")
    return marker


def _forget_previous() -> None:
    """Remove an earlier load (other scale or version): its clocks, approvals, requests, sessions."""
    from django.db import connection

    from aftersales.approvals.models import Approval
    from aftersales.clocks.models import Clock, ClockSegment
    from aftersales.service.models import ServiceRequest

    qn = connection.ops.quote_name
    sr, clock, seg, appr = (qn(m._meta.db_table) for m in (ServiceRequest, Clock, ClockSegment, Approval))
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {seg} WHERE clock_id IN (SELECT id FROM {clock} WHERE subject_type = %s AND subject_label LIKE %s)",
            ["service.servicerequest", f"{PREFIX}%"],
        )
        cursor.execute(
            f"DELETE FROM {clock} WHERE subject_type = %s AND subject_label LIKE %s",
            ["service.servicerequest", f"{PREFIX}%"],
        )
        cursor.execute(f"DELETE FROM {appr} WHERE subject_label LIKE %s", [f"{PREFIX}%"])
        cursor.execute(f"DELETE FROM {sr} WHERE number LIKE %s", [f"{PREFIX}%"])


def _people() -> dict[str, Any]:
    """Service points (one per city of the load), their engineers and the bench's users of each role."""
    from django.contrib.auth.models import Group

    from aftersales.accounts.models import Region, ServicePoint, User
    from aftersales.accounts.services import roles_sync
    from bench.dataset import CITIES

    roles_sync()
    groups = {g.name: g for g in Group.objects.all()}
    regions = {r.name: r for r in Region.objects.all()}
    points = []
    for index, (city, _province, area) in enumerate(CITIES[:POINTS]):
        point, _created = ServicePoint.objects.get_or_create(
            code=f"WD{index:02d}",
            defaults={"name": f"{city}办事处", "region": regions[city], "phone": f"{area}-5555{index:04d}"},
        )
        points.append(point)
    wanted: list[tuple[str, str, str, Any]] = []  # username, role, display name, service point
    for index, point in enumerate(points):
        for n in range(ENGINEERS_PER_POINT):
            wanted.append((f"wd_eng{index:02d}{n}", "engineer", f"{point.name[:-3]}工程师{n + 1}", point))
    for username, role in PEOPLE.items():
        wanted.append((username, role, f"{username[3:]}（压测）", points[0]))
    have = set(User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", flat=True))
    new = []
    for username, _role, name, point in wanted:
        if username not in have:
            user = User(username=username, display_name=name, service_point=point, is_active=True)
            user.set_unusable_password()
            new.append(user)
    User.objects.bulk_create(new)
    users = {u.username: u for u in User.objects.filter(username__in=[w[0] for w in wanted])}
    through = User.groups.through
    links = [
        through(user_id=users[username].pk, group_id=groups[role].pk)
        for username, role, _name, _point in wanted
        if username not in have
    ]
    through.objects.bulk_create(links, ignore_conflicts=True)
    engineers = {
        point.pk: [users[w[0]].pk for w in wanted if w[1] == "engineer" and w[3].pk == point.pk] for point in points
    }
    return {"points": points, "engineers": engineers, "users": users}


def _received_times(total: int, now: dt.datetime, rng: random.Random) -> list[dt.datetime]:
    """`total` receipt times over YEARS years, ascending, working hours mostly (ids in received order)."""
    span = YEARS * 365 * 24 * 3600
    offsets = sorted(rng.randrange(span) for _ in range(total))
    start = now - dt.timedelta(seconds=span)
    return [start + dt.timedelta(seconds=s) for s in offsets]


def _open_share(age: dt.timedelta) -> float:
    days = age.total_seconds() / 86400
    if days < 3:
        return 0.7
    if days < 10:
        return 0.25
    if days < 30:
        return 0.08
    return 0.00002  # the odd job that has dragged on for months


def _load(total: int) -> dict[str, int]:
    """The load with the cyclic garbage collector paused: millions of short-lived row dicts (none in a
    cycle, freed by reference counting) made its full collections dominate the build."""
    gc.disable()
    try:
        return _load_rows(total)
    finally:
        gc.enable()


def _load_rows(total: int) -> dict[str, int]:
    from django.db import transaction
    from django.db.models import Max
    from django.utils import timezone

    from aftersales.approvals.models import Approval
    from aftersales.clocks.models import Clock, ClockSegment
    from aftersales.customers.models import Customer
    from aftersales.installed_base.models import Unit
    from aftersales.service.models import ServiceRequest

    log(f"{AREA}: loading {total:,} service requests with their clocks (once; kept between runs) …")
    rng = random.Random(20261207)
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()
    counts: dict[str, int] = {}
    with transaction.atomic():
        _forget_previous()
        people = _people()
        points = people["points"]
        point_of_region = {p.region_id: p for p in points}
        province_point: dict[str, Any] = {}
        for p in points:
            province_point.setdefault(p.region.province, p)
        customers = {
            pk: (region_id, province)
            for pk, region_id, province in Customer.objects.filter(confidential=False).values_list(
                "pk", "region_id", "region__province"
            )
        }
        units = [(pk, cust) for pk, cust in Unit.objects.values_list("pk", "customer_id") if cust in customers]
        staff = people["users"]
        agent_id = staff["wd_agent"].pk
        states = [s for s, w in OPEN_STATES for _ in range(w)]
        times = _received_times(total, now, rng)
        first_id = (ServiceRequest.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        next_ids = {
            "clock": (Clock.objects.aggregate(m=Max("pk"))["m"] or 0) + 1,
            "segment": (ClockSegment.objects.aggregate(m=Max("pk"))["m"] or 0) + 1,
        }
        clocks: list[dict[str, Any]] = []
        segments: list[dict[str, Any]] = []
        counts["clocks"] = counts["clock segments"] = 0

        def flush_clocks() -> None:
            # Written every CLOCK_BATCH requests, between the requests' own batches: memory stays flat.
            counts["clocks"] += insert_rows(Clock, clocks)
            counts["clock segments"] += insert_rows(ClockSegment, segments)
            clocks.clear()
            segments.clear()

        open_requests: list[tuple[int, str, str, int | None]] = []  # id, number, state, engineer

        def rows() -> Iterator[dict[str, Any]]:
            for i, received in enumerate(times):
                pk = first_id + i
                number = f"{PREFIX}{i:09d}"
                age = now - received
                is_open = rng.random() < _open_share(age)
                state = rng.choice(states) if is_open else rng.choice(["closed"] * 30 + ["cancelled", "declined"])
                unit_id, customer_id = rng.choice(units)
                region_id, province = customers[customer_id]
                point = point_of_region.get(region_id) or province_point.get(province) or points[0]
                tier = (
                    "same_city"
                    if point.region_id == region_id
                    else ("same_province" if point.region.province == province else "remote")
                )
                engineer = None if state == "registered" else rng.choice(people["engineers"][point.pk])
                if state == "cancelled":
                    engineer = None
                done = not is_open
                dispatched = received + dt.timedelta(minutes=rng.randrange(10, 240)) if engineer else None
                arrived = (
                    received + dt.timedelta(hours=rng.randrange(4, 48))
                    if engineer and state not in ("dispatched", "booked")
                    else None
                )
                completed = (
                    received + dt.timedelta(days=rng.randrange(1, 5))
                    if state in ("closed", "completed", "signed")
                    else None
                )
                priority = rng.choices(["urgent", "serious", "general"], weights=[10, 25, 65])[0]
                yield {
                    "id": pk,
                    "number": number,
                    "state": state,
                    "open": is_open,
                    "version": 3,
                    "customer_id": customer_id,
                    "unit_id": unit_id,
                    "contact_name": "王工",
                    "phone": f"1390000{i % 10000:04d}",
                    "channel": rng.choice(["phone", "phone", "phone", "email", "portal"]),
                    "priority": priority,
                    "kind": "repair",
                    "fault": rng.choice(FAULTS),
                    "received_at": received,
                    "received_by_id": agent_id,
                    "service_point_id": point.pk,
                    "region_tier": tier,
                    "in_warranty": rng.random() < 0.4,
                    "charging_type": rng.choice("ABC"),
                    "calendar_code": "CN",
                    "engineer_id": engineer,
                    "dispatched_at": dispatched,
                    "carried_over_on": today if state == "registered" and age > dt.timedelta(days=1) else None,
                    "visit_at": received + dt.timedelta(hours=rng.randrange(4, 72)) if engineer else None,
                    "arrived_at": arrived,
                    "unit_location": "in_transit" if state == "in_depot" else "customer",
                    "completed_at": completed,
                    "self_check_passed": completed is not None,
                    "signed_at": completed + dt.timedelta(hours=1) if completed and state != "completed" else None,
                    "signed_by_name": "王工" if completed and state != "completed" else "",
                    "closed_at": received + dt.timedelta(days=rng.randrange(5, 9)) if done else None,
                    "closed_by_id": staff["wd_head"].pk if state == "closed" else None,
                }
                _clocks_of(pk, number, received, done, state, priority, engineer, now, rng, clocks, segments, next_ids)
                if len(clocks) >= CLOCK_BATCH:
                    flush_clocks()
                if is_open:
                    open_requests.append((pk, number, state, engineer))

        start = time.perf_counter()
        counts["requests"] = insert_rows(ServiceRequest, rows())
        flush_clocks()
        log(
            f"  requests: {counts['requests']:,} with {counts['clocks']:,} clocks"
            f" ({counts['clock segments']:,} segments) in {time.perf_counter() - start:.1f} s"
        )
        first_approval = (Approval.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        approvals = _approvals(open_requests, staff, now, rng, total)
        counts["approvals"] = insert_rows(
            Approval, ({"id": first_approval + i, **row} for i, row in enumerate(approvals))
        )
        reset_sequences([ServiceRequest, Clock, ClockSegment, Approval])
    counts["open"] = len(open_requests)
    counts["waiting for dispatch"] = sum(1 for r in open_requests if r[2] == "registered")
    return counts


CLOCK_KINDS = (("respond", "S6", "S6.respond_minutes", 30, "minutes"), ("arrive", "S6", "S6.arrive", 8, "hours"),
               ("solve", "S10", "S10.substitute_after_days", 3, "days"))  # fmt: skip


def _clocks_of(
    pk: int,
    number: str,
    received: dt.datetime,
    done: bool,
    state: str,
    priority: str,
    engineer: int | None,
    now: dt.datetime,
    rng: random.Random,
    clocks: list[dict[str, Any]],
    segments: list[dict[str, Any]],
    next_ids: dict[str, int],
) -> None:
    """The request's three clocks; stopped ones when it is done (or past that step), else running."""
    for kind, rule, key, amount, unit in CLOCK_KINDS:
        seconds = amount * {"minutes": 60, "hours": 3600, "days": 86400}[unit]
        due = received + dt.timedelta(seconds=seconds * (1.5 if priority == "general" else 1))
        stopped = (
            done
            or (kind == "respond" and state != "registered")
            or (kind == "arrive" and engineer and state not in ("dispatched", "booked"))
        )
        clock_id = next_ids["clock"]
        next_ids["clock"] += 1
        stop_at = received + dt.timedelta(seconds=rng.randrange(60, int(seconds * 1.3))) if stopped else None
        if stop_at is not None and stop_at > now:
            stop_at = now
        clocks.append(
            {
                "id": clock_id,
                "subject_type": "service.servicerequest",
                "subject_id": str(pk),
                "subject_label": number,
                "url": f"/service/requests/{number}/",
                "kind": kind,
                "rule": rule,
                "policy_key": key,
                "policy_version": 1,
                "calendar_code": "CN",
                "calendar_version": 1,
                "target_amount": amount,
                "target_unit": unit,
                "target_seconds": seconds,
                "state": "stopped" if stopped else "running",
                "owner_id": engineer,
                "started_at": received,
                "due_at": due,
                "warn_at": received + dt.timedelta(seconds=seconds * 0.75),
                "next_check_at": None if stopped else min(due, received + dt.timedelta(seconds=seconds * 0.75)),
                "stopped_at": stop_at,
                "outcome": ("met" if stop_at <= due else "breached") if stop_at else "",
                "margin_seconds": int((due - stop_at).total_seconds()) if stop_at else None,
            }
        )
        if not stopped:
            segments.append(
                {"id": next_ids["segment"], "clock_id": clock_id, "kind": "running", "started_at": received}
            )
            next_ids["segment"] += 1


def _approvals(
    open_requests: list[tuple[int, str, str, int | None]],
    staff: dict[str, Any],
    now: dt.datetime,
    rng: random.Random,
    total: int,
) -> Iterator[dict[str, Any]]:
    """Pending S8/S9 approvals on some open jobs; K7 amounts waiting per role; a decided history."""
    number = 0
    engineers = [r for r in open_requests if r[3] is not None]
    for pk, label, _state, engineer in rng.sample(engineers, k=min(60, len(engineers))):
        number += 1
        yield {"subject_type": "service.servicerequest", "subject_id": str(pk), "subject_label": label,
               "kind": rng.choice(["offsite", "support", "leave_unsolved"]), "rule": "S8",
               "required_perm": "service.approve_servicerequest", "state": "pending", "requested_by_id": engineer,
               "note": "需要异地支援", "created_at": now - dt.timedelta(hours=rng.randrange(1, 48))}  # fmt: skip
    for role, count in (("team_lead", 12), ("cs_manager", 8), ("vp", 5), ("gm", 4)):
        for _ in range(count):
            number += 1
            yield {"subject_type": "complaints.complaint", "subject_id": str(900_000 + number),
                   "subject_label": f"{PREFIX}-K{number:05d}", "kind": "complaint", "purpose": "compensation",
                   "amount": rng.choice([800, 3000, 6000, 20000, 60000]), "required_role": role, "rule": "K7",
                   "state": "pending", "requested_by_id": staff["wd_agent"].pk,
                   "created_at": now - dt.timedelta(hours=rng.randrange(1, 96))}  # fmt: skip
    for _ in range(max(1, total // 50)):  # decided history: 2 % of the requests asked for something
        number += 1
        yield {"subject_type": "service.servicerequest", "subject_id": "0", "subject_label": f"{PREFIX}-H{number:07d}",
               "kind": "support", "rule": "S9", "required_perm": "service.approve_servicerequest",
               "state": "approved", "requested_by_id": staff["wd_agent"].pk, "decided_by_id": staff["wd_head"].pk,
               "decided_at": now - dt.timedelta(days=rng.randrange(30, 1800)),
               "created_at": now - dt.timedelta(days=rng.randrange(30, 1800))}  # fmt: skip


# --- the run ------------------------------------------------------------------------------------


@dataclass
class Client:
    """One concurrent user: how it authenticates and what it asks for, in turn."""

    name: str
    headers: dict[str, str]
    paths: list[tuple[str, str]]  # (kind, path)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    sizes: dict[str, list[int]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _session_cookie(user: Any) -> dict[str, str]:
    """A logged-in session for `user` (as django.contrib.auth.login stores it), as a Cookie header."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the model backend (axes comes first)
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}


def _clients(board_pages: int) -> list[Client]:
    from aftersales.accounts.models import User
    from aftersales.accounts.selectors import actor_for
    from aftersales.accounts.services import api_token_create

    users = {u.username: u for u in User.objects.filter(username__in=[*PEOPLE, "wd_eng000"])}
    rng = random.Random(11)
    per = _per_client()
    _token, clear = api_token_create(actor=actor_for(users["wd_lead1"]), name="bench-workday")
    api_headers = {"Authorization": f"Bearer {clear}"}
    api = "/api/v1/service-requests"
    points = [f"WD{i:02d}" for i in range(POINTS)]

    def board() -> tuple[str, str]:
        page = 1 if rng.random() < 0.5 else rng.randrange(1, board_pages + 1)
        return ("board", f"/service/board/?page={page}")

    def api_call() -> tuple[str, str]:
        choice = rng.randrange(6)
        if choice == 0:
            return ("api", f"{api}?page={rng.randrange(1, 6)}")
        if choice == 1:
            return ("api", f"{api}?state=registered")
        if choice == 2:
            return ("api", f"{api}?service_point={rng.choice(points)}&page={rng.randrange(1, 3)}")
        if choice == 3:
            return ("api", f"{api}?engineer=wd_eng{rng.randrange(POINTS):02d}{rng.randrange(ENGINEERS_PER_POINT)}")
        if choice == 4:
            return ("api", f"{api}?state=closed&page={rng.randrange(1, 20)}")
        return ("api", f"{api}?state=signed")

    def home(role: str) -> tuple[str, str]:
        return (f"home {role}", "/")

    plans: list[tuple[str, Any, Any]] = [
        ("team lead 1", users["wd_lead1"], lambda: board() if rng.random() < 0.7 else home("team_lead")),
        ("team lead 2", users["wd_lead2"], lambda: board() if rng.random() < 0.7 else home("team_lead")),
        ("head of service", users["wd_head"], lambda: board() if rng.random() < 0.5 else home("cs_manager")),
        ("engineer", users["wd_eng000"], lambda: home("engineer")),
        ("agent", users["wd_agent"], lambda: home("agent") if rng.random() < 0.5 else api_call()),
        ("GM", users["wd_gm"], lambda: home("gm") if rng.random() < 0.7 else home("vp")),
        ("finance", users["wd_finance"], lambda: home("finance")),
        ("API client", None, api_call),
    ]
    clients = []
    for name, user, make in plans:
        headers = api_headers if user is None else _session_cookie(user)
        if name == "GM":  # the GM and the VP share the thread: the VP's session for the VP's page
            vp = _session_cookie(users["wd_vp"])
            paths = [make() for _ in range(per)]
            clients.append(Client(name, headers, [p for p in paths if p[0] != "home vp"]))
            clients.append(Client("VP", vp, [p for p in paths if p[0] == "home vp"]))
            continue
        if name == "agent":  # the agent's API calls go with the API token's header
            paths = [make() for _ in range(per)]
            clients.append(Client(name, headers, [p for p in paths if p[0] != "api"]))
            clients.append(Client("agent (API)", api_headers, [p for p in paths if p[0] == "api"]))
            continue
        clients.append(Client(name, headers, [make() for _ in range(per)]))
    return clients


def _one_user() -> bool:
    """AFTERSALES_BENCH_WORKDAY_USERS=1: the same GETs one at a time (one thread, one connection), for the
    ratio of the 8-user p95 to a lone user's on the same machine and data."""
    return os.environ.get("AFTERSALES_BENCH_WORKDAY_USERS", "").strip() == "1"


def _drive(port: int, clients: list[Client], pairs: dict[str, str]) -> float:
    """Each client (and its partner, alternately) in one thread on one keep-alive connection; with
    _one_user(), every client's GETs in one thread."""
    by_name = {c.name: c for c in clients}
    threads = []

    def work(group: list[Client]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        queue = [(c, p) for c in group for p in c.paths]
        random.Random(len(queue)).shuffle(queue)
        for client, (kind, path) in queue:
            start = time.perf_counter()
            conn.request("GET", path, headers={**client.headers, "Accept-Language": "zh-hans"})
            response = conn.getresponse()
            body = response.read()
            client.latencies.setdefault(kind, []).append((time.perf_counter() - start) * 1000)
            client.sizes.setdefault(kind, []).append(len(body))
            if response.status != 200:
                client.errors.append(f"{response.status} {path}")
        conn.close()

    if _one_user():  # one thread: every client's GETs (each with its own headers), shuffled together
        threads.append(threading.Thread(target=work, args=(clients,)))
    grouped = set(pairs.values())
    for client in [] if _one_user() else clients:
        if client.name in grouped:
            continue
        group = [client] + ([by_name[pairs[client.name]]] if client.name in pairs else [])
        threads.append(threading.Thread(target=work, args=(group,)))
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def _board_pages() -> int:
    from aftersales.service.models import ServiceRequest

    waiting = ServiceRequest.objects.filter(open__in=[True], state="registered").count()
    from aftersales.service.views.requests import BOARD_SIZE

    return max(1, -(-waiting // BOARD_SIZE))


def run(ctx: Context) -> list[Figure]:
    marker = ensure_workday()
    total = marker["requests"]
    pages = _board_pages()
    pairs = {"GM": "VP", "agent": "agent (API)"}
    if _one_user():
        log(f"{AREA}: one user at a time (AFTERSALES_BENCH_WORKDAY_USERS=1)")
    with serve(database_url(), area=AREA) as port:
        warm = _clients(pages)
        for c in warm:
            c.paths = c.paths[:3]
        _drive(port, warm, pairs)
        if errors := [e for c in warm for e in c.errors]:
            raise RuntimeError(f"{AREA}: warm-up failed: {errors[:3]}")
        clients = _clients(pages)
        cpu_before = _cpu_times()
        wall = _drive(port, clients, pairs)
        steal = _steal_note(cpu_before, _cpu_times())
    latencies: dict[str, list[float]] = {}
    sizes: dict[str, list[int]] = {}
    errors = [e for c in clients for e in c.errors]
    for c in clients:
        for kind, values in c.latencies.items():
            latencies.setdefault(kind, []).extend(values)
            sizes.setdefault(kind, []).extend(c.sizes[kind])
    load = "; ".join(x for x in (_uptime(), steal) if x)
    users = 1 if _one_user() else CLIENTS
    scale = f"{total:,} requests, {1 if _one_user() else len(threads_note(clients, pairs))} users"
    figures: list[Figure] = []
    done = sum(len(v) for v in latencies.values())
    figures.append(
        Figure(AREA, f"{users} users × {_per_client()} GETs ({scale})", done / wall, "/s", goal="no errors",
               ok=not errors, note=f"{len(errors)} errors{f' (first: {errors[0]})' if errors else ''}; {load}")
    )  # fmt: skip
    homes = sorted(k for k in latencies if k.startswith("home "))
    groups = [("dispatch board", ["board"], BOARD_GOAL_MS, PAGE_GOAL_KB), ("home queues (all roles)", homes, BOARD_GOAL_MS, PAGE_GOAL_KB),
              ("list API GET /api/v1/service-requests", ["api"], API_GOAL_MS, None)]  # fmt: skip
    for label, kinds, goal_ms, goal_kb in groups:
        values = [x for k in kinds for x in latencies.get(k, [])]
        kb = max((s for k in kinds for s in sizes.get(k, [])), default=0) / 1024
        if not values:
            continue
        p50, p95, p99 = (percentile(values, p) for p in (50, 95, 99))
        detail = ", ".join(f"{k[5:]} p95 {percentile(latencies[k], 95):.0f} ms" for k in kinds if k.startswith("home "))
        figures.append(
            Figure(AREA, f"{label} p95 ({len(values)} GETs)", p95, "ms", goal=f"< {goal_ms:g} ms", ok=p95 < goal_ms,
                   note=f"p50 {p50:.1f} ms, p99 {p99:.1f} ms" + (f"; {detail}" if detail else ""))
        )  # fmt: skip
        figures.append(Figure(AREA, f"{label} p50", p50, "ms"))
        figures.append(Figure(AREA, f"{label} p99", p99, "ms"))
        figures.append(
            Figure(AREA, f"{label} largest answer", round(kb, 1), "KB",
                   goal=f"< {goal_kb:g} KB" if goal_kb else "", ok=(kb < goal_kb) if goal_kb else None)
        )  # fmt: skip
    return figures


def threads_note(clients: list[Client], pairs: dict[str, str]) -> list[str]:
    grouped = set(pairs.values())
    return [c.name for c in clients if c.name not in grouped]


def _cpu_times() -> list[int]:
    """The machine's CPU time so far (/proc/stat, all CPUs, in ticks): user … steal."""
    try:
        with open("/proc/stat", encoding="utf-8") as fh:
            return [int(x) for x in fh.readline().split()[1:9]]
    except (OSError, ValueError):
        return []


def _steal_note(before: list[int], after: list[int]) -> str:
    """The share of the machine's CPU time taken by the host (steal) and left idle during the run: on a
    shared virtual machine the first is CPU this run did not get, whatever the code did."""
    if len(before) < 8 or len(after) < 8:
        return ""
    delta = [b - a for a, b in zip(before, after, strict=True)]
    total = sum(delta) or 1
    return f"CPU stolen by the host {100 * delta[7] / total:.0f} %, idle {100 * delta[3] / total:.0f} %"


def _uptime() -> str:
    try:
        with open("/proc/loadavg", encoding="utf-8") as fh:
            return "load average " + " ".join(fh.read().split()[:3])
    except OSError:
        return ""
