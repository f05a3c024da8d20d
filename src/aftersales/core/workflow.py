"""transition(): the only writer of a state field (habit 6)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import Conflict
from aftersales.core.events import event_record

Transitions = Mapping[str, Mapping[str, str]]


def transition(
    obj: models.Model,
    *,
    to: str,
    table: Transitions,
    actor: Any,
    field: str = "state",
    reason: str = "",
    policy_version: int | None = None,
    data: dict[str, Any] | None = None,
    extra_update_fields: tuple[str, ...] = (),
    action: str = "",
) -> str:
    """Move obj from its current state to `to` if the table allows it; append one event.

    The event is "<model>.<new state>" unless the app names it (`action`, e.g. "clock.resumed");
    its data always carry the move, {field: [old, new]}.
    The caller holds the row lock (access_<entity>(..., for_update=True)). Returns the rule id.
    Raises: Conflict(code="invalid_transition").
    """
    current = getattr(obj, field)
    rule = expect_transition(obj, to=to, table=table, field=field)
    setattr(obj, field, to)
    obj.save(update_fields=[field, "updated_at", *extra_update_fields])
    event_record(
        subject=obj,
        action=action or f"{obj._meta.model_name}.{to}",
        actor=actor,
        rule=rule,
        policy_version=policy_version,
        data={field: [current, to], **({"reason": reason} if reason else {}), **(data or {})},
    )
    return rule


def expect_transition(obj: models.Model, *, to: str, table: Transitions, field: str = "state") -> str:
    """The rule id of the move of `obj` to `to` in `table`; for a service that checks the move before
    other work (the move itself is `transition`). Raises: Conflict(code="invalid_transition")."""
    current = getattr(obj, field)
    rule = table.get(current, {}).get(to)
    if rule is None:
        raise Conflict(
            _("Cannot change the state from “%(current)s” to “%(target)s”.")
            % {"current": _state_label(obj, field, current), "target": _state_label(obj, field, to)},
            code="invalid_transition",
        )
    return rule


def expect_version(obj: models.Model, expected: int | None, message: str, *, code: str) -> None:
    """Optimistic locking: 409 `code` when the caller acted on an older version than the stored one.

    `message` (each app words it for its records) may name %(theirs)s (= %(version)s, the stored
    version) and %(yours)s; `fields` carries the stored version for API clients. The caller holds
    the row lock, so the stored version cannot move between this check and its save.
    """
    current = obj.version  # type: ignore[attr-defined]  # every versioned model has the field; Model does not
    if expected is not None and expected != current:
        raise Conflict(
            message % {"theirs": current, "version": current, "yours": expected},
            code=code,
            fields={"version": [str(current)]},
        )


M = TypeVar("M", bound=models.Model)


def locked_for_change(
    access: Callable[..., M], actor: Any, key: Any, expected_version: int | None, *, message: str, code: str
) -> M:
    """The one locked-move helper: lock the row by its key through the app's guarded read
    (`access(actor, key, for_update=True)`: the same 404 for missing and not yours), then check the
    version the caller acted on (409 `code`). The caller then moves it with `versioned_transition`.
    """
    obj = access(actor, key, for_update=True)
    expect_version(obj, expected_version, message, code=code)
    return obj


def locked_transition(
    access: Callable[..., M],
    actor: Any,
    key: Any,
    expected_version: int | None,
    *,
    message: str,
    code: str,
    **kwargs: Any,
) -> M:
    """Lock by key → check the version → versioned_transition (to=, table=, fields= … as there)."""
    obj = locked_for_change(access, actor, key, expected_version, message=message, code=code)
    versioned_transition(obj, actor=actor, **kwargs)
    return obj


def versioned_transition(obj: models.Model, *, fields: tuple[str, ...] = (), **kwargs: Any) -> str:
    """transition() that also bumps the record's `version` and saves `fields` with it."""
    obj.version += 1  # type: ignore[attr-defined]  # every versioned model has the field; Model does not
    return transition(obj, extra_update_fields=("version", *fields), **kwargs)


def _state_label(obj: models.Model, field: str, value: str) -> str:
    choices = dict(cast("models.Field[Any, Any]", obj._meta.get_field(field)).flatchoices)
    return str(choices.get(value, value))
