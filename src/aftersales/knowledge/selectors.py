"""Reads of the knowledge base (T1), scoped to the actor; intake suggestions (S1)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from aftersales.core.access import Actor
from aftersales.core.errors import NotFound
from aftersales.installed_base.selectors import access_unit
from aftersales.knowledge.models import Article

MAX_ID = 2**63 - 1
# How many recent published articles one suggestion request scores in Python (ADR 0007): SQLite
# has no Chinese full-text index, and a few hundred short title + symptom texts score in ~1 ms.
SUGGESTION_CANDIDATES = 300
SUGGESTION_LIMIT_MAX = 20

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+(?:[-_./][a-z0-9]+)*")


def text_terms(text: str) -> set[str]:
    """The search terms of a text: the distinct bigrams of each run of Chinese characters and the
    ASCII words of two characters or more, lower case (alarm codes such as "e-21", "alm").

    Chinese is written without spaces, so two neighbouring characters are the smallest unit that
    still carries meaning (主轴异响 → 主轴, 轴异, 异响). Rule: T1.
    """
    text = (text or "").lower()
    terms: set[str] = set()
    for run in _CJK_RUN.findall(text):
        terms.update(run[i : i + 2] for i in range(len(run) - 1))
    terms.update(word for word in _ASCII_WORD.findall(text) if len(word) >= 2)
    return terms


def article_scope(actor: Actor) -> QuerySet[Article]:
    """Every article the actor may read. Each condition on its own line.

    Editors see drafts; other staff published articles only; portal users nothing.
    """
    if not actor.is_authenticated:
        return Article.objects.none()
    if actor.has_role("customer"):
        return Article.objects.none()
    if actor.has_perm("knowledge.change_article"):
        return Article.objects.all()
    if actor.has_perm("knowledge.view_article"):
        return Article.objects.filter(published=True)
    return Article.objects.none()


def access_article(actor: Actor, article_id: int, *, for_update: bool = False) -> Article:
    """One article by id. Rule: T1. Raises: NotFound (missing, draft for a reader, no right)."""
    if not isinstance(article_id, int) or not (1 <= article_id <= MAX_ID):
        raise NotFound()
    qs = article_scope(actor).select_related("product", "updated_by")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    article = qs.filter(pk=article_id).first()
    if article is None:
        raise NotFound()
    return article


def article_list(actor: Actor, *, q: str = "", kind: str = "", product_id: int | None = None) -> QuerySet[Article]:
    """Articles in scope, newest edit first, filtered by a text fragment, kind and product. Rule: T1.

    Raises: PermissionDenied (staff holding knowledge.view_article only).
    """
    actor.require_perm("knowledge.view_article")
    qs = article_scope(actor).select_related("product")
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(symptoms__icontains=q) | Q(body__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if product_id is not None:
        qs = qs.filter(Q(product_id=product_id) | Q(product__isnull=True))
    return qs.order_by("-updated_at", "-id")


@dataclass(frozen=True)
class Suggestion:
    article: Article
    score: int  # how many distinct terms of the fault text the article's title and symptoms hold
    matched: list[str]  # those terms, sorted
    product_match: bool  # the article is written for the caller's product


def article_suggestions(
    actor: Actor, *, fault: str, product_id: int | None = None, serial: str = "", limit: int = 5
) -> list[Suggestion]:
    """Knowledge-base answers for a fault description typed at intake, best first.

    Score = distinct Chinese bigrams and ASCII words of the fault found in title + symptoms. Only
    published articles; for a known product its own and the general ones (articles of that product
    first), for an unknown product every published article. One query reads at most
    SUGGESTION_CANDIDATES articles, the most recently edited (ADR 0007).
    `serial` names the unit instead of `product_id` (its product is used).
    Rule: T1, S1. Raises: PermissionDenied (staff holding knowledge.view_article only), NotFound
    (no unit with that serial in the actor's scope).
    """
    actor.require_perm("knowledge.view_article")  # before the unit lookup: no 404 hints to outsiders
    if serial:
        product_id = access_unit(actor, serial).product_id
    wanted = text_terms(fault[:4000])
    limit = max(1, min(limit, SUGGESTION_LIMIT_MAX))
    if not wanted:
        return []
    qs = Article.objects.filter(published=True)
    if product_id is not None:
        qs = qs.filter(Q(product_id=product_id) | Q(product__isnull=True))
    qs = qs.only("id", "kind", "title", "symptoms", "product_id", "updated_at").order_by("-updated_at", "-id")
    candidates = qs[:SUGGESTION_CANDIDATES]
    found: list[Suggestion] = []
    for article in candidates:
        matched = wanted & text_terms(f"{article.title}\n{article.symptoms}")
        if matched:
            product_match = product_id is not None and article.product_id == product_id
            found.append(Suggestion(article, len(matched), sorted(matched), product_match))
    # Stable sort: candidates arrive newest first, so equal scores keep the newest edit on top.
    found.sort(key=lambda s: (not s.product_match, -s.score))
    return found[:limit]
