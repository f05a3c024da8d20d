"""P1: the parts catalogue — parts, search, Excel import, and versioned list prices approved by the
head of after-sales through the one approvals engine (like the fee standards, B2)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from aftersales.accounts.selectors import actor_for
from aftersales.approvals.selectors import pending_approval_lock
from aftersales.approvals.services import Approval, ApprovalKind, ApprovalState, approval_decide, approval_request
from aftersales.core.access import Actor
from aftersales.core.errors import Conflict, DomainError, NotFound, ValidationFailed, full_clean
from aftersales.core.events import event_record
from aftersales.core.imports import ImportReport, cell_text, xlsx_rows
from aftersales.core.numbering import number_next
from aftersales.core.workflow import expect_transition, transition
from aftersales.installed_base.models import Product
from aftersales.parts import events
from aftersales.parts.choices import PriceListState
from aftersales.parts.models import Part, PriceList, PriceListLine
from aftersales.parts.transitions import PRICE_LIST_TRANSITIONS

PRICE_APPROVER_PERM = "parts.approve_pricelist"  # the head of after-sales (like B2)
PART_FIELDS = ["name", "spec", "uom", "standard_cost", "major", "active", "supplier"]


def _money(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(_("Enter an amount in yuan."), fields={field: [_("Enter an amount in yuan.")]}) from None
    if amount < 0 or not amount.is_finite():
        raise ValidationFailed(
            pgettext("spare parts", "The amount cannot be negative."), fields={field: [_("Cannot be negative.")]}
        )
    return amount


def _products(models_: Iterable[str], field: str = "products") -> list[Product]:
    wanted = [str(m).strip() for m in models_ if str(m).strip()]
    found = {p.model: p for p in Product.objects.filter(model__in=wanted)}
    unknown = [m for m in wanted if m not in found]
    if unknown:
        raise ValidationFailed(
            _("Unknown product models: %(models)s") % {"models": "、".join(unknown)}, fields={field: unknown}
        )
    return [found[m] for m in dict.fromkeys(wanted)]


@transaction.atomic
def part_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    spec: str = "",
    uom: str = "",
    cost: Any = 0,
    price: Any = None,
    major: bool = False,
    products: Sequence[str] = (),
    supplier: str = "",
    source: str = "",
) -> Part:
    """Add a part to the catalogue; a `price` drafts a price list with it for the head of after-sales
    (the part has no list price until that is approved).

    Rule: P1. Raises: PermissionDenied, ValidationFailed (duplicate number, unknown products, amounts).
    Events: part.created (and pricelist.created, approval.requested, pricelist.submitted with a price).
    """
    actor.require_perm("parts.add_part")
    code = (code or "").strip().upper()
    if code and Part.objects.filter(code=code).exists():
        raise ValidationFailed(
            _("Part number %(code)s is already in the catalogue.") % {"code": code},
            fields={"code": [_("Already in the catalogue.")]},
        )
    part = Part(
        code=code,
        name=(name or "").strip(),
        spec=(spec or "").strip(),
        uom=(uom or "").strip() or "个",
        standard_cost=_money(cost or 0, "cost"),
        major=bool(major),
        supplier=(supplier or "").strip(),
        created_by=actor.user,
    )
    fitted = _products(products)
    full_clean(part, exclude=["created_by"])
    part.save()
    part.products.set(fitted)
    event_record(
        subject=part,
        action=events.PART_CREATED,
        actor=actor,
        rule="P1",
        data={
            "code": part.code,
            "name": part.name,
            "major": part.major,
            "products": [p.model for p in fitted],
            **({"supplier": part.supplier} if part.supplier else {}),
            **({"source": source} if source else {}),
        },
    )
    if price is not None and str(price).strip() != "":
        price_list_create(actor=actor, lines=[(part, price)], note=_("New part %(code)s") % {"code": part.code})
    return part


@transaction.atomic
def part_update(
    *,
    actor: Actor,
    code: str,
    expected_version: int | None = None,
    products: Sequence[str] | None = None,
    **values: Any,
) -> Part:
    """Change a part's name, spec, unit, standard cost, major flag, active flag or products (never its
    number; the list price changes through a price list). Rule: P1. Raises: NotFound, ValidationFailed,
    Conflict(version_conflict). Events: part.changed (old → new)."""
    actor.require_perm("parts.change_part")
    part = Part.objects.select_for_update().filter(code=(code or "").strip().upper()).first()
    if part is None:
        raise NotFound()
    if expected_version is not None and expected_version != part.version:
        raise Conflict(
            _("Someone else changed this part in the meantime. Reload it."),
            code="version_conflict",
            fields={"version": [str(part.version)]},
        )
    changes: dict[str, list[Any]] = {}
    for field, value in values.items():
        if field not in PART_FIELDS:
            raise ValidationFailed(
                pgettext("spare parts", "This field cannot be changed."), fields={field: [_("Cannot be changed.")]}
            )
        if field == "standard_cost":
            value = _money(value, "cost")
        elif field in ("name", "spec", "uom", "supplier"):
            value = str(value or "").strip()
        old = getattr(part, field)
        if old != value:
            changes[field] = [str(old), str(value)]
            setattr(part, field, value)
    if products is not None:
        fitted = _products(products)
        before = sorted(part.products.values_list("model", flat=True))
        after = sorted(p.model for p in fitted)
        if before != after:
            part.products.set(fitted)
            changes["products"] = [before, after]
    if not changes:
        return part
    full_clean(part, exclude=["created_by", "products"])
    part.version += 1
    part.save()
    event_record(subject=part, action=events.PART_CHANGED, actor=actor, rule="P1", data=changes)
    return part


# --- list prices (versioned, approved like B2) ----------------------------------------------------


@transaction.atomic
def price_list_create(*, actor: Actor, lines: Sequence[tuple[Part, Any]], note: str = "") -> PriceList:
    """Draft the next version of the list prices for these parts and send it to the head of
    after-sales (not its drafter). Rule: P1 (B2). Raises: PermissionDenied, ValidationFailed.
    Events: pricelist.created, approval.requested, pricelist.submitted."""
    actor.require_perm("parts.add_pricelist")
    if not lines:
        raise ValidationFailed(_("A price list needs at least one part."), fields={"lines": [_("At least one line.")]})
    seen: set[int] = set()
    priced: list[tuple[Part, Decimal]] = []
    for i, (part, value) in enumerate(lines):
        if part.pk in seen:
            raise ValidationFailed(
                _("Part %(code)s is listed twice.") % {"code": part.code}, fields={f"lines.{i}.part": [part.code]}
            )
        seen.add(part.pk)
        priced.append((part, _money(value, f"lines.{i}.price")))
    number_next(key="part_price_list", period="all")  # serialises concurrent drafts; version = max + 1
    version = (PriceList.objects.aggregate(top=Max("version"))["top"] or 0) + 1
    price_list = PriceList.objects.create(version=version, note=(note or "").strip()[:200], created_by=actor.user)
    PriceListLine.objects.bulk_create(
        [PriceListLine(price_list=price_list, part=part, price=price) for part, price in priced], batch_size=1000
    )
    event_record(
        subject=price_list,
        action=events.PRICE_LIST_CREATED,
        actor=actor,
        rule="P1",
        data={"version": version, "lines": len(priced), "note": price_list.note},
    )
    _ask_price_approval(actor, price_list)
    return price_list


def _ask_price_approval(actor: Actor, price_list: PriceList) -> Approval:
    expect_transition(price_list, to=PriceListState.PENDING, table=PRICE_LIST_TRANSITIONS)
    approval = approval_request(
        actor=actor,
        subject=price_list,
        kind=ApprovalKind.PART_PRICE_LIST,
        rule="P1",
        note=price_list.note or _("Parts list prices v%(version)s") % {"version": price_list.version},
        required_perm=PRICE_APPROVER_PERM,
        approver_label=_("head of after-sales"),
    )
    transition(
        price_list,
        to=PriceListState.PENDING,
        table=PRICE_LIST_TRANSITIONS,
        actor=actor,
        action=events.PRICE_LIST_SUBMITTED,
        data={"version": price_list.version, "approval": approval.pk},
    )
    return approval


@transaction.atomic
def price_list_decide(*, actor: Actor, version: int, approve: bool, note: str = "") -> PriceList:
    """The head of after-sales approves (or refuses) a price list someone else drafted, through the
    approvals engine. Rule: P1 (B2). Raises: PermissionDenied (own_approval), NotFound, Conflict."""
    actor.require_perm(PRICE_APPROVER_PERM)
    seen = PriceList.objects.filter(version=version).first()
    if seen is None:
        raise NotFound()
    approval = pending_approval_lock(seen)
    price_list = PriceList.objects.select_for_update().get(pk=seen.pk)
    if approval is None:
        if price_list.state != PriceListState.REFUSED:
            expect_transition(price_list, to=PriceListState.APPROVED, table=PRICE_LIST_TRANSITIONS)
        approval = _ask_price_approval(actor_for(price_list.created_by), price_list)
    approval_decide(actor=actor, approval_id=approval.pk, approve=approve, note=note)
    price_list.refresh_from_db()
    return price_list


def price_list_approval_decided(approval: Approval) -> None:
    """Approval handler (inside approval_decide's transaction): approved → each listed part's list
    price becomes the line's price; refused → refused (it may be sent again).
    Events: pricelist.approved / pricelist.refused (state old → new)."""
    price_list = PriceList.objects.select_for_update().filter(pk=approval.subject_id).first()
    if price_list is None:
        return
    if approval.state != ApprovalState.APPROVED:
        transition(
            price_list,
            to=PriceListState.REFUSED,
            table=PRICE_LIST_TRANSITIONS,
            actor=approval.decided_by,
            action=events.PRICE_LIST_REFUSED,
            reason=approval.decision_note,
            data={"version": price_list.version, "approval": approval.pk},
        )
        return
    newer = PriceList.objects.filter(state=PriceListState.APPROVED, version__gt=price_list.version).exists()
    for line in price_list.lines.select_related("part"):
        # A later approved version keeps its prices for the parts it lists.
        if (
            newer
            and PriceListLine.objects.filter(
                part=line.part, price_list__state=PriceListState.APPROVED, price_list__version__gt=price_list.version
            ).exists()
        ):
            continue
        Part.objects.filter(pk=line.part_id).update(list_price=line.price)
    price_list.approved_by = approval.decided_by
    price_list.approved_at = approval.decided_at
    transition(
        price_list,
        to=PriceListState.APPROVED,
        table=PRICE_LIST_TRANSITIONS,
        actor=approval.decided_by,
        action=events.PRICE_LIST_APPROVED,
        extra_update_fields=("approved_by", "approved_at"),
        data={"version": price_list.version, "lines": price_list.lines.count(), "approval": approval.pk},
    )


# --- Excel import ---------------------------------------------------------------------------------

IMPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("配件编号", "Part number", "code"),
    "name": ("名称", "Name", "name"),
    "spec": ("规格", "Specification", "spec"),
    "uom": ("单位", "Unit", "uom"),
    "cost": ("标准成本", "Standard cost", "cost"),
    "price": ("价格", "List price", "price"),
    "major": ("重要件", "Major", "major"),
    "products": ("适用型号", "Products", "products"),
    "supplier": ("供应商", "Supplier", "supplier"),
}
REQUIRED = ("code", "name")
YES = {"是", "Y", "YES", "TRUE", "1", "重要件"}
NO = {"", "否", "N", "NO", "FALSE", "0"}


def parts_import(*, actor: Actor, fileobj: IO[bytes]) -> ImportReport:
    """Import catalogue parts from an .xlsx sheet (配件编号, 名称, 规格, 单位, 标准成本, 价格, 重要件,
    适用型号 separated by commas): every row is checked first; one bad row imports nothing. Prices
    go into one price list for the head of after-sales.
    Rule: P1. Raises: PermissionDenied, ValidationFailed (not a workbook, missing columns).
    Events: part.created per part (source import), pricelist.created, parts.imported."""
    actor.require_perm("parts.add_part")
    report = ImportReport()
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    products = set(Product.objects.values_list("model", flat=True))
    existing = set(Part.objects.values_list("code", flat=True))
    columns = _present_columns(fileobj)
    fileobj.seek(0)
    for number, row in xlsx_rows(fileobj, columns):
        report.rows += 1
        values = _import_row(number, row, report, seen, existing, products)
        if values is not None:
            parsed.append((number, values))
    if not report.ok:
        return report
    if not parsed:
        raise ValidationFailed(_("The sheet has no part rows."), code="import_empty")
    with transaction.atomic():
        prices: list[tuple[Part, Decimal]] = []
        for number, values in parsed:
            price = values.pop("price")
            try:
                part = part_create(actor=actor, source="import", **values)
            except DomainError as exc:
                for field, messages in (exc.fields or {"": [exc.message]}).items():
                    column = IMPORT_COLUMNS.get(field, ("",))[0]
                    for message in messages if isinstance(messages, list) else [messages]:
                        report.add(number, column, message)
                continue
            report.created += 1
            if price is not None:
                prices.append((part, price))
        if not report.ok:
            report.created = 0
            transaction.set_rollback(True)
            return report
        if prices:
            price_list_create(actor=actor, lines=prices, note=_("Imported with %(n)s parts") % {"n": len(prices)})
        event_record(
            subject=actor.user,
            action=events.PARTS_IMPORTED,
            actor=actor,
            rule="P1",
            data={"kind": "parts", "count": report.created},
        )
    return report


def _present_columns(fileobj: IO[bytes]) -> dict[str, tuple[str, ...]]:
    """The required columns plus whichever optional ones the header row has."""
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(fileobj, read_only=True, data_only=True).worksheets[0]
        header = next(sheet.iter_rows(values_only=True), ()) or ()
    except Exception:  # noqa: BLE001 — xlsx_rows reports the unreadable file
        return {k: v for k, v in IMPORT_COLUMNS.items() if k in REQUIRED}
    titles = {str(h).strip() for h in header if h is not None}
    return {k: v for k, v in IMPORT_COLUMNS.items() if k in REQUIRED or titles.intersection(v)}


def _import_row(
    number: int,
    row: dict[str, Any],
    report: ImportReport,
    seen: dict[str, int],
    existing: set[str],
    products: set[str],
) -> dict[str, Any] | None:
    errors_before = len(report.errors)
    code = cell_text(row.get("code")).upper()
    name = cell_text(row.get("name"))
    if not code:
        report.add(number, IMPORT_COLUMNS["code"][0], _("Required."))
    elif code in existing:
        report.add(number, IMPORT_COLUMNS["code"][0], _("Already in the catalogue."))
    elif code in seen:
        report.add(number, IMPORT_COLUMNS["code"][0], _("Same number as row %(row)s.") % {"row": seen[code]})
    else:
        seen[code] = number
    if not name:
        report.add(number, IMPORT_COLUMNS["name"][0], _("Required."))
    amounts: dict[str, Decimal | None] = {}
    for field in ("cost", "price"):
        raw = cell_text(row.get(field))
        if raw == "":
            amounts[field] = None
            continue
        try:
            amounts[field] = _money(raw, field)
        except ValidationFailed as exc:
            report.add(number, IMPORT_COLUMNS[field][0], exc.message)
    major_text = cell_text(row.get("major")).upper()
    if major_text not in YES | NO:
        report.add(number, IMPORT_COLUMNS["major"][0], _("Enter 是 or 否."))
    fits = [
        m.strip() for m in cell_text(row.get("products")).replace("，", ",").replace("、", ",").split(",") if m.strip()
    ]
    unknown = [m for m in fits if m not in products]
    if unknown:
        report.add(
            number,
            IMPORT_COLUMNS["products"][0],
            _("Unknown product models: %(models)s") % {"models": "、".join(unknown)},
        )
    if len(report.errors) > errors_before:
        return None
    return {
        "code": code,
        "name": name,
        "spec": cell_text(row.get("spec")),
        "uom": cell_text(row.get("uom")),
        "cost": amounts.get("cost") or 0,
        "price": amounts.get("price"),
        "major": major_text in YES,
        "products": fits,
        "supplier": cell_text(row.get("supplier"))[:200],
    }


EXPORT_HEADERS = ["配件编号", "名称", "规格", "单位", "标准成本", "价格", "重要件", "适用型号", "供应商"]


def part_export_row(part: Part) -> list[Any]:
    """One catalogue row as the import reads it back."""
    return [
        part.code,
        part.name,
        part.spec,
        part.uom,
        part.standard_cost,
        part.list_price if part.list_price is not None else "",
        "是" if part.major else "否",
        ",".join(p.model for p in part.products.all()),
        part.supplier,
    ]
