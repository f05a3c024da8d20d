"""Pages of the spare-parts service (P1, P3): catalogue (search, add, Excel import and export), list
prices (drafted by the parts keeper, approved by the head of after-sales in the approvals queue),
stores, stock per store (filters, export, receipts and transfers), the ledger, count adjustments,
the engineer's van stock on the phone, and the part picker's options (htmx)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET

from aftersales.accounts.choices import Role
from aftersales.accounts.selectors import actor_for, service_point_list, user_list_with_role
from aftersales.core.access import Actor
from aftersales.core.errors import DomainError, NotFound
from aftersales.core.forms import form_errors_from
from aftersales.core.imports import xlsx_bytes
from aftersales.core.lists import XLSX, Column, export_requested, list_page, sort_apply, xlsx_export
from aftersales.parts import selectors
from aftersales.parts.errors import InsufficientStock
from aftersales.parts.forms import (
    AdjustmentForm,
    CatalogueFilterForm,
    ImportForm,
    MovementForm,
    PartEditForm,
    PartForm,
    PriceForm,
    StockFilterForm,
    StoreForm,
)
from aftersales.parts.models import PriceList, PriceListLine, StockAdjustment, StockLevel, StockMove
from aftersales.parts.services import catalogue, counts, stores
from aftersales.parts.services.stock import stock_receive, stock_transfer

PAGE_SIZE = 50


def staff_page(perm: str) -> Callable[[Callable[..., HttpResponse]], Any]:
    """Log in first (anonymous → login page), then hold `perm` (else 403)."""

    def decorate(view: Callable[..., HttpResponse]) -> Any:
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorate


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


def _store_choices() -> list[tuple[str, str]]:
    return selectors.store_choices()


def _store_options(selected: str) -> str:
    """The store filter's <option>s, built once in Python: 500 stores through the template engine
    (or format_html per option) cost ~100 ms a page."""
    from html import escape

    from django.utils.safestring import mark_safe

    parts = [f'<option value="">{escape(str(_("All stores")))}</option>']
    for code, label in _store_choices():
        mark = " selected" if code == selected else ""
        parts.append(f'<option value="{escape(code)}"{mark}>{escape(label)}</option>')
    return mark_safe("".join(parts))  # noqa: S308 — every value escaped above


# --- catalogue -----------------------------------------------------------------------------------

PART_SORTS = {"code": "code", "name": "name", "cost": "standard_cost", "price": "list_price", "major": "major"}


def _export_cell(index: int) -> Callable[[Any], Any]:
    return lambda part: catalogue.part_export_row(part)[index]


PART_COLUMNS = [Column(title, _export_cell(i)) for i, title in enumerate(catalogue.EXPORT_HEADERS)]


@staff_page("parts.view_part")
def catalogue_page(request: HttpRequest) -> HttpResponse:
    """The catalogue: search by number, name or specification and by product; add a part; export."""
    actor = _actor(request)
    filters = CatalogueFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    parts = selectors.part_search(q=data.get("q", ""), product=data.get("product", "")).prefetch_related("products")
    parts, _sort = sort_apply(parts, request.GET.get("sort"), PART_SORTS, default="code")
    if export_requested(request):
        return xlsx_export(
            actor=actor, list_name="parts", title=_("Parts catalogue"), columns=PART_COLUMNS, rows=parts, filters=data
        )
    form = PartForm(request.POST or None)
    status = 200
    if request.method == "POST":
        actor.require_perm("parts.add_part")
        if form.is_valid():
            try:
                part = catalogue.part_create(actor=actor, **form.cleaned_data)
            except DomainError as exc:
                form_errors_from(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Part %(code)s added.") % {"code": part.code})
                return redirect("parts:catalogue")
        else:
            status = 422
    return render(
        request,
        "parts/catalogue.html",
        {
            "filters": filters,
            "page_obj": list_page(request, parts, PAGE_SIZE),
            "form": form,
            "can_add": actor.has_perm("parts.add_part"),
            "can_change": actor.has_perm("parts.change_part"),
        },
        status=status,
    )


@staff_page("parts.change_part")
def part_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Edit one part (name, specification, unit, standard cost, major, supplier, products, in use);
    a stale form (someone saved in between) is refused with the reason, nothing changes."""
    actor = _actor(request)
    try:
        part = selectors.access_part(code)
    except NotFound:
        raise Http404 from None
    initial = {
        "name": part.name,
        "spec": part.spec,
        "uom": part.uom,
        "standard_cost": part.standard_cost,
        "major": part.major,
        "supplier": part.supplier,
        "products": ", ".join(p.model for p in part.products.all()),
        "active": part.active,
        "version": part.version,
    }
    form = PartEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = dict(form.cleaned_data)
            version, products = values.pop("version"), values.pop("products")
            try:
                catalogue.part_update(
                    actor=actor, code=part.code, expected_version=version, products=products, **values
                )
            except DomainError as exc:
                form_errors_from(form, exc, aliases={"cost": "standard_cost"})
                status = exc.status
            else:
                messages.success(request, _("Part %(code)s saved.") % {"code": part.code})
                return redirect(f"{reverse('parts:catalogue')}?q={part.code}")
        else:
            status = 422
    return render(request, "parts/part_edit.html", {"part": part, "form": form}, status=status)


