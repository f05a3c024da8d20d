"""Reads for notifications, scoped to the actor."""

from __future__ import annotations

from django.db.models import QuerySet

from aftersales.core.access import Actor
from aftersales.notifications.models import Notification


def notification_list(actor: Actor) -> QuerySet[Notification]:
    if actor.pk is None:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=actor.pk)


def notification_unread_count(actor: Actor) -> int:
    if not actor.pk:
        return 0
    return Notification.objects.filter(user_id=actor.pk, read_at__isnull=True).count()
