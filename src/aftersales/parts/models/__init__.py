"""Models of the spare-parts service (P1–P5). Other modules add their import lines here."""

from aftersales.parts.models.catalogue import Part, PriceList, PriceListLine
from aftersales.parts.models.demand import PurchaseRequest, PurchaseRequestLine, ReorderAlert, StockPlan
from aftersales.parts.models.requisitions import Requisition, RequisitionLine
from aftersales.parts.models.returns import PartReturn
from aftersales.parts.models.stock import StockAdjustment, StockConsumption, StockLevel, StockMove
from aftersales.parts.models.stores import Store

__all__ = [
    "Part",
    "PartReturn",
    "PriceList",
    "PriceListLine",
    "PurchaseRequest",
    "PurchaseRequestLine",
    "ReorderAlert",
    "Requisition",
    "RequisitionLine",
    "StockAdjustment",
    "StockConsumption",
    "StockLevel",
    "StockMove",
    "StockPlan",
    "Store",
]
