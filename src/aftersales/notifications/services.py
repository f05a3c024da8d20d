"""Writes for notifications: in-app rows in the caller's transaction, e-mail after commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.core.access import Actor
from aftersales.core.errors import PermissionDenied
from aftersales.core.events import event_record
from aftersales.notifications import events
from aftersales.notifications.models import Notification, NotificationPreference

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


def _bell_only(user_ids: set[Any]) -> set[Any]:
    """The users among `user_ids` who turned e-mail off (one query; nobody has a row by default)."""
    if not user_ids:
        return set()
    return set(
        NotificationPreference.objects.filter(user_id__in=user_ids, email=False).values_list("user_id", flat=True)
    )


def _with_link(body: str, url: str) -> str:
    """The e-mail's text: the message and, when there is one, the link to the record."""
    if not url:
        return body
    origins = list(getattr(settings, "CSRF_TRUSTED_ORIGINS", []) or [])
    base = str(origins[0]).rstrip("/") if origins else ""  # the site's address when it is configured
    return f"{body}\n\n{base}{url}".strip()


def notifications_send(drafts: Sequence[NotificationDraft]) -> list[Notification]:
    """One bell notification per distinct user of each draft; the e-mails after commit, over one connection.

    Runs inside the caller's transaction (the rows roll back with it; the mail is sent only
    if it commits). Rule: X2.
    """
    rows: list[Notification] = []
    mails: list[tuple[str, str, list[str]]] = []
    per_draft = [
        {u.pk: u for u in draft.users if u is not None and getattr(u, "pk", None) and u.is_active} for draft in drafts
    ]
    bell_only = _bell_only({pk for distinct in per_draft for pk, u in distinct.items() if u.email})
    for draft, distinct in zip(drafts, per_draft, strict=True):
        rows += [
            Notification(user=u, title=str(draft.title)[:200], body=str(draft.body), url=draft.url, rule=draft.rule)
            for u in distinct.values()
        ]
        recipients = sorted({u.email for u in distinct.values() if u.email and u.pk not in bell_only})
        if recipients:
            mails.append((str(draft.title), _with_link(str(draft.body), draft.url), recipients))
    rows = Notification.objects.bulk_create(rows)
    if mails:
        transaction.on_commit(lambda: _mail_all(mails))
    return rows


@contextmanager
def notification_language() -> Iterator[None]:
    """Write the texts of notifications in the site's language (Chinese first), whoever's request
    triggers them: they are stored, and read later by someone else."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


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


@transaction.atomic
def notification_preference_set(*, actor: Actor, email: bool) -> NotificationPreference:
    """The actor's own choice: bell only, or bell and e-mail. Audited."""
    if actor.pk is None:
        raise PermissionDenied()
    pref, _created = NotificationPreference.objects.select_for_update().get_or_create(user_id=actor.pk)
    if pref.email != email:
        before = pref.email
        pref.email = email
        pref.save(update_fields=["email", "updated_at"])
        event_record(subject=pref.user, action=events.PREFERENCE_CHANGED, actor=actor, data={"email": [before, email]})
    return pref


def job_finished_notify(sender: Any, job: Any, **kwargs: Any) -> None:
    """The owner of a background job (an import, a large export: core.jobs) is told it ended, with its page."""
    from django.urls import reverse

    from aftersales.core.models import JobState

    if job.state == JobState.DONE:
        title = _("Finished: %(job)s") % {"job": job.label}
    else:
        title = _("Failed: %(job)s") % {"job": job.label}
    with transaction.atomic():
        notify_users(users=[job.owner], title=title, url=reverse("web:job_detail", args=[job.pk]))