@staff_page("parts.add_part")
def catalogue_import(request: HttpRequest) -> HttpResponse:
    """Upload the catalogue sheet; the row-by-row report, or the number imported."""
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = catalogue.parts_import(actor=_actor(request), fileobj=form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error("file", str(exc.message))
    return render(
        request,
        "parts/import.html",
        {"form": form, "report": report, "columns": "、".join(catalogue.EXPORT_HEADERS)},
        status=422 if report is not None and not report.ok else 200,
    )


@require_GET
@staff_page("parts.add_part")
def catalogue_import_template(request: HttpRequest) -> HttpResponse:
    example = ["PCB-100", "主轴驱动板", "24V 8A", "块", "800.00", "1200.00", "是", "XK-714"]
    response = HttpResponse(xlsx_bytes(_("Parts catalogue"), catalogue.EXPORT_HEADERS, [example]), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="parts-import-template.xlsx"'
    return response


@require_GET
@staff_page("parts.view_part")
def part_options(request: HttpRequest) -> HttpResponse:
    """The part picker's <option>s (htmx): catalogue matches of the search text, else the van stock."""
    q = ""
    for key in request.GET:
        if key.endswith("part_search"):
            q = str(request.GET.get(key, ""))[:100]
    store = None
    if not q.strip():
        code = request.GET.get("store", "")
        store = selectors.Store.objects.filter(code=code).first() if code else selectors.van_store_for(request.user)
    choices = selectors.part_picker_choices(store, q=q)
    return render(request, "parts/_part_options.html", {"choices": choices})


# --- list prices ---------------------------------------------------------------------------------


PRICE_COLUMNS = [
    Column(gettext_lazy("Version"), lambda line: f"v{line.price_list.version}"),
    Column(pgettext_lazy("spare parts", "State"), lambda line: line.price_list.get_state_display()),
    Column(gettext_lazy("Part number"), lambda line: line.part.code),
    Column(gettext_lazy("Name"), lambda line: line.part.name),
    Column(gettext_lazy("List price (yuan)"), lambda line: line.price),
    Column(gettext_lazy("Note"), lambda line: line.price_list.note),
    Column(gettext_lazy("Drafted by"), lambda line: str(line.price_list.created_by)),
    Column(
        gettext_lazy("Approved by"),
        lambda line: str(line.price_list.approved_by) if line.price_list.approved_by_id else "",
    ),
    Column(gettext_lazy("Approved at"), lambda line: line.price_list.approved_at),
]


@staff_page("parts.view_pricelist")
def price_lists(request: HttpRequest) -> HttpResponse:
    """The versions of the list prices and their state; the parts keeper drafts a new price here,
    the head of after-sales decides it in the approvals queue."""
    actor = _actor(request)
    form = PriceForm(request.POST or None, part_choices=[])
    status = 200
    if request.method == "POST":
        actor.require_perm("parts.add_pricelist")
        if form.is_valid():
            try:
                part = selectors.part_resolve(form.cleaned_data["part"])
                price_list = catalogue.price_list_create(
                    actor=actor, lines=[(part, form.cleaned_data["price"])], note=form.cleaned_data["note"]
                )
            except DomainError as exc:
                form_errors_from(form, exc)
                status = exc.status
            else:
                messages.success(
                    request, _("Price list v%(version)s sent for approval.") % {"version": price_list.version}
                )
                return redirect("parts:price_lists")
        else:
            status = 422
    if export_requested(request):  # one row per price of each version
        lines = PriceListLine.objects.select_related(
            "price_list", "price_list__created_by", "price_list__approved_by", "part"
        ).order_by("-price_list__version", "part__code")
        return xlsx_export(
            actor=actor, list_name="part-prices", title=_("Parts list prices"), columns=PRICE_COLUMNS, rows=lines
        )
    versions = PriceList.objects.select_related("created_by", "approved_by").prefetch_related("lines__part")
    return render(
        request,
        "parts/price_lists.html",
        {
            "page_obj": list_page(request, versions.order_by("-version"), 20),
            "form": form,
            "can_add": actor.has_perm("parts.add_pricelist"),
            "options_url": reverse("parts:part_options"),
        },
        status=status,
    )


# --- stores --------------------------------------------------------------------------------------


@staff_page("parts.view_store")
def store_page(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = StoreForm(
        request.POST or None,
        points=[(p.code, p.name) for p in service_point_list()],
        engineers=[(u.username, str(u)) for u in user_list_with_role(Role.ENGINEER)],
    )
    status = 200
    if request.method == "POST":
        actor.require_perm("parts.add_store")
        if form.is_valid():
            try:
                d = form.cleaned_data
                store = stores.store_create(
                    actor=actor,
                    code=d["code"],
                    name=d["name"],
                    kind=d["kind"],
                    service_point=d["service_point"] or None,
                    engineer=d["engineer"] or None,
                    customer=d["customer"] or None,
                )
            except DomainError as exc:
                form_errors_from(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Store %(name)s opened.") % {"name": store.name})
                return redirect("parts:stores")
        else:
            status = 422
    rows = selectors.store_list()
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="stores",
            title=_("Stores"),
            columns=STORE_COLUMNS,
            rows=rows,
        )
    return render(
        request,
        "parts/stores.html",
        {"page_obj": list_page(request, rows, PAGE_SIZE), "form": form, "can_add": actor.has_perm("parts.add_store")},
        status=status,
    )


STORE_COLUMNS = [
    Column(gettext_lazy("Store code"), lambda s: s.code),
    Column(gettext_lazy("Name"), lambda s: s.name),
    Column(gettext_lazy("Kind"), lambda s: s.get_kind_display()),
    Column(gettext_lazy("Owner"), lambda s: str(s.owner)),
    Column(gettext_lazy("Service point"), lambda s: s.service_point.name if s.service_point_id else ""),
    Column(gettext_lazy("Customer"), lambda s: s.customer.name if s.customer_id else ""),
]


# --- stock ---------------------------------------------------------------------------------------

STOCK_SORTS = {
    "store": "store__code",
    "part": "part_code",
    "on_hand": "on_hand",
    "reserved": "reserved",
    "in_transit": "in_transit",
    "available": "available",
}
STOCK_COLUMNS = [
    Column(gettext_lazy("Store"), lambda lv: lv.store.name),
    Column(gettext_lazy("Part number"), lambda lv: lv.part.code),
    Column(gettext_lazy("Name"), lambda lv: lv.part.name),
    Column(gettext_lazy("Specification"), lambda lv: lv.part.spec),
    Column(gettext_lazy("Unit of measure"), lambda lv: lv.part.uom),
    Column(gettext_lazy("On hand"), lambda lv: lv.on_hand),
    Column(gettext_lazy("Reserved"), lambda lv: lv.reserved),
    Column(gettext_lazy("In transit"), lambda lv: lv.in_transit),
    Column(gettext_lazy("Available"), lambda lv: lv.available),
]


def stock_query(store_code: str, q: str, only: str) -> QuerySet[StockLevel]:
    """The stock page's rows: one store (or all), a part number prefix or name fragment, and
    whether to show available lines only or lines with nothing available."""
    from django.db.models import Q

    qs = StockLevel.objects.select_related("store", "part")
    if store_code:
        # By the store's id, so one store's page is read in order from the (store, part_code, id) index.
        store_id = selectors.Store.objects.filter(code=store_code).values_list("pk", flat=True).first()
        qs = qs.filter(store_id=store_id) if store_id is not None else qs.none()
    if q.strip():
        qs = qs.filter(Q(part__code__istartswith=q.strip()) | Q(part__name__icontains=q.strip()))
    if only == "available":
        qs = qs.filter(available__gt=0)
    elif only == "empty":
        qs = qs.filter(available=0)
    return qs


@staff_page("parts.view_stocklevel")
def stock_page(request: HttpRequest) -> HttpResponse:
    """Stock per store: filters, sortable columns, Excel export; receipts and transfers (keeper)."""
    actor = _actor(request)
    filters = StockFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    rows = stock_query(data.get("store", ""), data.get("q", ""), data.get("only", ""))
    default = "part" if data.get("store") else "store"
    rows, _sort = sort_apply(rows, request.GET.get("sort"), STOCK_SORTS, default=default)
    if export_requested(request):
        return xlsx_export(
            actor=actor, list_name="stock", title=_("Stock"), columns=STOCK_COLUMNS, rows=rows, filters=data
        )
    return render(
        request,
        "parts/stock.html",
        {
            "filters": filters,
            "store_options": _store_options(data.get("store", "")),
            "page_obj": list_page(request, rows, PAGE_SIZE),
            "can_move": actor.has_perm("parts.add_stockmove"),
            "store_code": data.get("store", ""),
        },
    )


@staff_page("parts.add_stockmove")
def movement_page(request: HttpRequest) -> HttpResponse:
    """The parts keeper receives stock into a store or transfers it between two stores."""
    actor = _actor(request)
    form = MovementForm(
        request.POST or None,
        stores=_store_choices(),
        part_choices=[],
        options_url=reverse("parts:part_options"),
        initial={"store": request.GET.get("store", "")},
    )
    status = 200
    if request.method == "POST":
        status = _movement(request, actor, form)
        if status == 302:
            return redirect(f"{reverse('parts:stock')}?store={form.cleaned_data['store']}")
    return render(request, "parts/movement.html", {"form": form}, status=status)


def _movement(request: HttpRequest, actor: Actor, form: MovementForm) -> int:
    if not form.is_valid():
        return 422
    d = form.cleaned_data
    try:
        part = selectors.part_resolve(d["part"])
        store = selectors.store_resolve(d["store"])
        if d["kind"] == "transfer":
            to_store = selectors.store_resolve(d["to_store"], field="to_store")
            stock_transfer(
                actor=actor,
                from_store=store,
                to_store=to_store,
                part=part,
                quantity=d["quantity"],
                reference=d["reference"],
            )
        else:
            stock_receive(actor=actor, store=store, part=part, quantity=d["quantity"], reference=d["reference"])
    except InsufficientStock as exc:
        form.add_error("quantity", str(exc.message))
        return exc.status
    except DomainError as exc:
        form_errors_from(form, exc)
        return exc.status
    messages.success(request, _("Stock movement recorded."))
    return 302


MOVE_COLUMNS = [
    Column(gettext_lazy("Movement number"), lambda m: m.number),
    Column(gettext_lazy("Time"), lambda m: m.occurred_at),
    Column(gettext_lazy("Kind"), lambda m: m.get_kind_display()),
    Column(gettext_lazy("Store"), lambda m: m.store.name),
    Column(gettext_lazy("Part number"), lambda m: m.part.code),
    Column(gettext_lazy("Quantity"), lambda m: m.quantity),
    Column(gettext_lazy("On hand change"), lambda m: m.on_hand_change),
    Column(gettext_lazy("In transit change"), lambda m: m.in_transit_change),
    Column(gettext_lazy("Reserved change"), lambda m: m.reserved_change),
    Column(gettext_lazy("Reference"), lambda m: m.reference),
    Column(gettext_lazy("Serial number"), lambda m: m.serial),
    Column(pgettext_lazy("spare parts", "Reason"), lambda m: m.reason),
    Column(pgettext_lazy("spare parts", "By"), lambda m: str(m.actor) if m.actor_id else ""),
]


@staff_page("parts.view_stockmove")
def moves_page(request: HttpRequest) -> HttpResponse:
    """The stock ledger, newest first, by store and part; export."""
    actor = _actor(request)
    filters = StockFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    from django.db.models import Q

    rows = StockMove.objects.select_related("store", "part", "actor").order_by("-id")
    if data.get("store"):
        rows = rows.filter(store__code=data["store"])
    if data.get("q", "").strip():
        q = data["q"].strip()
        rows = rows.filter(Q(part__code__istartswith=q) | Q(reference__istartswith=q) | Q(serial__iexact=q))
    if export_requested(request):
        return xlsx_export(
            actor=actor, list_name="stock-moves", title=_("Stock ledger"), columns=MOVE_COLUMNS, rows=rows, filters=data
        )
    return render(
        request,
        "parts/moves.html",
        {
            "filters": filters,
            "store_options": _store_options(data.get("store", "")),
            "store_code": data.get("store", ""),
            "page_obj": list_page(request, rows, PAGE_SIZE),
        },
    )


# --- count adjustments ---------------------------------------------------------------------------


ADJUSTMENT_COLUMNS = [
    Column(gettext_lazy("Adjustment number"), lambda a: a.number),
    Column(gettext_lazy("Time"), lambda a: a.created_at),
    Column(pgettext_lazy("spare parts", "State"), lambda a: a.get_state_display()),
    Column(pgettext_lazy("spare parts", "Store"), lambda a: a.store.name),
    Column(gettext_lazy("Part number"), lambda a: a.part.code),
    Column(gettext_lazy("Name"), lambda a: a.part.name),
    Column(pgettext_lazy("spare parts", "Change"), lambda a: a.change),
    Column(pgettext_lazy("spare parts", "Reason"), lambda a: a.reason),
    Column(pgettext_lazy("spare parts", "Reference"), lambda a: a.reference),
    Column(gettext_lazy("Asked by"), lambda a: str(a.asked_by)),
    Column(pgettext_lazy("spare parts", "Decided by"), lambda a: str(a.decided_by) if a.decided_by_id else ""),
]


@staff_page("parts.add_stockadjustment")
def adjustments_page(request: HttpRequest) -> HttpResponse:
    """Count adjustments (盘点): ask one with a reason; the parts keeper's own post at once, others
    wait for the parts keeper in the approvals queue."""
    actor = _actor(request)
    form = AdjustmentForm(
        request.POST or None,
        prefix="adj",
        stores=_store_choices(),
        part_choices=[],
        options_url=reverse("parts:part_options"),
        initial={"reference": request.GET.get("reference", "")},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                adjustment = counts.adjustment_ask(
                    actor=actor,
                    store=selectors.store_resolve(d["store"]),
                    part=selectors.part_resolve(d["part"]),
                    change=d["change"],
                    reason=d["reason"],
                    reference=d["reference"],
                )
            except InsufficientStock as exc:
                form.add_error("change", str(exc.message))
                status = exc.status
            except DomainError as exc:
                form_errors_from(form, exc)
                status = exc.status
            else:
                if adjustment.state == "posted":
                    messages.success(request, _("Adjustment %(number)s posted.") % {"number": adjustment.number})
                else:
                    messages.success(
                        request,
                        _("Adjustment %(number)s waits for the parts keeper's approval.")
                        % {"number": adjustment.number},
                    )
                return redirect("parts:adjustments")
        else:
            status = 422
    rows = StockAdjustment.objects.select_related("store", "part", "asked_by", "decided_by", "move")
    if not actor.has_perm("parts.approve_stockadjustment"):
        rows = rows.filter(asked_by=actor.user)
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="stock-adjustments",
            title=_("Count adjustments"),
            columns=ADJUSTMENT_COLUMNS,
            rows=rows.order_by("-created_at", "-id"),
        )
    return render(
        request,
        "parts/adjustments.html",
        {"form": form, "page_obj": list_page(request, rows.order_by("-created_at", "-id"), PAGE_SIZE)},
        status=status,
    )


# --- the engineer's van stock (phone) ------------------------------------------------------------


VAN_COLUMNS = [
    Column(gettext_lazy("Part number"), lambda level: level.part.code),
    Column(gettext_lazy("Name"), lambda level: level.part.name),
    Column(gettext_lazy("Specification"), lambda level: level.part.spec),
    Column(pgettext_lazy("spare parts", "On hand"), lambda level: level.on_hand),
    Column(pgettext_lazy("spare parts", "Reserved"), lambda level: level.reserved),
    Column(pgettext_lazy("spare parts", "Available"), lambda level: level.available),
]


@staff_page("parts.view_stocklevel")
def van_stock(request: HttpRequest) -> HttpResponse:
    """The engineer's van stock on the phone: what is on hand and available, by part."""
    store = selectors.van_store_for(request.user)
    levels = (
        StockLevel.objects.filter(store=store).filter(on_hand__gt=0).select_related("part").order_by("part__code")
        if store is not None
        else StockLevel.objects.none()
    )
    if export_requested(request):
        return xlsx_export(
            actor=_actor(request),
            list_name="van-stock",
            title=_("My van stock"),
            columns=VAN_COLUMNS,
            rows=levels,
        )
    recent = StockMove.objects.filter(store=store).select_related("part").order_by("-id")[:10] if store else []
    return render(request, "parts/van_stock.html", {"store": store, "levels": levels, "recent": recent})
