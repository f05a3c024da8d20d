"""Error codes of the parts flows (API `code`), beside the core's (validation_failed, not_found …)."""

from enum import StrEnum


class FlowErrorCode(StrEnum):
    VERSION_CONFLICT = "version_conflict"  # someone else changed the record in the meantime
    SAME_STORE = "same_store"  # a requisition from a store to itself
    NOT_ON_REQUISITION = "not_on_requisition"  # a received line names a part the requisition does not carry
    RECEIVED_TOO_MANY = "received_too_many"  # more received than was issued
    NOTHING_TO_PLAN = "nothing_to_plan"  # a purchase request with no suggested quantity
