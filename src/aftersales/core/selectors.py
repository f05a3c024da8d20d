"""Reads of the event log: a record's timeline, the audit list."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import QuerySet

from aftersales.core.events import ACTION_LABELS, subject_key
from aftersales.core.models import Event


def event_list_for(*subjects: models.Model, limit: int = 200) -> list[dict[str, Any]]:
    """The events of one or more records, newest first, ready for the timeline template."""
    condition = models.Q(pk__in=[])
    for subject in subjects:
        subject_type, subject_id = subject_key(subject)
        condition |= models.Q(subject_type=subject_type, subject_id=subject_id)
    events = Event.objects.filter(condition).order_by("-id")[:limit]
    return [event_present(e) for e in events]


def event_present(event: Event) -> dict[str, Any]:
    label = ACTION_LABELS.get(event.action, event.action)
    changes = []
    if isinstance(event.data, dict):
        model = _model_for(event.subject_type)
        for name, value in event.data.items():
            if isinstance(value, list) and len(value) == 2:
                changes.append({"field": _field_label(model, name), "old": value[0], "new": value[1]})
    return {
        "occurred_at": event.occurred_at,
        "actor_label": event.actor_label,
        "action": event.action,
        "label": str(label),
        "rule": event.rule,
        "subject_label": event.subject_label,
        "changes": changes,
        "data": event.data,
    }


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
