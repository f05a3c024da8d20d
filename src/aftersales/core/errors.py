"""Domain errors: a stable code, a translated message, optional per-field messages.

One handler in aftersales/api.py turns them into {"code", "message", "fields"} with the status
below; views turn them into form errors.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    default_code = "invalid"

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        fields: dict[str, Any] | None = None,
    ) -> None:
        self.code = str(code or self.default_code)
        self.message = message if message is not None else _("The request is invalid.")
        self.fields = fields or {}
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": str(self.message),
            "fields": {key: [str(m) for m in _as_list(value)] for key, value in self.fields.items()},
        }


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


class ValidationFailed(DomainError):
    status = 422
    default_code = "validation_failed"


class NotFound(DomainError):
    """Missing and not-yours look the same (habit 4)."""

    status = 404
    default_code = "not_found"

    def __init__(self, message: Any = None, **kwargs: Any) -> None:
        super().__init__(message if message is not None else _("Not found."), **kwargs)


class PermissionDenied(DomainError):
    status = 403
    default_code = "permission_denied"

    def __init__(self, message: Any = None, **kwargs: Any) -> None:
        super().__init__(
            message if message is not None else _("You do not have permission to do this."),
            **kwargs,
        )


class Conflict(DomainError):
    status = 409
    default_code = "conflict"


def validation_error_from_django(exc: Any) -> ValidationFailed:
    """Wrap django.core.exceptions.ValidationError raised by full_clean()."""
    if hasattr(exc, "message_dict"):
        fields = {key: [str(m) for m in msgs] for key, msgs in exc.message_dict.items()}
        first = next(iter(fields.values()))[0] if fields else _("The data is invalid.")
        return ValidationFailed(first, fields=fields)
    return ValidationFailed("; ".join(str(m) for m in exc.messages))


def full_clean(obj: Any, **kwargs: Any) -> None:
    """obj.full_clean(), with Django's ValidationError turned into ValidationFailed (fields kept)."""
    from django.core.exceptions import ValidationError

    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise validation_error_from_django(exc) from exc
