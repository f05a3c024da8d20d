"""Reads of the event log: a record's timeline, the audit list."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

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
    out = []
    for event in events:
        label = ACTION_LABELS.get(event.action, event.action)
        changes = []
        if isinstance(event.data, dict):
            model = _model_for(event.subject_type)
            for name, value in event.data.items():
                if isinstance(value, list) and len(value) == 2:
                    changes.append({"field": _field_label(model, name), "old": value[0], "new": value[1]})
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


def _actor_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {user.pk: str(user) for user in get_user_model().objects.filter(pk__in=ids)}


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


def _field_label(model: type[models.Model] | None, name: str) -> str:
    if model is None:
        return name
    try:
        found = model._meta.get_field(name)
        return str(found.verbose_name) if isinstance(found, models.Field) else name
    except Exception:  # noqa: BLE001 — data keys need not be fields
        return name


def event_list() -> QuerySet[Event]:
    return Event.objects.order_by("-id")
