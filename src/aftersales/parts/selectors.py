"""Reads of the spare-parts service: resolving codes (422 for unknown ones), van stores, stock levels."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationFailed
from aftersales.parts.choices import StoreKind
from aftersales.parts.models import Part, StockLevel, StockMove, Store


def part_resolve(code: Any, *, field: str = "part") -> Part:
    """The active catalogue part with this number; 422 on `field` when there is none."""
    part = Part.objects.filter(code=str(code or "").strip().upper(), active=True).first()
    if part is None:
        raise ValidationFailed(
            _("Unknown part number: %(code)s.") % {"code": code}, fields={field: [_("Unknown part.")]}
        )
    return part


def store_resolve(code: Any, *, field: str = "store") -> Store:
    """The active store with this code; 422 on `field` when there is none."""
    store = Store.objects.filter(code=str(code or "").strip().upper(), active=True).first()
    if store is None:
        raise ValidationFailed(_("Unknown store: %(code)s.") % {"code": code}, fields={field: [_("Unknown store.")]})
    return store


def van_store_for(user: Any) -> Store | None:
    """The engineer's van stock (kind engineer), if they have one."""
    if not getattr(user, "pk", None):
        return None
    return Store.objects.filter(kind=StoreKind.ENGINEER, engineer=user, active=True).first()


def stock_levels(*, store: Store | None = None, part: Part | None = None) -> QuerySet[StockLevel]:
    qs = StockLevel.objects.select_related("store", "part")
    if store is not None:
        qs = qs.filter(store=store)
    if part is not None:
        qs = qs.filter(part=part)
    return qs.order_by("store__code", "part__code")


def stock_level_of(store: Store, part: Part) -> StockLevel:
    """The level of store × part (an unsaved zero level when nothing ever moved)."""
    return StockLevel.objects.filter(store=store, part=part).first() or StockLevel(store=store, part=part)


def ledger_sums(store: Store, part: Part) -> dict[str, int]:
    """What the ledger says for store × part: the sums the level must equal (checks and tests)."""
    sums = StockMove.objects.filter(store=store, part=part).aggregate(
        on_hand=Sum("on_hand_change"), in_transit=Sum("in_transit_change"), reserved=Sum("reserved_change")
    )
    return {key: int(value or 0) for key, value in sums.items()}


def part_search(*, q: str = "", product: str = "", active: bool | None = True) -> QuerySet[Part]:
    """P1 search: by number (prefix), name fragment or spec fragment, and by the product it fits."""
    from django.db.models import Q

    qs = Part.objects.all()
    if active is not None:
        qs = qs.filter(active=active)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(code__istartswith=q) | Q(name__icontains=q) | Q(spec__icontains=q))
    if product:
        qs = qs.filter(products__model=product.strip())
    return qs.order_by("code")


def access_part(code: str) -> Part:
    from aftersales.core.errors import NotFound

    part = Part.objects.filter(code=(code or "").strip().upper()).first()
    if part is None:
        raise NotFound()
    return part


def store_list(*, kind: str = "", q: str = "") -> QuerySet[Store]:
    from django.db.models import Q

    qs = Store.objects.select_related("owner", "service_point", "engineer", "customer").filter(active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if q.strip():
        qs = qs.filter(Q(code__istartswith=q.strip()) | Q(name__icontains=q.strip()))
    return qs.order_by("code")


def stock_moves(*, store: Store | None = None, part: Part | None = None) -> QuerySet[StockMove]:
    qs = StockMove.objects.select_related("store", "part", "actor")
    if store is not None:
        qs = qs.filter(store=store)
    if part is not None:
        qs = qs.filter(part=part)
    return qs.order_by("-id")


def part_picker_choices(store: Store | None, *, q: str = "", limit: int = 50) -> list[tuple[str, str]]:
    """The part picker's options (value = part number): with a store, the parts it has available
    (label with the quantity); with a search text, the catalogue matches (number, name, spec)."""
    if q.strip() or store is None:
        parts = part_search(q=q)[:limit] if q.strip() else []
        return [(p.code, f"{p.code} {p.name}" + (f" · {p.spec}" if p.spec else "")) for p in parts]
    levels = (
        StockLevel.objects.filter(store=store, available__gt=0).select_related("part").order_by("part__code")[:limit]
    )
    return [
        (
            lv.part.code,
            _("%(code)s %(name)s · %(n)s available") % {"code": lv.part.code, "name": lv.part.name, "n": lv.available},
        )
        for lv in levels
    ]


def store_choices() -> list[tuple[str, str]]:
    """(code, "name (kind)") of the active stores, for the store pickers: one light query."""
    from aftersales.parts.choices import StoreKind

    labels = dict(StoreKind.choices)
    rows = Store.objects.filter(active=True).order_by("code").values_list("code", "name", "kind")
    return [(code, f"{name} ({labels.get(kind, kind)})") for code, name, kind in rows]
