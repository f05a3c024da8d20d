"""API schemas of the service case: strict pydantic inputs, Ninja outputs (S1–S16, P3, B1).

Money travels as decimal strings ("350.00"), times as ISO 8601 with their offset (answers in UTC).
Inputs whose service checks it carry an optional `version`: the version the caller saw (409
version_conflict when someone changed the request since).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BeforeValidator, Field, field_validator, model_validator

from aftersales.accounts.selectors import actor_for
from aftersales.approvals.selectors import approvals_for
from aftersales.approvals.services import Approval
from aftersales.clocks.schemas import ClockOut, clocks_out
from aftersales.core.pagination import COUNT_CAP
from aftersales.core.prefetch import prefetched_rows
from aftersales.installed_base.schemas import IsoDate, StrictIn
from aftersales.service.choices import ApprovalKind
from aftersales.service.models import Attachment, PartUsed, Quote, ServiceRequest, ServiceTask, WorkStep
from aftersales.service.selectors import quote_current, request_visit_contact

MAX_ID = 2_147_483_647  # larger ids cannot exist, and SQLite overflows on them
MAX_MONEY = Decimal("9999999999.99")  # max_digits=12, decimal_places=2 on every money field

ChannelCode = Literal["phone", "email", "fax", "web", "walk_in", "onsite", "letter", "dispatch"]
PriorityCode = Literal["urgent", "serious", "general"]
ServiceKindCode = Literal["repair", "software", "installation", "consulting", "training", "quality_feedback"]
ChargingTypeCode = Literal["A", "B", "C", "D"]
ResolutionCode = Literal["on_site", "remote", "board_swap", "depot", "unsolved"]
ApprovalKindCode = Literal["offsite", "support", "leave_unsolved"]
RequestStateCode = Literal[
    "registered",
    "dispatched",
    "booked",
    "on_site",
    "waiting_parts",
    "in_depot",
    "quoted",
    "waiting_customer",
    "completed",
    "signed",
    "closed",
    "declined",
    "cancelled",
]

_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})")
_MONEY = re.compile(r"\d{1,10}(\.\d{1,2})?")


def parse_aware_datetime(value: Any) -> dt.datetime:
    """An instant written ISO 8601 with its offset ("2026-09-30T10:00:00+08:00"); naive times are refused."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str) and _ISO_DATETIME.fullmatch(value.strip()):
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(_("“%(value)s” is not a valid time.") % {"value": value}) from None
    else:
        raise ValueError(_("Enter a time as ISO 8601 with its offset, e.g. 2026-09-30T10:00:00+08:00."))
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(_("Give the time with its time zone."))
    if not 1900 <= moment.year <= 2199:
        raise ValueError(_("Enter a time between the years 1900 and 2199."))
    return moment


def parse_money(value: Any) -> Decimal:
    """An amount in yuan written as a decimal string with at most two decimals ("350.00")."""
    if isinstance(value, Decimal):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise ValueError(_('Give the amount as a decimal string, e.g. "350.00".'))
    if not _MONEY.fullmatch(text):
        raise ValueError(_('Give the amount as a decimal string, e.g. "350.00".'))
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(_('Give the amount as a decimal string, e.g. "350.00".')) from None
    if amount > MAX_MONEY:
        raise ValueError(_("The amount is too large."))
    return amount


def parse_hours(value: Any) -> Decimal:
    """Labour hours as a decimal string ("1.5"), at most two decimals."""
    hours = parse_money(value)
    if hours > Decimal("999999.99"):
        raise ValueError(_("The amount is too large."))
    return hours


AwareDateTime = Annotated[dt.datetime, BeforeValidator(parse_aware_datetime)]
Money = Annotated[Decimal, BeforeValidator(parse_money)]
Hours = Annotated[Decimal, BeforeValidator(parse_hours)]
Version = Annotated[int | None, Field(default=None, ge=1, le=MAX_ID)]
Reason = Annotated[str, Field(min_length=1, max_length=200)]


# --- inputs ----------------------------------------------------------------------------------


