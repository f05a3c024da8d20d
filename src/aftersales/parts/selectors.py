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
