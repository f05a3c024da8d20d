"""Models of the service case (S1–S16, B1–B2)."""

from aftersales.service.models.attachments import Attachment
from aftersales.service.models.codes import FaultCode
from aftersales.service.models.depot import DepotJob, DepotMovement
from aftersales.service.models.handins import RepairOrderHandIn
from aftersales.service.models.quotes import FeeStandard, Quote, QuoteLine
from aftersales.service.models.requests import PartUsed, ServiceRequest, ServiceTask, WorkStep

__all__ = [
    "Attachment",
    "DepotJob",
    "DepotMovement",
    "FaultCode",
    "FeeStandard",
    "PartUsed",
    "Quote",
    "QuoteLine",
    "RepairOrderHandIn",
    "ServiceRequest",
    "ServiceTask",
    "WorkStep",
]
