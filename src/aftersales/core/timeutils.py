"""Time helpers: the local date in the installation's timezone; the time a record was received."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationFailed

# How far ahead of the server clock a received time may be (a phone's clock running fast).
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


def today() -> dt.date:
    return timezone.localdate()


def received_time(value: dt.datetime | None, now: dt.datetime, *, earliest: dt.datetime | None = None) -> dt.datetime:
    """When a call, letter or visit was received: `value` for a back-registered one, else `now`.

    `earliest`: the oldest time the caller may enter (policies.selectors.received_at_earliest, S1).
    Raises: ValidationFailed (field received_at): a time without its zone, one in the future, or one
    before `earliest`.
    """
    if value is None:
        return now
    if timezone.is_naive(value):
        message = _("Give the time with its time zone.")
        raise ValidationFailed(message, fields={"received_at": [message]})
    if value > now + FUTURE_TOLERANCE:
        message = _("The time received cannot be in the future.")
        raise ValidationFailed(message, fields={"received_at": [message]})
    if earliest is not None and value < earliest:
        days = max((now - earliest).days, 0)
        message = _(
            "The time received lies more than %(days)s days back; only a team lead or the head of after-sales "
            "may register it."
        ) % {"days": days}
        raise ValidationFailed(message, fields={"received_at": [message]})
    return value
