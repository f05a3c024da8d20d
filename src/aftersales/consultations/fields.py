"""C8: the values of the administrator's extra fields, checked by type (pure: no queries).

A definition is anything with key, label, field_type, choices, required (a ConsultationField).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

MAX_TEXT = 500


def extra_values_clean(
    definitions: Iterable[Any], raw: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The values of `raw` for the given fields, normalised (number → str of a decimal, date → ISO
    date), and the errors per key. Unknown keys are errors; an empty value of a required field is
    an error; an empty optional value is left out. Rule: C8."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    known = {d.key: d for d in definitions}
    for key in raw:
        if key not in known:
            errors[key] = [_("There is no such field.")]
    for key, definition in known.items():
        value = raw.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if definition.required:
                errors[key] = [_("%(label)s is required.") % {"label": definition.label}]
            continue
        try:
            values[key] = _one(definition, value)
        except ValueError as exc:
            errors[key] = [str(exc)]
    return values, errors


def _one(definition: Any, value: Any) -> Any:
    kind = definition.field_type
    if kind == "number":
        if isinstance(value, bool):
            raise ValueError(_("Enter a number."))
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite() or abs(number) >= Decimal("1e12"):
            raise ValueError(_("Enter a number."))
        return str(number.normalize()) if number != number.to_integral() else str(int(number))
    if kind == "date":
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
    if kind == "choice":
        if str(value) not in [str(c) for c in definition.choices]:
            raise ValueError(_("Choose one of: %(choices)s.") % {"choices": "、".join(map(str, definition.choices))})
        return str(value)
    text = str(value)
    if len(text) > MAX_TEXT:
        raise ValueError(_("At most %(n)s characters.") % {"n": MAX_TEXT})
    return text
