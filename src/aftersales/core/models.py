"""BaseModel, the append-only hash-chained Event log (X3) and per-period counters."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

# {field: {language: {value: label}}}: the translated labels of a field's choices, made once per language.
_CHOICE_LABELS: dict[models.Field[Any, Any], dict[str | None, dict[Any, Any]]] = {}


def choice_labels(field: models.Field[Any, Any]) -> dict[Any, Any]:
    """{value: translated label} of a field's choices in the active language, made once per language
    (Django's get_FOO_display translates and hashes every choice on every call)."""
    by_language = _CHOICE_LABELS.setdefault(field, {})
    language = get_language()
    labels = by_language.get(language)
    if labels is None:
        labels = {make_hashable(k): force_str(v, strings_only=True) for k, v in field.flatchoices}
        by_language[language] = labels
    return labels


class BaseModel(models.Model):
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: models.Field[Any, Any]) -> Any:  # noqa: N802  # Django's name
        """get_FOO_display as Django's (same labels, same fallback), from choice_labels: a board page
        called it ~60 times, each translating every choice of the field (a quarter of its CPU)."""
        value = getattr(self, field.attname)
        try:
            return choice_labels(field).get(make_hashable(value), force_str(value, strings_only=True))
        except TypeError:  # an unhashable value Django would also show as itself
            return force_str(value, strings_only=True)


class EventQuerySet(models.QuerySet["Event"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Events are append-only")


class Event(models.Model):
    """One business action: who, when, on what, what changed (old → new), under which rule.

    Events keep ids only (actor, subject type + id); the names pages show are resolved when read
    (core.selectors), so renaming a user or a record never touches the chain. Each chained event
    stores its position (`seq`), the hash of the previous one and an HMAC-SHA256, keyed from outside
    the database (AFTERSALES_AUDIT_KEY), over every other column; the head row holds the last hash and
    count under its own HMAC. So any edit, removal (newest ones included) or recomputed chain
    fails `aftersales audit verify`. Written only by core.events; chained inside the writing
    transaction or right after its commit (docs/decisions/0009): `seq` is NULL until then.
    """

    occurred_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_type = models.CharField(_("subject type"), max_length=64)
    subject_id = models.CharField(_("subject"), max_length=64)
    action = models.CharField(_("action"), max_length=64)
    rule = models.CharField(_("rule"), max_length=32, blank=True)
    policy_version = models.PositiveIntegerField(_("policy version"), null=True, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    # The position in the chain (1, 2, …), NULL while the event waits to be chained. Chain order is
    # chaining order, not id order: ids commit out of order on PostgreSQL.
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    # Not unique, not indexed: the chain (prev_hash → hash, checked by chain_verify) is the
    # integrity check, and an index on random hex made every insert dirty a random page —
    # ~700 of the ~900 pages a 1,000-clock sweep wrote (docs/decisions/0003).
    hash = models.CharField(max_length=64, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "id"], name="event_subject_idx"),
            # The events waiting to be chained: a handful at most, found without reading the log.
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="event_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.subject_type}#{self.subject_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("Events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Events are append-only")


GENESIS_HASH = "0" * 64  # the "previous hash" of the first event


class EventChainHead(models.Model):
    """The single row at the end of the chain: last hash, count, and an HMAC over both (`mac`), so
    removing the newest events is detected even when the head is edited to match. Locked only
    by the short transaction that chains events (core.events), never for a business transaction."""

    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    count = models.BigIntegerField(default=0)
    mac = models.CharField(max_length=64, blank=True)


class Counter(models.Model):
    """Per-key, per-period sequence for business numbers (K1): unique and gapless."""

    key = models.CharField(max_length=32)
    period = models.CharField(max_length=16)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "period"], name="counter_key_period_uniq")]

    def __str__(self) -> str:
        return f"{self.key}/{self.period}={self.value}"


class IdempotencyKey(models.Model):
    """One `Idempotency-Key` a user sent with a creating POST, and the first answer to it.

    The row is reserved (unique per user and key) before the operation runs, so a concurrent
    duplicate finds it and does not create again; the answer is stored when the operation ends.
    Written only by core.idempotency.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    body_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    completed = models.BooleanField(default=False)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_user_key")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


class FormSubmission(models.Model):
    """A one-time form token a page form was submitted with (core.formtokens), and where it led."""

    token = models.CharField(max_length=64, unique=True)
    path = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    completed = models.BooleanField(default=False)
    redirect_to = models.CharField(max_length=1000, blank=True)

    def __str__(self) -> str:
        return self.token


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Job(BaseModel):
    """One background job a user started (an import, a large export): its progress and result.

    Written only by core.jobs: the state moves through core.workflow.transition (queued → running
    → done | failed); progress (`done` of `total`, `stage`) is updated in short statements while it
    runs. Files (the uploaded workbook, the result, the error report) are kept in Django's default
    storage under jobs/<id>/. Only the owner (or an administrator) sees it.
    """

    kind = models.CharField(_("kind"), max_length=64)
    label = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("background job", "owner"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    params = models.JSONField(default=dict, blank=True)
    query = models.BinaryField(null=True, blank=True)  # an export's pickled query (core.lists)
    input_name = models.CharField(max_length=300, blank=True)  # storage names
    result_name = models.CharField(max_length=300, blank=True)
    report_name = models.CharField(max_length=300, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    stage = models.CharField(max_length=32, blank=True)
    result = models.JSONField(default=dict, blank=True)  # counts shown on the result page
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "-created_at"], name="core_job_owner_created")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
