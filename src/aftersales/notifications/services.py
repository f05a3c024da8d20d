"""Writes for notifications: in-app rows in the caller's transaction, e-mail after commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from aftersales.core.access import Actor
from aftersales.notifications.models import Notification

log = logging.getLogger(__name__)


def _mail(subject: str, body: str, recipients: list[str]) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
    except Exception:  # a mail server outage must not undo or break the business action
        log.exception("notification e-mail to %s failed", recipients)


def notify_users(
    *, users: Iterable[Any], title: str, body: str = "", url: str = "", rule: str = ""
) -> list[Notification]:
    """One bell notification per distinct user; one e-mail to those with an address, on commit.

    Runs inside the caller's transaction (the rows roll back with it; the mail is sent only
    if it commits). Rule: X2.
    """
    distinct = {u.pk: u for u in users if u is not None and getattr(u, "pk", None) and u.is_active}
    rows = Notification.objects.bulk_create(
        [Notification(user=u, title=str(title)[:200], body=str(body), url=url, rule=rule) for u in distinct.values()]
    )
    recipients = sorted({u.email for u in distinct.values() if u.email})
    if recipients:
        subject, text = str(title), str(body)
        transaction.on_commit(lambda: _mail(subject, text, recipients))
    return rows


def notification_mark_read(*, actor: Actor, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of the actor as read."""
    qs = Notification.objects.filter(user_id=actor.pk, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