class ServiceRequestCreateIn(StrictIn):
    """S1: one entry of the service register. `serial` of a registered unit, or `model` when it is not."""

    customer: int = Field(ge=1, le=MAX_ID)
    serial: str = Field(default="", max_length=64)
    model: str = Field(default="", max_length=64)
    channel: ChannelCode
    priority: PriorityCode = "general"
    kind: ServiceKindCode = "repair"
    fault: str = Field(min_length=1, max_length=4000)
    symptom: str = Field(default="", max_length=64)
    symptom_code_id: int | None = Field(default=None, ge=1, le=MAX_ID)  # GET /fault-codes?kind=symptom
    contact_name: str = Field(default="", max_length=64)
    phone: str = Field(default="", max_length=40)
    address: str = Field(default="", max_length=200)
    received_at: AwareDateTime | None = None  # back-registered calls (S2)
    service_point: str = Field(default="", max_length=16)
    charging_type: ChargingTypeCode | Literal[""] = ""  # "" = derived (S4)
    charging_reason: str = Field(default="", max_length=200)


class VersionIn(StrictIn):
    """An action with no data of its own (arrive, parts-arrived)."""

    version: Version = None


class DispatchIn(VersionIn):
    engineer: str = Field(min_length=1, max_length=150)  # username
    note: str = Field(default="", max_length=200)


class BookIn(VersionIn):
    visit_at: AwareDateTime
    confirmed_fault: str = Field(default="", max_length=4000)


class StepIn(VersionIn):
    text: str = Field(min_length=1, max_length=4000)


class PartIn(VersionIn):
    """P3: `part` (catalogue number) consumes stock from `store` (default: the engineer's van);
    the old body `part_code, part_name, unit_price` records a part outside the catalogue."""

    part: str = Field(default="", max_length=32)
    quantity: int = Field(ge=1, le=100_000)
    store: str = Field(default="", max_length=32)
    serial: str = Field(default="", max_length=64)
    old_serial: str = Field(default="", max_length=64)
    part_code: str = Field(default="", max_length=32)
    part_name: str = Field(default="", max_length=100)
    unit_price: Money | None = None
    return_required: bool = False

    @model_validator(mode="after")
    def _catalogue_or_named(self) -> PartIn:
        if not self.part and not (self.part_code.strip() and self.part_name.strip()):
            raise ValueError(_("Give the catalogue part (or, for a part outside the catalogue, its number and name)."))
        return self


class ReasonIn(VersionIn):
    """wait-parts and to-depot: an optional reason."""

    reason: str = Field(default="", max_length=200)


class RequiredReasonIn(VersionIn):
    """reopen and cancel: a reason is required."""

    reason: Reason


class ApprovalRequestIn(VersionIn):
    kind: ApprovalKindCode
    reason: str = Field(min_length=1, max_length=4000)
    cost: Money | None = None


class CompleteIn(VersionIn):
    resolution: ResolutionCode
    work_summary: str = Field(min_length=1, max_length=4000)
    self_check_passed: bool
    labour_minutes: int | None = Field(default=None, ge=0, le=60 * 24 * 30)
    cause_code_id: int | None = Field(default=None, ge=1, le=MAX_ID)  # GET /fault-codes?kind=cause
    confirmed_symptom_code_id: int | None = Field(default=None, ge=1, le=MAX_ID)  # only when it differs


class SignOffIn(VersionIn):
    signature: str = Field(min_length=1, max_length=800_000)  # data URL of a PNG
    signed_by_name: str = Field(min_length=1, max_length=64)


class CloseIn(VersionIn):
    note: str = Field(default="", max_length=200)


class ChargingIn(VersionIn):
    charging_type: ChargingTypeCode
    reason: Reason


class QuoteLineIn(StrictIn):
    part_code: str = Field(default="", max_length=32)
    description: str = Field(min_length=1, max_length=100)
    quantity: int = Field(ge=1, le=100_000)
    unit_price: Money


class QuoteIn(VersionIn):
    labour_hours: Hours
    lines: list[QuoteLineIn] = Field(default_factory=list, max_length=200)
    note: str = Field(default="", max_length=4000)
    # B1: quote the parts already recorded on the job first (at their recorded prices), then `lines`
    recorded_parts: bool = False


