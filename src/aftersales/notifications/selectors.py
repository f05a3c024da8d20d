"""Reads for notifications, scoped to the actor."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from aftersales.accounts.models import User
from aftersales.accounts.selectors import actor_for
from aftersales.core.access import Actor
from aftersales.notifications.models import Notification, NotificationPreference


def notification_list(actor: Actor) -> QuerySet[Notification]:
    if actor.pk is None:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=actor.pk)


def notification_unread_count(actor: Actor) -> int:
    if not actor.pk:
        return 0
    return Notification.objects.filter(user_id=actor.pk, read_at__isnull=True).count()


def bell_context(user: Any) -> dict[str, Any]:
    """The bell's unread count and how often it asks again (AFTERSALES_LIVE_REFRESH_SECONDS)."""
    return {
        "unread": notification_unread_count(actor_for(user)) if user is not None else 0,
        "refresh_seconds": settings.AFTERSALES_LIVE_REFRESH_SECONDS,
    }


def users_to_tell(*, roles: list[str], service_point_id: int | None) -> list[Any]:
    """Who is told of a hand-off to `roles` at a service point: the active holders of those roles at
    that point; when none works there, those attached to no point (headquarters); when none of
    those either, every active holder. One or two small queries (users by group)."""
    holders = User.objects.filter(is_active=True, groups__name__in=roles).distinct().order_by("username")
    if service_point_id is not None:
        here = list(holders.filter(service_point_id=service_point_id))
        if here:
            return here
    unattached = list(holders.filter(service_point__isnull=True))
    return unattached or list(holders)


def notification_email_wanted(user: Any) -> bool:
    """Whether the user is e-mailed as well as told in the bell (the default: yes)."""
    pref = NotificationPreference.objects.filter(user_id=user.pk).first()
    return pref.email if pref is not None else True
