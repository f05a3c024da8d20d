"""Writes of the knowledge base (T1): articles are created and edited here, each edit a new version."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.access import Actor
from aftersales.core.errors import ValidationFailed, full_clean
from aftersales.core.events import event_record, snapshot
from aftersales.core.workflow import expect_version
from aftersales.installed_base.models import Product
from aftersales.knowledge import events
from aftersales.knowledge.errors import KnowledgeErrorCode
from aftersales.knowledge.models import Article
from aftersales.knowledge.selectors import access_article

EDITABLE_FIELDS = ("kind", "product_id", "title", "symptoms", "body", "published")
TEXT_FIELDS = list(EDITABLE_FIELDS)


def _clean_symptoms(text: str) -> str:
    """One phrase per line, trimmed, no blank lines."""
    return "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())


def _check_product(product_id: int | None) -> None:
    if product_id is not None and not Product.objects.filter(pk=product_id).exists():
        message = _("This product does not exist.")
        raise ValidationFailed(message, code=KnowledgeErrorCode.UNKNOWN_PRODUCT, fields={"product": [message]})


@transaction.atomic
def article_create(
    *,
    actor: Actor,
    kind: str,
    title: str,
    body: str,
    symptoms: str = "",
    product_id: int | None = None,
    published: bool = False,
) -> Article:
    """Write a new article (version 1) for one product or, with no product, for every product.

    Rule: T1. Raises: PermissionDenied, ValidationFailed(unknown_product, field errors).
    Events: article.created.
    """
    actor.require_perm("knowledge.add_article")
    _check_product(product_id)
    article = Article(
        kind=kind,
        product_id=product_id,
        title=(title or "").strip(),
        symptoms=_clean_symptoms(symptoms),
        body=(body or "").strip(),
        published=published,
        version=1,
        updated_by=actor.user,
    )
    full_clean(article, exclude=["updated_by"])
    article.save()
    event_record(
        subject=article,
        action=events.ARTICLE_CREATED,
        actor=actor,
        rule="T1",
        data={"version": 1, **snapshot(article, TEXT_FIELDS)},
    )
    return article


@transaction.atomic
def article_update(
    *, actor: Actor, article_id: int, data: Mapping[str, Any], expected_version: int | None = None
) -> Article:
    """Edit an article: the fields given in `data` (kind, product_id, title, symptoms, body,
    published) change, the version goes up by one and the replaced text is kept in the event.
    An edit that changes nothing writes nothing.

    Rule: T1. Raises: PermissionDenied, NotFound, Conflict(version_conflict), ValidationFailed.
    Events: article.updated.
    """
    actor.require_perm("knowledge.change_article")
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(fields={name: [_("This field cannot be changed.")] for name in sorted(unknown)})
    article = access_article(actor, article_id, for_update=True)
    expect_version(
        article,
        expected_version,
        _("Someone else edited this article meanwhile (now version %(version)s). Reload it and edit again."),
        code=KnowledgeErrorCode.VERSION_CONFLICT,
    )
    if "product_id" in data:
        _check_product(data["product_id"])
    before = snapshot(article, TEXT_FIELDS)
    for name, value in data.items():
        if name == "symptoms":
            value = _clean_symptoms(value)
        elif name in ("title", "body"):
            value = (value or "").strip()
        setattr(article, name, value)
    after = snapshot(article, TEXT_FIELDS)
    changed = [name for name in TEXT_FIELDS if before[name] != after[name]]
    if not changed:
        return article
    article.version += 1  # the row is locked: no lost update
    article.updated_by = actor.user
    full_clean(article, exclude=["updated_by"])
    article.save(update_fields=[*EDITABLE_FIELDS, "version", "updated_by", "updated_at"])
    event_record(
        subject=article,
        action=events.ARTICLE_UPDATED,
        actor=actor,
        rule="T1",
        data={
            "version": article.version,
            "changed": changed,
            "previous": {"version": article.version - 1, **before},
        },
    )
    return article
