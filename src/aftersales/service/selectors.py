"""Reads of the service case, scoped to the actor (S1–S16).

Staff with service.view_servicerequest see every request; an engineer without dispatch rights
sees the jobs assigned to them; a portal user sees their own organisation's requests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from aftersales.accounts.models import Region, ServicePoint, User, user_label
from aftersales.approvals.selectors import approval_list
from aftersales.approvals.services import Approval
from aftersales.clocks.choices import ClockState
from aftersales.clocks.models import Clock
from aftersales.clocks.selectors import clocks_for_subjects, clocks_known
from aftersales.core.access import Actor
from aftersales.core.errors import NotFound
from aftersales.core.prefetch import prefetched_rows
from aftersales.customers.selectors import VisitContact, customer_visit_contact
from aftersales.installed_base.models import Product, Unit
from aftersales.policies.selectors import policy_get
from aftersales.service.choices import (
    ApprovalKind,
    FeeStandardState,
    PaymentState,
    Priority,
    QuoteState,
    RequestState,
    UnitLocation,
)
from aftersales.service.codes import matches
from aftersales.service.dispatch_scoring import rank_engineers
from aftersales.service.locks import service_request_qs_for_update
from aftersales.service.models import (
    Attachment,
    DepotJob,
    DepotMovement,
    FaultCode,
    FeeStandard,
    Quote,
    RepairOrderHandIn,
    ServiceRequest,
    ServiceTask,
)
from aftersales.service.transitions import DEPOT_NEXT_MOVE
from aftersales.training.selectors import certified_lines_by_user

ENGINEER_ROLE = "engineer"


def service_request_scope(actor: Actor) -> QuerySet[ServiceRequest]:
    """Every request the actor may see. Each condition on its own line."""
    if actor.has_role("customer"):
        return ServiceRequest.objects.filter(customer_id=getattr(actor.user, "customer_id", None) or 0)
    if not actor.has_perm("service.view_servicerequest"):
        return ServiceRequest.objects.none()
    if actor.has_role(ENGINEER_ROLE) and not actor.has_perm("service.dispatch_servicerequest"):
        return ServiceRequest.objects.filter(engineer_id=actor.pk)
    return ServiceRequest.objects.all()


def access_service_request(actor: Actor, number: str, *, for_update: bool = False) -> ServiceRequest:
    """The request by number if the actor may see it; NotFound for missing and out of scope alike."""
    qs = service_request_scope(actor)
    if for_update:
        qs = service_request_qs_for_update(qs)
    request = (
        qs.select_related(
            "customer",
            "unit__product",
            "engineer",
            "service_point",
            "received_by",
            "symptom_code",
            "cause_code",
            "confirmed_symptom_code",
        )
        .filter(number=str(number or "").strip().upper())
        .first()
    )
    if request is None:
        raise NotFound()
    return request


def attachment_list(request: ServiceRequest) -> list[Attachment]:
    """The request's photos and videos, oldest first (the caller already may see the request)."""
    return list(request.attachments.select_related("uploaded_by"))


def access_attachment(actor: Actor, attachment_id: int) -> Attachment:
    """A photo or video if the actor may see its request; NotFound for missing and out of scope alike."""
    attachment = (
        Attachment.objects.select_related("request", "uploaded_by")
        .filter(pk=attachment_id, request__in=service_request_scope(actor))
        .first()
    )
    if attachment is None:
        raise NotFound()
    return attachment


@dataclass(frozen=True)
class AttachmentContent:
    """The bytes to send for a photo or video (or a photo's thumbnail) and how to label them."""

    file: Any  # an open django File from the default storage
    content_type: str
    filename: str


def attachment_content(actor: Actor, attachment_id: int, *, thumbnail: bool = False) -> AttachmentContent:
    """The stored file of a photo or video the actor may see (NotFound otherwise, or with no thumbnail)."""
    attachment = access_attachment(actor, attachment_id)
    stored = attachment.thumbnail if thumbnail else attachment.file
    if not stored or not default_storage.exists(stored.name):
        raise NotFound()
    name = attachment.original_name
    content_type = attachment.content_type
    if thumbnail or attachment.is_photo:  # photos are stored as JPEG whatever was uploaded
        content_type = "image/jpeg"
        name = name.rsplit(".", 1)[0] + ".jpg"
    return AttachmentContent(file=default_storage.open(stored.name, "rb"), content_type=content_type, filename=name)


