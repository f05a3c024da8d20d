"""Reads of the event log: a record's timeline, the audit list."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.events import ACTION_LABELS, subject_key
from aftersales.core.models import Event


def event_list_for(*subjects: models.Model, limit: int = 200) -> list[dict[str, Any]]:
    """The events of one or more records, newest first, ready for the timeline template."""
    condition = models.Q(pk__in=[])
    for subject in subjects:
        subject_type, subject_id = subject_key(subject)
        condition |= models.Q(subject_type=subject_type, subject_id=subject_id)
    return events_present(list(Event.objects.filter(condition).order_by("-id")[:limit]))


def event_present(event: Event) -> dict[str, Any]:
    return events_present([event])[0]


def events_present(events: list[Event]) -> list[dict[str, Any]]:
    """The events ready for a template. Names are resolved now, from the ids the events keep: the
    actor's current name, the record's current label (a removed record: its kind and number), so
    renaming a user or a record shows the new name and never touches the chain (X3)."""
    actors = _actor_names({e.actor_id for e in events if e.actor_id is not None})
    subjects = _subject_labels({(e.subject_type, e.subject_id) for e in events})
    people = _people_in_changes(events)
    out = []
    for event in events:
        model = _model_for(event.subject_type)
        label = action_label(event.action, model)
        changes = []
        if isinstance(event.data, dict):
            for name, value in event.data.items():
                if isinstance(value, list) and len(value) == 2:
                    field = _model_field(model, name)
                    changes.append(
                        {
                            "field": _field_label(model, name),
                            "old": _value_label(field, value[0], people),
                            "new": _value_label(field, value[1], people),
                        }
                    )
        out.append(
            {
                "occurred_at": event.occurred_at,
                "actor_label": actors.get(event.actor_id, "") if event.actor_id is not None else _("system"),
                "action": event.action,
                "label": str(label),
                "rule": event.rule,
                "subject_label": subjects[(event.subject_type, event.subject_id)],
                "changes": changes,
                "data": event.data,
            }
        )
    return out


def action_label(action: str, model: type[models.Model] | None = None) -> str:
    """An event's action in plain words: the label its app registered (core.events.ACTION_LABELS, the
    one mapping every timeline and the audit page use); an unregistered "<record>.<state>" move: the
    record's kind and the state's label; anything else: "<kind> changed". Never the raw code."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    prefix, _dot, rest = action.partition(".")
    model = model or _model_by_name(prefix)
    kind = str(model._meta.verbose_name) if model is not None else ""
    if model is not None and rest:
        for field in model._meta.get_fields():
            if isinstance(field, models.Field) and field.choices and field.name in ("state", "status"):
                choices = {str(k): str(v) for k, v in field.flatchoices}
                if rest in choices:
                    return _("%(kind)s: %(state)s") % {"kind": kind, "state": choices[rest]}
    if kind:
        return _("%(kind)s changed") % {"kind": kind}
    return _("Record changed")


def _model_by_name(name: str) -> type[models.Model] | None:
    for model in apps.get_models():
        if model._meta.model_name == name:
            return model
    return None


def _model_field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 — data keys need not be fields
        return None
    return found if isinstance(found, models.Field) else None


def _is_user_field(field: models.Field[Any, Any] | None) -> bool:
    return field is not None and field.is_relation and field.related_model is get_user_model()


def _people_in_changes(events: list[Event]) -> dict[str, str]:
    """Login names and ids stored in the events' changes of user fields (an engineer, an owner) →
    display names, read in one query."""
    keys: set[str] = set()
    for event in events:
        if not isinstance(event.data, dict):
            continue
        model = _model_for(event.subject_type)
        for name, value in event.data.items():
            if isinstance(value, list) and len(value) == 2 and _is_user_field(_model_field(model, name)):
                keys.update(str(v) for v in value if v not in (None, ""))
    if not keys:
        return {}
    ids = [int(k) for k in keys if k.isdigit()]
    found: dict[str, str] = {}
    for user in get_user_model().objects.filter(models.Q(username__in=keys) | models.Q(pk__in=ids)):
        name = display_name(user)
        found[str(user.pk)] = name
        found[user.get_username()] = name
    return found


def _value_label(field: models.Field[Any, Any] | None, value: Any, people: dict[str, str]) -> Any:
    """A changed value as people read it: a state's label instead of its code, a person's name
    instead of a login name."""
    if value is None or value == "" or field is None:
        return value
    if _is_user_field(field):
        return people.get(str(value), value)
    if field.choices:
        choices = {str(k): v for k, v in field.flatchoices}
        if str(value) in choices:
            return str(choices[str(value)])
    return value


def display_name(user: Any) -> str:
    """A person as the pages name them: display name, else full name, else (only then) the login name."""
    if user is None:
        return ""
    name = getattr(user, "display_name", "") or ""
    if not name and hasattr(user, "get_full_name"):
        name = user.get_full_name()
    return str(name or user.get_username())


def _actor_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {user.pk: display_name(user) for user in get_user_model().objects.filter(pk__in=ids)}


def _subject_labels(keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(type, id) → the record's label now, or "kind #id" when it no longer exists (or its type is unknown)."""
    by_type: dict[str, set[str]] = {}
    for subject_type, subject_id in keys:
        by_type.setdefault(subject_type, set()).add(subject_id)
    labels: dict[tuple[str, str], str] = {}
    for subject_type, ids in by_type.items():
        model = _model_for(subject_type)
        found: dict[str, str] = {}
        if model is not None:
            pk = model._meta.pk
            valid = []
            for raw in ids:
                try:
                    valid.append(pk.to_python(raw) if pk is not None else raw)
                except (ValidationError, ValueError, TypeError):
                    continue
            found = {str(obj.pk): str(obj) for obj in model._default_manager.filter(pk__in=valid)}
        kind = str(model._meta.verbose_name) if model is not None else subject_type
        for subject_id in ids:
            labels[(subject_type, subject_id)] = found.get(subject_id) or f"{kind} #{subject_id}"
    return labels


def _model_for(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


# Keys of event data that are no field of the record (a policy change's "value").
DATA_KEY_LABELS = {"value": gettext_lazy("value")}


def _field_label(model: type[models.Model] | None, name: str) -> str:
    if name in DATA_KEY_LABELS:
        return str(DATA_KEY_LABELS[name])
    if model is None:
        return name
    try:
        found = model._meta.get_field(name)
        return str(found.verbose_name) if isinstance(found, models.Field) else name
    except Exception:  # noqa: BLE001 — data keys need not be fields
        return name


def event_list() -> QuerySet[Event]:
    return Event.objects.order_by("-id")