class CashIn(VersionIn):
    """B1: the fee collected in cash on site; empty: the agreed price (the only amount accepted)."""

    amount: Money | None = None


class QuoteAcceptIn(VersionIn):
    decided_by_name: str = Field(min_length=1, max_length=64)
    via: Literal["portal", "onsite", "phone"]
    agreed_price: Money | None = None
    payment_date: IsoDate | None = None
    signature: str = Field(default="", max_length=800_000)


class QuoteDeclineIn(VersionIn):
    reason: Reason
    decided_by_name: str = Field(default="", max_length=64)
    via: Literal["portal", "onsite", "phone"] = "phone"


class PaymentIn(VersionIn):
    state: Literal["collected", "invoiced"]
    amount: Money
    invoice_number: str = Field(default="", max_length=40)


class TaskDoneIn(StrictIn):
    note: str = Field(default="", max_length=200)


# --- outputs ---------------------------------------------------------------------------------


class Out(Schema):
    """Times leave in UTC whether the row was just written (with the caller's offset) or read back."""

    @field_validator("*", mode="after")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.astimezone(dt.UTC)
        return value


class UserRefOut(Out):
    id: int
    username: str
    display_name: str


class CustomerRefOut(Out):
    id: int
    code: str
    name: str


class WorkStepOut(Out):
    id: int
    text: str
    author: UserRefOut
    created_at: dt.datetime


class AttachmentOut(Out):
    """A photo or video on a request; its bytes at content_url (thumbnail_url: photos only)."""

    id: int
    request: str  # the request number
    kind: Literal["fault", "repair", "other"]
    media: Literal["photo", "video"]
    original_name: str
    content_type: str
    size: int
    width: int | None
    height: int | None
    duration_seconds: Decimal | None
    uploaded_by: UserRefOut
    created_at: dt.datetime
    content_url: str
    thumbnail_url: str | None

    @staticmethod
    def resolve_request(obj: Attachment) -> str:
        return obj.request.number

    @staticmethod
    def resolve_content_url(obj: Attachment) -> str:
        return f"/api/v1/attachments/{obj.pk}/content"

    @staticmethod
    def resolve_thumbnail_url(obj: Attachment) -> str | None:
        return f"/api/v1/attachments/{obj.pk}/content?variant=thumbnail" if obj.thumbnail else None


class CustomerWaitIn(VersionIn):
    """customer-unavailable: the note is required (why, until when); customer-available: optional."""

    note: str = Field(default="", max_length=200)


class PartUsedOut(Out):
    id: int
    part_code: str
    part_name: str
    quantity: int
    unit_price: Decimal
    return_required: bool
    uncatalogued: bool
    store: str | None
    move: str | None
    serial: str
    old_serial: str

    @staticmethod
    def resolve_store(obj: PartUsed) -> str | None:
        return obj.store.code if obj.store is not None else None

    @staticmethod
    def resolve_move(obj: PartUsed) -> str | None:
        return obj.move.number if obj.move is not None else None

    recorded_by: UserRefOut
    created_at: dt.datetime


class ApprovalOut(Out):
    id: int
    request: str  # the request number
    kind: str
    state: str
    reason: str
    cost: Decimal | None
    requested_by: UserRefOut
    decided_by: UserRefOut | None
    decided_at: dt.datetime | None
    decision_note: str
    created_at: dt.datetime

    @staticmethod
    def resolve_request(obj: Approval) -> str:
        return obj.subject_label

    @staticmethod
    def resolve_reason(obj: Approval) -> str:
        return obj.note

    @staticmethod
    def resolve_cost(obj: Approval) -> Decimal | None:
        return obj.amount


class TaskOut(Out):
    id: int
    request: str  # the request number
    kind: str
    rule: str
    done_at: dt.datetime | None
    done_by: UserRefOut | None
    note: str
    created_at: dt.datetime

    @staticmethod
    def resolve_request(obj: ServiceTask) -> str:
        return obj.request.number


class QuoteLineOut(Out):
    part_code: str
    description: str
    quantity: int
    unit_price: Decimal
    amount: Decimal