def service_request_list(
    actor: Actor,
    *,
    state: str = "",
    engineer: str = "",
    service_point: str = "",
    overdue: bool = False,
    open_only: bool = False,
    q: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[ServiceRequest]:
    """Requests for lists and the API, newest first; `overdue`: an unstopped clock past its due time."""
    qs = service_request_scope(actor).select_related("customer", "engineer", "service_point", "unit__product")
    if state:
        qs = qs.filter(state=state)
    if open_only:
        qs = qs.filter(open=True)
    # The engineer and the service point by their id (one scalar subquery each), not by a join on their
    # name: the page is then one range of sr_engineer_received_idx / sr_point_received_idx, where the
    # join had the planner walk the whole register newest first (~14,000 rows a page at 1M requests).
    if engineer:
        qs = qs.filter(engineer_id=Subquery(User.objects.filter(username=engineer).values("pk")[:1]))
    if service_point:
        qs = qs.filter(service_point_id=Subquery(ServicePoint.objects.filter(code=service_point).values("pk")[:1]))
    if q:
        text = q.strip()
        qs = qs.filter(
            Q(number__startswith=text.upper())
            | Q(customer__name__contains=text)
            | Q(unit__serial__startswith=text)
            | Q(phone__contains=text)
        )
    if overdue:
        qs = qs.filter(Exists(_overdue_clocks(now or timezone.now())))
    return qs.order_by("-received_at", "-id")


SUMMARY_COLUMNS = (
    "pk", "number", "state", "open", "customer_id", "customer__code", "customer__name", "unit_id", "unit__serial",
    "model_text", "channel", "priority", "kind", "fault", "received_at", "service_point__code", "charging_type",
    "engineer_id", "engineer__username", "engineer__display_name", "visit_at", "version",
)  # fmt: skip


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(dt.UTC) if value is not None and value.tzinfo is not None else value


def service_request_summaries(ids: list[int]) -> list[dict[str, Any]]:
    """The rows `ids` (a page of service_request_list, in its order) as GET /service-requests writes them:
    ServiceRequestSummaryOut's fields in its order, times in UTC. One query of the columns the summary
    shows, for these rows only (joins to customer, unit, service point and engineer); the API writes the
    dicts without validating each through the schema, and tests/service/test_workday_queries.py checks
    they are exactly what the schema makes of the model instances."""
    found = {}
    for (pk, number, state, is_open, customer_id, customer_code, customer_name, unit_id, serial, model_text,
         channel, priority, kind, fault, received_at, point, charging_type, engineer_id, username, display_name,
         visit_at, version) in ServiceRequest.objects.filter(pk__in=ids).values_list(*SUMMARY_COLUMNS):  # fmt: skip
        found[pk] = {
            "number": number,
            "state": state,
            "open": is_open,
            "customer": {"id": customer_id, "code": customer_code, "name": customer_name},
            "serial": serial if unit_id is not None else None,
            "model": model_text,
            "channel": channel,
            "priority": priority,
            "kind": kind,
            "fault": fault,
            "received_at": _utc(received_at),
            "service_point": point,
            "charging_type": charging_type,
            "engineer": (
                {"id": engineer_id, "username": username, "display_name": display_name}
                if engineer_id is not None
                else None
            ),
            "visit_at": _utc(visit_at),
            "version": version,
        }
    return [found[pk] for pk in ids if pk in found]


def _overdue_clocks(now: dt.datetime) -> QuerySet[Clock]:
    """The request's running clocks past due (correlated: one index probe per request, no id list)."""
    return Clock.objects.filter(
        subject_type="service.servicerequest",
        subject_id=Cast(OuterRef("pk"), output_field=CharField()),
        state=ClockState.RUNNING,
        due_at__lte=now,
    )


def dispatch_board_queries(actor: Actor) -> tuple[QuerySet[ServiceRequest], QuerySet[ServiceRequest]]:
    """S7: (carried-over, new) requests waiting for an engineer, each an ordered range of sr_board_idx.

    `open__in`, not `open=True`: SQLite compiles the latter to a bare `WHERE "open"`, which cannot
    seek the index (measured at 1M requests: 506 ms p95 against 56 ms). Two ranges instead of
    one ORDER BY carried_over_on: NULLs sort first on SQLite and last on PostgreSQL.
    """
    if not actor.has_perm("service.dispatch_servicerequest"):
        none = ServiceRequest.objects.none()
        return none, none
    base = (
        service_request_scope(actor)
        .filter(open__in=[True], state=RequestState.REGISTERED)
        .select_related("customer", "unit__product", "service_point")
    )
    carried = base.filter(carried_over_on__isnull=False).order_by("carried_over_on", "received_at")
    new = base.filter(carried_over_on__isnull=True).order_by("received_at")
    return carried, new


PRIORITY_ORDER = (Priority.URGENT, Priority.SERIOUS, Priority.GENERAL)


def dispatch_board_list(actor: Actor) -> QuerySet[ServiceRequest]:
    """S7: every request waiting for an engineer in board order — carried-over ones on top, then by
    priority and received time — for numbered pages (core.lists.list_page).

    The rows are one range of sr_board_idx (open, state): the waiting requests only, a few thousand
    at most whatever the history, counted and sorted there (`open__in`: see dispatch_board_queries).
    """
    if not actor.has_perm("service.dispatch_servicerequest"):
        return ServiceRequest.objects.none()
    rank = Case(
        *(When(priority=value, then=Value(index)) for index, value in enumerate(PRIORITY_ORDER)),
        default=Value(len(PRIORITY_ORDER)),
        output_field=IntegerField(),
    )
    new = Case(When(carried_over_on__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField())
    return (
        service_request_scope(actor)
        .filter(open__in=[True], state=RequestState.REGISTERED)
        .select_related("customer", "unit__product", "service_point")
        .alias(board_new=new, board_rank=rank)
        .order_by("board_new", "board_rank", "received_at", "id")
    )


# What a board row draws and ranks by (service/board.html, dispatch_scoring.ranking_place): a board page
# reads these columns only — not the ~50 of a request and its customer, unit and product, whose dates
# (a dozen a row) were parsed for nothing.
BOARD_ROW_COLUMNS = ("id", "number", "version", "priority", "received_at", "carried_over_on", "address", "fault",
                     "model_text", "charging_type", "customer__id", "customer__name", "customer__region_id",
                     "unit__id", "unit__product__id", "unit__product__model", "unit__product__category",
                     "service_point__id", "service_point__name", "service_point__region_id")  # fmt: skip


def dispatch_board_rows(keys: list[int]) -> list[ServiceRequest]:
    """The board page's requests `keys` (cut from dispatch_board_list, in its order) with the columns a
    board row shows (BOARD_ROW_COLUMNS). The page is cut first (core.lists.list_page `rows`): the
    board's order is by expressions, and joining customer, unit and product to every waiting request
    before sorting them cost ~16 ms a page at 762 waiting requests on PostgreSQL."""
    found = {
        sr.pk: sr
        for sr in ServiceRequest.objects.filter(pk__in=keys)
        .select_related("customer", "unit__product", "service_point")
        .only(*BOARD_ROW_COLUMNS)
    }
    return [found[pk] for pk in keys if pk in found]


def dispatch_board(actor: Actor, *, limit: int = 200) -> list[ServiceRequest]:
    """S7: the first `limit` requests of the board (dispatch_board_list), for the API."""
    return list(dispatch_board_list(actor)[:limit])


def clocks_prefetch(requests: Any, *, segments: bool = True) -> None:
    """Attach every clock of these requests in one query, so `{% clocks_for %}` reads none (lists).
    `segments=False` for `{% clocks_brief %}` (state and due time only): the segments are not read."""
    rows = list(requests)
    if not rows:
        return
    found = clocks_for_subjects("service.servicerequest", [sr.pk for sr in rows], segments=segments)
    for sr in rows:
        clocks_known(sr, found.get(str(sr.pk), []))


@dataclass(frozen=True, slots=True)
class CandidatePoint:
    """An engineer's service point, as the ranking and the board read it."""

    id: int
    code: str
    name: str
    region_id: int | None

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class EngineerCandidate:
    """An active engineer as the dispatch ranking (dispatch_scoring), its choices and the board read
    them: plain values from one query. A User and a ServicePoint instance per engineer were ~2 ms of each
    board page (docs/decisions/0042)."""

    id: int
    username: str
    display_name: str
    first_name: str
    last_name: str
    service_point_id: int | None
    service_point: CandidatePoint | None
    open_jobs: int  # open requests dispatched to the engineer
    certified_lines: frozenset[str]  # T2: product lines with a valid certificate today
    certified_weight: int  # S7.certified_weight, read by the ranking

    @property
    def pk(self) -> int:
        return self.id

    def __str__(self) -> str:
        return user_label(self.display_name, self.first_name, self.last_name, self.username)


def engineer_candidates() -> list[EngineerCandidate]:
    """Active engineers with their open load and service point, by username; rank them per request.

    One query: each engineer's open jobs are a subquery on sr_engineer_idx (engineer, open), one index
    range per engineer on either database. A join with COUNT(filter=open) read every job the engineers
    ever had — 62 s on SQLite at 1M requests (docs/decisions/0027); the engineers' ids as an IN list took
    PostgreSQL ~2 ms to plan on each board page (0042). No DISTINCT: a user is in a group once."""
    jobs = (
        ServiceRequest.objects.filter(engineer=OuterRef("pk"), open__in=[True])
        .order_by()
        .values("engineer")
        .annotate(n=Count("id"))
        .values("n")
    )
    rows = list(
        User.objects.filter(is_active=True, groups__name=ENGINEER_ROLE)
        .annotate(open_jobs=Coalesce(Subquery(jobs, output_field=IntegerField()), Value(0)))
        .order_by("username")
        .values_list(
            "id",
            "username",
            "display_name",
            "first_name",
            "last_name",
            "service_point_id",
            "service_point__code",
            "service_point__name",
            "service_point__region_id",
            "open_jobs",
        )
    )
    # T2: the product lines each engineer holds a valid certificate for, and the weight of one (S7), one
    # query each; rank_engineers puts the uncertified behind by that weight.
    lines = certified_lines_by_user([row[0] for row in rows], on=timezone.localdate())
    weight = int(policy_get("S7.certified_weight").value)
    return [
        EngineerCandidate(
            id=pk,
            username=username,
            display_name=display_name,
            first_name=first_name,
            last_name=last_name,
            service_point_id=point_id,
            service_point=CandidatePoint(point_id, code, name, region_id) if point_id is not None else None,
            open_jobs=open_jobs,
            certified_lines=lines.get(pk, frozenset()),
            certified_weight=weight,
        )
        for (pk, username, display_name, first_name, last_name, point_id, code, name, region_id, open_jobs) in rows
    ]


def engineer_suggestions(
    request: ServiceRequest, *, limit: int = 5, engineers: list[EngineerCandidate] | None = None
) -> list[dict[str, Any]]:
    """S7: engineers ranked by region (same service point first), open load, then name.

    Pass `engineers` (engineer_candidates()) when ranking for many requests, e.g. the board.
    Returns [{"user", "open_jobs", "same_point", "score"}], best first.
    """
    return rank_engineers(request, engineer_candidates() if engineers is None else engineers, limit=limit)


def engineer_jobs(actor: Actor, *, day: dt.date | None = None) -> QuerySet[ServiceRequest]:
    """The engineer's open jobs for the phone screen, the most pressing first: by `due_at` (the
    earliest due time of the request's running clocks; none last), then the booked visit, then
    the received time."""
    due = (
        Clock.objects.filter(
            subject_type="service.servicerequest",
            subject_id=Cast(OuterRef("pk"), output_field=CharField()),
            state=ClockState.RUNNING,
        )
        .values("subject_id")
        .annotate(first=Min("due_at"))
        .values("first")[:1]
    )
    return (
        ServiceRequest.objects.filter(engineer_id=actor.pk, open__in=[True])  # `open__in`: SQLite seeks sr_engineer_idx
        .select_related("customer", "unit__product")
        .annotate(due_at=Subquery(due))
        .order_by(F("due_at").asc(nulls_last=True), F("visit_at").asc(nulls_last=True), "received_at", "id")
    )


def request_visit_contact(actor: Actor, request: ServiceRequest) -> VisitContact | None:
    """The file's contact and address for a visit on this request, as customers' C3 rule allows:
    the engineer dispatched to it while it is open, or someone who may open the file. Rule: C3."""
    return customer_visit_contact(
        actor,
        request.customer,
        request_engineer_id=request.engineer_id,
        request_open=request.open,
        site=request.unit.site if request.unit_id and request.unit else "",
    )


def approval_pending_list(actor: Actor) -> QuerySet[Approval]:
    """S8, S9: the engineers' requests waiting for the actor's decision (the approvals engine's queue)."""
    return approval_list(actor, mine="waiting").filter(kind__in=ApprovalKind.values)


# What the board's side tables show (service/board.html: approvals pending, open tasks): their rows read
# these columns only. The whole approval (its explanation JSON) with both users, and the whole request
# with its customer under each task, made those 20 rows cost more than the 25 board rows (Stop 22).
BOARD_APPROVAL_COLUMNS = ("id", "created_at", "subject_label", "kind", "note", "amount", "requested_by__id",
                          "requested_by__username", "requested_by__first_name", "requested_by__last_name",
                          "requested_by__display_name")  # fmt: skip
BOARD_TASK_COLUMNS = ("id", "created_at", "kind", "rule", "request__id", "request__number", "request__customer__id",
                      "request__customer__name")  # fmt: skip


def board_side_rows(actor: Actor, limit: int) -> tuple[list[Approval], list[ServiceTask]]:
    """The first `limit` pending approvals and open tasks under the board, the oldest first, with the
    columns the board shows (BOARD_APPROVAL_COLUMNS, BOARD_TASK_COLUMNS)."""
    approvals = approval_pending_list(actor).select_related(None).select_related("requested_by")
    tasks = task_open_list(actor).order_by("created_at", "id")
    return (
        list(approvals.only(*BOARD_APPROVAL_COLUMNS)[:limit]),
        list(tasks.only(*BOARD_TASK_COLUMNS)[:limit]),
    )


def task_open_list(actor: Actor) -> QuerySet[ServiceTask]:
    """Open S10 tasks on requests in the actor's scope (correlated: one primary-key probe per open
    task, not the scope's id list, which is the whole register for a dispatcher)."""
    scope = service_request_scope(actor)
    return (
        ServiceTask.objects.filter(done_at__isnull=True)
        .filter(Exists(scope.filter(pk=OuterRef("request_id"))))
        .select_related("request__customer")
    )


def fee_standard_current() -> FeeStandard | None:
    """B2: the approved fee standard (the newest, should two ever be)."""
    return FeeStandard.objects.filter(state=FeeStandardState.APPROVED).order_by("-version").first()


def quote_current(request: ServiceRequest) -> Quote | None:
    """B1: the request's newest quotation (from the prefetched quotes when it has them)."""
    rows = prefetched_rows(request, "quotes")
    if rows is not None:
        return max(rows, key=lambda q: (q.created_at, q.pk), default=None)
    return request.quotes.order_by("-created_at", "-id").first()


def repeat_candidate(
    *,
    unit_id: int | None,
    symptom: str,
    received_at: dt.datetime,
    window_days: int,
    symptom_code_id: int | None = None,
) -> Any:
    """S15: the latest request on the same unit with the same symptom, repaired within the window.

    Two requests that both carry a symptom code (the confirmed one at completion, else the intake's)
    are compared by code; otherwise by the free-text symptom, as before the codes existed.
    """
    if unit_id is None or not (symptom or symptom_code_id):
        return None
    since = received_at - dt.timedelta(days=window_days)
    rows = ServiceRequest.objects.filter(unit_id=unit_id, completed_at__isnull=False, completed_at__gte=since).annotate(
        effective_code=Coalesce("confirmed_symptom_code_id", "symptom_code_id")
    )
    if symptom_code_id:
        same = Q(effective_code=symptom_code_id)
        if symptom:
            same |= Q(effective_code__isnull=True, symptom=symptom)
    else:
        same = Q(symptom=symptom)
    return rows.filter(same).order_by("-completed_at").first()


def fault_codes_for(
    *, kind: str, category: str | None = None, query: str = "", include_inactive: bool = False
) -> list[FaultCode]:
    """The codes a picker offers for a unit of `category` (its own and the general ones; None = every
    category), narrowed by `query` matched against code, name and synonyms."""
    rows = FaultCode.objects.filter(kind=kind)
    if not include_inactive:
        rows = rows.filter(active=True)
    if category is not None:
        rows = rows.filter(category__in=["", category])
    return [code for code in rows.order_by("category", "code") if matches(code, query)]


def fault_code_list(*, kind: str = "", category: str = "", query: str = "") -> list[FaultCode]:
    """The managers' list: every code (active or not), filtered by kind, exact category and search."""
    rows = FaultCode.objects.all()
    if kind:
        rows = rows.filter(kind=kind)
    if category:
        rows = rows.filter(category=category)
    return [code for code in rows.order_by("kind", "category", "code") if matches(code, query)]


def unit_product_category(serial: str) -> str | None:
    """The product category of the unit with this serial number (None when there is none)."""
    return Unit.objects.filter(serial=serial).values_list("product__category", flat=True).first()


def product_categories() -> list[str]:
    """The product categories of the installed base (the codes are kept per category)."""
    return sorted(
        set(Product.objects.exclude(category="").values_list("category", flat=True))
        | set(FaultCode.objects.exclude(category="").values_list("category", flat=True))
    )


def fee_standard_list(actor: Actor) -> QuerySet[FeeStandard]:
    """B2: every version, newest first, for those who may see the fee standards."""
    if not actor.has_perm("service.view_feestandard"):
        return FeeStandard.objects.none()
    return FeeStandard.objects.select_related("created_by", "approved_by").order_by("-version")


def quote_list_for(request: ServiceRequest) -> list[Quote]:
    """B1: the quotations of a request the caller already has access to, newest first, with their lines."""
    return list(
        Quote.objects.filter(request=request)
        .select_related("fee_standard", "offered_by")
        .prefetch_related("lines")
        .order_by("-created_at", "-id")
    )


def access_quote(actor: Actor, number: str) -> Quote:
    """A quotation by number if the actor may see its request; NotFound for missing and out of scope alike."""
    quote = (
        Quote.objects.select_related("request", "fee_standard", "offered_by")
        .filter(number=str(number or "").strip().upper())
        .first()
    )
    if quote is None:
        raise NotFound()
    access_service_request(actor, quote.request.number)  # raises NotFound when not the actor's
    return quote


# --- the depot (S13) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DepotRow:
    """One line of the depot page: the job, its last register line, where the unit is, what may come next."""

    job: DepotJob
    last_move: str
    next_move: str | None
    location: str


def depot_job_scope(actor: Actor) -> QuerySet[DepotJob]:
    """Depot jobs of the requests the actor may see (same scope as the requests)."""
    return DepotJob.objects.filter(request__in=service_request_scope(actor))


def access_depot_job(actor: Actor, number: str) -> DepotJob:
    """A depot job by its tag or receipt number; NotFound for missing and out of scope alike."""
    key = str(number or "").strip().upper()
    job = (
        depot_job_scope(actor)
        .select_related("request__customer", "request__unit__product", "request__engineer")
        .filter(tag_number=key)
        .first()
    ) or (
        depot_job_scope(actor)
        .select_related("request__customer", "request__unit__product", "request__engineer")
        .filter(receipt_number=key)
        .first()
    )
    if job is None:
        raise NotFound()
    return job


def depot_register(actor: Actor, *, open_only: bool = False, limit: int = 200) -> list[DepotRow]:
    """S13 用户产品进出登记本: the depot jobs, newest first, each with its last line and the unit's location."""
    qs = depot_job_scope(actor).select_related("request__customer", "request__unit__product")
    if open_only:
        qs = qs.filter(returned_at__isnull=True)
    jobs = list(qs.order_by("-created_at", "-id")[:limit])
    last: dict[int, str] = {}
    for job_id, move in (
        DepotMovement.objects.filter(job__in=[j.pk for j in jobs]).order_by("at", "id").values_list("job_id", "move")
    ):
        last[job_id] = move
    return [
        DepotRow(
            job=j,
            last_move=last.get(j.pk, ""),
            next_move=DEPOT_NEXT_MOVE.get(last.get(j.pk, "")),
            location=j.request.unit_location,
        )
        for j in jobs
    ]


def depot_waiting_requests(actor: Actor) -> QuerySet[ServiceRequest]:
    """Requests sent to the depot (state in_depot) whose unit has no open depot job yet: to be received.

    The unit is still with the engineer (in transit): a unit already returned to the customer by its
    depot job (location "customer") is not waiting to be received again.
    """
    return (
        service_request_scope(actor)
        .filter(open=True, state=RequestState.IN_DEPOT, unit_location=UnitLocation.IN_TRANSIT)
        .exclude(Exists(DepotJob.objects.filter(request=OuterRef("pk"), returned_at__isnull=True)))
        .select_related("customer", "unit__product")
        .order_by("received_at")
    )


# --- S14: monthly hand-in of repair orders -------------------------------------------------------


def handin_list(actor: Actor, *, limit: int = 120) -> QuerySet[RepairOrderHandIn]:
    """Hand-ins the actor may see: every point's for dispatchers, their own point's for its staff."""
    qs = RepairOrderHandIn.objects.select_related("service_point", "handed_in_by").order_by("-period", "service_point")
    if actor.has_perm("service.dispatch_servicerequest"):
        return qs[:limit]
    point_id = getattr(actor.user, "service_point_id", None)
    if point_id and actor.has_perm("service.work_servicerequest"):
        return qs.filter(service_point_id=point_id)[:limit]
    return RepairOrderHandIn.objects.none()


# B1: fees still to be collected: due (to collect on site or invoice) or cash collected on site
# that finance has not yet confirmed.
FEE_OUTSTANDING_STATES = (PaymentState.DUE, PaymentState.COLLECTED)


def fees_outstanding(actor: Actor, *, payment_state: str = "") -> QuerySet[Quote]:
    """B1: finance's list of outstanding fees, oldest decision first: accepted quotations whose fee is
    due, or collected in cash on site and not yet confirmed by finance. Raises: PermissionDenied."""
    actor.require_perm("service.charge_servicerequest")
    states = (payment_state,) if payment_state in FEE_OUTSTANDING_STATES else FEE_OUTSTANDING_STATES
    return (
        Quote.objects.filter(
            state=QuoteState.ACCEPTED, payment_state__in=states, request__in=service_request_scope(actor)
        )
        .select_related("request__customer", "request__engineer")
        .order_by("decided_at", "id")
    )


def offsite_regions(request: ServiceRequest) -> tuple[Region, Region] | None:
    """S8: (site region, base region) when the site lies outside the city the engineer works from, else None.

    The site is the customer's region; the base is the engineer's own service point, else the
    request's service point. Unknown regions (no region on file, no service point) are not off-site.
    """
    site = request.customer.region if request.customer_id else None
    engineer = request.engineer
    point = engineer.service_point if engineer is not None and engineer.service_point_id else request.service_point
    if site is None or point is None or point.region_id == site.pk:
        return None
    return site, point.region
