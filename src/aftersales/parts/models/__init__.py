"""Models of the spare-parts service (P1–P5). Other modules add their import lines here."""

from aftersales.parts.models.catalogue import Part, PriceList, PriceListLine
from aftersales.parts.models.stock import StockAdjustment, StockLevel, StockMove
from aftersales.parts.models.stores import Store

__all__ = [
    "Part",
    "PriceList",
    "PriceListLine",
    "StockAdjustment",
    "StockLevel",
    "StockMove",
    "Store",
]
