"""Writes for notifications: in-app rows in the caller's transaction, e-mail after commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from aftersales.core.access import Actor
from aftersales.notifications.models import Notification

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NotificationDraft:
    """One message to a set of users (see notifications_send)."""

    users: Sequence[Any]
    title: str
    body: str = ""
    url: str = ""
    rule: str = ""


def _mail_all(messages: list[tuple[str, str, list[str]]]) -> None:
    try:
        with get_connection(fail_silently=False) as conn:
            conn.send_messages(
                [
                    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to, connection=conn)
                    for subject, body, to in messages
                ]
            )
    except Exception:  # a mail server outage must not undo or break the business action
        log.exception("notification e-mail to %s failed", sorted({a for _s, _b, to in messages for a in to}))


def notifications_send(drafts: Sequence[NotificationDraft]) -> list[Notification]:
    """One bell notification per distinct user of each draft; the e-mails after commit, over one connection.

    Runs inside the caller's transaction (the rows roll back with it; the mail is sent only
    if it commits). Rule: X2.
    """
    rows: list[Notification] = []
    mails: list[tuple[str, str, list[str]]] = []
    for draft in drafts:
        distinct = {u.pk: u for u in draft.users if u is not None and getattr(u, "pk", None) and u.is_active}
        rows += [
            Notification(user=u, title=str(draft.title)[:200], body=str(draft.body), url=draft.url, rule=draft.rule)
            for u in distinct.values()
        ]
        recipients = sorted({u.email for u in distinct.values() if u.email})
        if recipients:
            mails.append((str(draft.title), str(draft.body), recipients))
    rows = Notification.objects.bulk_create(rows)
    if mails:
        transaction.on_commit(lambda: _mail_all(mails))
    return rows


def notify_users(
    *, users: Iterable[Any], title: str, body: str = "", url: str = "", rule: str = ""
) -> list[Notification]:
    """One bell notification per distinct user; one e-mail to those with an address, on commit."""
    return notifications_send([NotificationDraft(users=list(users), title=title, body=body, url=url, rule=rule)])


def notification_mark_read(*, actor: Actor, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of the actor as read."""
    if actor.pk is None:
        return 0
    qs = Notification.objects.filter(user_id=actor.pk, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
