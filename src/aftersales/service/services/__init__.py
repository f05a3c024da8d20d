"""Writes of the service case (S1–S16, B1–B2), one module per stage, re-exported here."""

from aftersales.service.services.attachments import attachment_add, attachment_delete
from aftersales.service.services.intake import service_request_create
from aftersales.service.services.parts import service_request_part_add, unit_part_history
from aftersales.service.services.rules import service_requests_carry_over, service_task_done, task_raise
from aftersales.service.services.waits import service_request_customer_available, service_request_customer_unavailable
from aftersales.service.services.work import (
    approval_decide,
    approval_request,
    service_request_arrive,
    service_request_book,
    service_request_cancel,
    service_request_charging_set,
    service_request_close,
    service_request_complete,
    service_request_dispatch,
    service_request_parts_arrived,
    service_request_reopen,
    service_request_sign_off,
    service_request_step_add,
    service_request_to_depot,
    service_request_wait_parts,
)

__all__ = [
    "approval_decide",
    "attachment_add",
    "attachment_delete",
    "approval_request",
    "service_request_arrive",
    "service_request_book",
    "service_request_cancel",
    "service_request_charging_set",
    "service_request_close",
    "service_request_complete",
    "service_request_create",
    "service_request_customer_available",
    "service_request_customer_unavailable",
    "service_request_dispatch",
    "service_request_part_add",
    "service_request_parts_arrived",
    "service_request_reopen",
    "service_request_sign_off",
    "service_request_step_add",
    "service_request_to_depot",
    "service_request_wait_parts",
    "service_requests_carry_over",
    "service_task_done",
    "task_raise",
    "unit_part_history",
]
