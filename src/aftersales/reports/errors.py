"""Domain errors of the reports app (rendered by the API's one handler, core.errors)."""

from aftersales.core.errors import ValidationFailed


class PeriodInvalid(ValidationFailed):
    default_code = "period_invalid"
