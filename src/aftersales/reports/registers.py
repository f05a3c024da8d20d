"""Q7 registers (000: 来电来函的登记, 派遣记录, 费用等各项报表): every intake by channel, the dispatch
records and the expense report of completed requests.

Each register is one queryset of `.values()` rows (joins and correlated sums, never a query per
row), filtered by a period and the register's own filters; the pages paginate it and export it
with the same filters (core.lists)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import CharField, DecimalField, ExpressionWrapper, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from aftersales.approvals.choices import ApprovalState
from aftersales.approvals.models import Approval
from aftersales.complaints.models import Complaint
from aftersales.core.access import Actor
from aftersales.service.choices import ApprovalKind, QuoteState
from aftersales.service.models import PartUsed, Quote, ServiceRequest

VIEW_PERM = "reports.view_statistics"
MONEY: DecimalField[Any, Any] = DecimalField(max_digits=14, decimal_places=2)
REQUEST_TYPE = ServiceRequest._meta.label_lower


def _bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local days from..to (both included) as aware datetimes [start, end)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


# --- incoming calls and letters: every intake (service requests and complaints) by channel --------------------

INTAKE_COLUMNS = ("kind", "number", "received_at", "channel", "customer", "contact", "phone", "subject", "received_by")
INTAKE_FIELDS = tuple(f"i_{name}" for name in INTAKE_COLUMNS)  # every column an annotation: one order in the UNION


def _intake_rows(queryset: QuerySet[Any], kind: str, **columns: Any) -> QuerySet[Any]:
    text: CharField[Any, Any] = CharField()
    values = {"i_kind": Value(kind, output_field=text), "i_number": F("number"), "i_received_at": F("received_at"),
              "i_channel": F("channel"), "i_customer": F("customer__name")}  # fmt: skip
    values |= {f"i_{name}": value for name, value in columns.items()}
    return queryset.order_by().annotate(**values).values_list(*INTAKE_FIELDS)


def intake_register(
    actor: Actor, *, date_from: dt.date, date_to: dt.date, channel: str = "", kind: str = ""
) -> QuerySet[Any]:
    """Service requests and complaints received in the period, newest first (one UNION query); rows are
    tuples in INTAKE_COLUMNS order."""
    actor.require_perm(VIEW_PERM)
    start, end = _bounds(date_from, date_to)
    requests = ServiceRequest.objects.filter(received_at__gte=start, received_at__lt=end)
    complaints = Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
    if channel:
        requests, complaints = requests.filter(channel=channel), complaints.filter(channel=channel)
    parts: list[QuerySet[Any]] = []
    if kind in ("", "request"):
        parts.append(
            _intake_rows(
                requests,
                "request",
                contact=F("contact_name"),
                phone=F("phone"),
                subject=F("fault"),
                received_by=F("received_by__username"),
            )  # fmt: skip
        )
    if kind in ("", "complaint"):
        empty = Value("", output_field=CharField())
        parts.append(
            _intake_rows(
                complaints,
                "complaint",
                contact=empty,
                phone=empty,
                subject=F("description"),
                received_by=F("registered_by__username"),
            )  # fmt: skip
        )
    query = parts[0] if len(parts) == 1 else parts[0].union(parts[1], all=True)
    return query.order_by("-i_received_at", "-i_number")


# --- dispatch records ------------------------------------------------------------------------------------------


def dispatch_register(
    actor: Actor, *, date_from: dt.date, date_to: dt.date, engineer: str = "", service_point: int | None = None
) -> QuerySet[Any]:
    """Requests dispatched in the period (S7), newest dispatch first, with the engineer and the visit."""
    actor.require_perm(VIEW_PERM)
    start, end = _bounds(date_from, date_to)
    qs = ServiceRequest.objects.filter(dispatched_at__gte=start, dispatched_at__lt=end)
    if engineer:
        qs = qs.filter(engineer__username=engineer)
    if service_point is not None:
        qs = qs.filter(service_point_id=service_point)
    return qs.order_by("-dispatched_at", "-id").values(
        "number",
        "dispatched_at",
        "engineer__username",
        "engineer__display_name",
        "engineer__first_name",
        "engineer__last_name",
        "service_point__name",
        "customer__name",
        "address",
        "visit_at",
        "arrived_at",
        "completed_at",
        "state",
    )


# --- expense report: fees, parts cost and travel of completed requests ---------------------------------------


def expense_register(
    actor: Actor, *, date_from: dt.date, date_to: dt.date, service_point: int | None = None, engineer: str = ""
) -> QuerySet[Any]:
    """Requests completed in the period with their fees (accepted quotations: agreed price, else the quoted
    total; and what was collected), parts cost (lines × unit price) and travel (approved off-site trips, S8).

    One query: each figure is a correlated sum."""
    actor.require_perm(VIEW_PERM)
    start, end = _bounds(date_from, date_to)
    quotes = Quote.objects.filter(request=OuterRef("pk"), state=QuoteState.ACCEPTED).order_by().values("request")
    parts = PartUsed.objects.filter(request=OuterRef("pk")).order_by().values("request")
    trips = (
        Approval.objects.filter(
            subject_type=REQUEST_TYPE,
            subject_id=Cast(OuterRef("pk"), CharField()),
            kind=ApprovalKind.OFFSITE,
            state=ApprovalState.APPROVED,
        )
        .order_by()
        .values("subject_id")
    )
    zero = Value(Decimal("0"), output_field=MONEY)
    qs = ServiceRequest.objects.filter(completed_at__gte=start, completed_at__lt=end)
    if service_point is not None:
        qs = qs.filter(service_point_id=service_point)
    if engineer:
        qs = qs.filter(engineer__username=engineer)
    return (
        qs.annotate(
            fees=Coalesce(
                Subquery(quotes.annotate(s=Sum(Coalesce("agreed_price", "total"))).values("s")[:1], output_field=MONEY),
                zero,
            ),
            collected=Coalesce(
                Subquery(quotes.annotate(s=Sum("collected_amount")).values("s")[:1], output_field=MONEY), zero
            ),
            parts_cost=Coalesce(
                Subquery(
                    parts.annotate(
                        s=Sum(ExpressionWrapper(F("quantity") * F("unit_price"), output_field=MONEY))
                    ).values("s")[:1],
                    output_field=MONEY,
                ),
                zero,
            ),
            travel=Coalesce(Subquery(trips.annotate(s=Sum("amount")).values("s")[:1], output_field=MONEY), zero),
        )
        .order_by("-completed_at", "-id")
        .values(
            "number",
            "completed_at",
            "customer__name",
            "service_point__name",
            "engineer__username",
            "charging_type",
            "fees",
            "collected",
            "parts_cost",
            "travel",
        )
    )


def expense_totals(rows: QuerySet[Any]) -> dict[str, Decimal]:
    """The period's sums of the expense register's money columns (one aggregate query)."""
    totals = {name: Decimal("0") for name in ("fees", "collected", "parts_cost", "travel")}
    for row in rows.values("fees", "collected", "parts_cost", "travel").iterator():
        for name in totals:
            totals[name] += row[name] or 0
    return totals
