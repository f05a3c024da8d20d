"""Event names of the spare-parts service with their timeline labels (P1, P3)."""

from django.utils.translation import gettext_lazy as _

from aftersales.core.events import register_action_labels

PART_CREATED = "part.created"
PART_CHANGED = "part.changed"
PARTS_IMPORTED = "parts.imported"
PRICE_LIST_CREATED = "pricelist.created"
PRICE_LIST_SUBMITTED = "pricelist.submitted"
PRICE_LIST_APPROVED = "pricelist.approved"
PRICE_LIST_REFUSED = "pricelist.refused"
STORE_CREATED = "store.created"
STORE_CHANGED = "store.changed"
ADJUSTMENT_ASKED = "stockadjustment.asked"
ADJUSTMENT_POSTED = "stockadjustment.posted"
ADJUSTMENT_REFUSED = "stockadjustment.refused"

register_action_labels(
    {
        PART_CREATED: _("Part added to the catalogue"),
        PART_CHANGED: _("Part changed"),
        PARTS_IMPORTED: _("Parts imported"),
        PRICE_LIST_CREATED: _("Price list drafted"),
        PRICE_LIST_SUBMITTED: _("Price list sent for approval"),
        PRICE_LIST_APPROVED: _("Price list approved"),
        PRICE_LIST_REFUSED: _("Price list refused"),
        STORE_CREATED: _("Store created"),
        STORE_CHANGED: _("Store changed"),
        ADJUSTMENT_ASKED: _("Count adjustment asked"),
        ADJUSTMENT_POSTED: _("Count adjustment posted"),
        ADJUSTMENT_REFUSED: _("Count adjustment refused"),
        "stock.receipt": _("Stock received"),
        "stock.transfer_out": _("Stock transferred out"),
        "stock.in_transit": _("Stock in transit"),
        "stock.transfer_in": _("Stock transferred in"),
        "stock.issue": _("Stock issued"),
        "stock.consume": _("Part used on a job"),
        "stock.return_old": _("Old part returned"),
        "stock.scrap": _("Stock scrapped"),
        "stock.adjust": _("Count adjustment"),
        "stock.reserve": _("Stock reserved"),
        "stock.release": _("Reservation released"),
    }
)