class QuoteOut(Out):
    number: str
    state: str
    fee_standard: int  # the fee standard's version (B2)
    labour_hours: Decimal
    labour_amount: Decimal
    callout_amount: Decimal
    parts_amount: Decimal
    total: Decimal
    note: str
    lines: list[QuoteLineOut]
    offered_by: UserRefOut
    decided_at: dt.datetime | None
    decided_via: str
    decided_by_name: str
    decline_reason: str
    agreed_price: Decimal | None
    payment_date: dt.date | None
    payment_state: str
    collected_amount: Decimal | None
    invoice_number: str
    created_at: dt.datetime

    @staticmethod
    def resolve_fee_standard(obj: Quote) -> int:
        return obj.fee_standard.version

    @staticmethod
    def resolve_lines(obj: Quote) -> list[Any]:
        return list(obj.lines.all())


class FeeOutstandingOut(Out):
    """One row of GET /service-fees/outstanding (B1): an accepted fee not yet invoiced or confirmed."""

    request: str
    customer: CustomerRefOut
    engineer: UserRefOut | None
    quote: str
    accepted_at: dt.datetime | None
    agreed_price: Decimal
    payment_state: str
    collected_amount: Decimal | None
    payment_date: dt.date | None

    @staticmethod
    def resolve_request(obj: Quote) -> str:
        return obj.request.number

    @staticmethod
    def resolve_customer(obj: Quote) -> Any:
        return obj.request.customer

    @staticmethod
    def resolve_engineer(obj: Quote) -> Any:
        return obj.request.engineer

    @staticmethod
    def resolve_quote(obj: Quote) -> str:
        return obj.number

    @staticmethod
    def resolve_accepted_at(obj: Quote) -> dt.datetime | None:
        return obj.decided_at

    @staticmethod
    def resolve_agreed_price(obj: Quote) -> Decimal:
        return obj.agreed_price if obj.agreed_price is not None else obj.total


class ServiceRequestSummaryOut(Out):
    """One row of GET /service-requests."""

    number: str
    state: str
    open: bool
    customer: CustomerRefOut
    serial: str | None
    model: str
    channel: str
    priority: str
    kind: str
    fault: str
    received_at: dt.datetime
    service_point: str | None
    charging_type: str
    engineer: UserRefOut | None
    visit_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_serial(obj: ServiceRequest) -> str | None:
        return obj.unit.serial if obj.unit else None

    @staticmethod
    def resolve_model(obj: ServiceRequest) -> str:
        return obj.model_text

    @staticmethod
    def resolve_service_point(obj: ServiceRequest) -> str | None:
        return obj.service_point.code if obj.service_point else None


class PagedServiceRequestSummaryOut(Schema):
    """A page of GET /service-requests: the shape of every bounded list page (core.pagination)."""

    items: list[ServiceRequestSummaryOut]
    count: int = Field(description=f"matching rows, exact up to {COUNT_CAP:,}")
    count_exact: bool = Field(description=f"false: {COUNT_CAP:,} or more rows match")


def _for_customer(context: Any) -> bool:
    """The body goes to a customer's portal user: internal notes and costs stay out (as on the portal pages)."""
    request = (context or {}).get("request")
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    return bool(user is not None and getattr(user, "customer_id", None))


class VisitContactOut(Out):
    """The file's contact and address a visit needs (C3): for the engineer dispatched to the open
    request and for those who may open the file; null for everyone else."""

    contact_name: str
    phone: str
    address: str


def _visit_contact(obj: ServiceRequest, context: Any) -> VisitContactOut | None:
    request = (context or {}).get("request")
    user = getattr(request, "auth", None)
    if user is None:
        return None
    contact = request_visit_contact(actor_for(user), obj)  # the rule stays in customers' selectors (C3)
    if contact is None:
        return None
    return VisitContactOut(contact_name=contact.contact_name, phone=contact.phone, address=contact.address)


def _rows(obj: ServiceRequest, relation: str, *related: str) -> list[Any]:
    """The request's rows of `relation`: as prefetched (a request just registered has none), else queried."""
    rows = prefetched_rows(obj, relation)
    return rows if rows is not None else list(getattr(obj, relation).select_related(*related))


class FaultCodeRefOut(Schema):
    """A fault code as a request carries it."""

    id: int
    code: str
    name: str


