"""Calendar error codes and the domain errors that carry them."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aftersales.core.errors import DomainError


class CalendarErrorCode:
    DATA_MISSING = "calendar_data_missing"  # no official holiday data for a year the computation reaches
    NO_WORKING_TIME = "calendar_no_working_time"  # the calendar never opens again
    OUT_OF_RANGE = "calendar_out_of_range"  # a time far outside what a calendar can compute
    INVALID_HOURS = "calendar_invalid_hours"  # overlapping or empty working intervals
    NOT_STATUTORY = "calendar_not_statutory"  # a year's notice on a calendar that is not statutory
    CODE_TAKEN = "calendar_code_taken"
    BASE_INVALID = "calendar_base_invalid"  # a base that is the calendar itself or one of its dependants


class CalendarYearMissing(DomainError):
    """X1: a computation reaches a year whose official holidays have not been entered yet.

    409: the request is well formed, but the calendar's data does not allow an answer until an
    administrator enters that year's notice.
    """

    status = 409
    default_code = CalendarErrorCode.DATA_MISSING

    def __init__(self, code: str, year: int) -> None:
        super().__init__(
            _(
                "Calendar %(code)s has no official holiday data for %(year)s yet; "
                "an administrator must enter that year's notice first."
            )
            % {"code": code, "year": year},
            fields={"year": [str(year)]},
        )
        self.calendar_code = code
        self.year = year