class FaultCodeOut(FaultCodeRefOut):
    """GET /fault-codes: one code of the managed list; `category` "" = every product category."""

    kind: str
    category: str
    synonyms: list[str]
    active: bool

    @staticmethod
    def resolve_synonyms(obj: Any) -> list[str]:
        return list(obj.synonym_list())


class ServiceRequestOut(ServiceRequestSummaryOut):
    """GET /service-requests/{number} and the answer of every action on it."""

    contact_name: str
    phone: str
    address: str
    symptom: str
    symptom_code: FaultCodeRefOut | None
    received_by: UserRefOut
    region_tier: str
    in_warranty: bool
    contract_number: str
    charging_basis: str
    charging_override_reason: str
    calendar_code: str
    dispatched_at: dt.datetime | None
    carried_over_on: dt.date | None
    confirmed_fault: str
    arrived_at: dt.datetime | None
    unit_location: str
    resolution: str
    work_summary: str
    labour_minutes: int | None
    cause_code: FaultCodeRefOut | None
    confirmed_symptom_code: FaultCodeRefOut | None
    self_check_passed: bool
    completed_at: dt.datetime | None
    signed: bool
    signed_by_name: str
    signed_at: dt.datetime | None
    closed_at: dt.datetime | None
    closed_by: UserRefOut | None
    end_reason: str
    repeat_of: str | None
    steps: list[WorkStepOut]
    parts: list[PartUsedOut]
    approvals: list[ApprovalOut]
    tasks: list[TaskOut]
    quote: QuoteOut | None  # the current quotation (B1)
    clocks: list[ClockOut]  # S6, S10: respond, arrive, solve
    visit_contact: VisitContactOut | None  # C3: the file's contact for the visit, or null
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_visit_contact(obj: ServiceRequest, context: Any = None) -> VisitContactOut | None:
        return _visit_contact(obj, context)

    @staticmethod
    def resolve_signed(obj: ServiceRequest) -> bool:
        return obj.signed_at is not None

    @staticmethod
    def resolve_repeat_of(obj: ServiceRequest) -> str | None:
        return obj.repeat_of.number if obj.repeat_of else None

    @staticmethod
    def resolve_steps(obj: ServiceRequest) -> list[WorkStep]:
        return _rows(obj, "steps", "author")

    @staticmethod
    def resolve_parts(obj: ServiceRequest) -> list[PartUsed]:
        return _rows(obj, "parts", "recorded_by", "store", "move")

    @staticmethod
    def resolve_approvals(obj: ServiceRequest, context: Any = None) -> list[Approval]:
        if _for_customer(context):  # internal: travel costs, support requests (the portal never shows them)
            return []
        known = getattr(obj, "known_approvals", None)  # a request just registered has none
        return known if known is not None else approvals_for(obj, kinds=tuple(ApprovalKind.values))

    @staticmethod
    def resolve_tasks(obj: ServiceRequest, context: Any = None) -> list[ServiceTask]:
        if _for_customer(context):
            return []
        return _rows(obj, "tasks", "request", "done_by")

    @staticmethod
    def resolve_charging_override_reason(obj: ServiceRequest, context: Any = None) -> str:
        return "" if _for_customer(context) else obj.charging_override_reason

    @staticmethod
    def resolve_end_reason(obj: ServiceRequest, context: Any = None) -> str:
        return "" if _for_customer(context) else obj.end_reason

    @staticmethod
    def resolve_quote(obj: ServiceRequest) -> Quote | None:
        return quote_current(obj)

    @staticmethod
    def resolve_clocks(obj: ServiceRequest) -> list[Any]:
        return clocks_out(obj)


class EngineerSuggestionOut(Out):
    """S7: an engineer the dispatcher may pick; lower score is better."""

    username: str
    display_name: str
    service_point: str | None
    open_jobs: int
    same_point: bool
    score: int


class BoardRowOut(Out):
    """S7: one request waiting for an engineer on the dispatch board."""

    request: ServiceRequestSummaryOut
    carried_over: bool
    suggestions: list[EngineerSuggestionOut]
    clocks: list[ClockOut]
