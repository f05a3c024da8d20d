"""Knowledge-base pages (T1) and the intake suggestions fragment (S1): parse → one selector or service → render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.selectors import actor_for
from aftersales.core.access import Actor
from aftersales.core.errors import DomainError, NotFound
from aftersales.core.forms import form_errors_from
from aftersales.core.lists import Column, export_requested, list_page, sort_apply, xlsx_export
from aftersales.core.selectors import event_list_for
from aftersales.knowledge import selectors, services
from aftersales.knowledge.forms import ArticleForm, ArticleSearchForm

PAGE_SIZE = 25


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


def _article_id(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 19 else 0


ARTICLE_SORTS = {"title": "title", "kind": "kind", "version": "version", "updated": "updated_at"}
ARTICLE_COLUMNS = [
    Column(gettext_lazy("Title"), lambda a: a.title),
    Column(gettext_lazy("Kind"), lambda a: a.get_kind_display()),
    Column(gettext_lazy("Product"), lambda a: a.product.model if a.product else ""),
    Column(gettext_lazy("Version"), lambda a: a.version),
    Column(gettext_lazy("Published"), lambda a: a.published),
    Column(gettext_lazy("Updated"), lambda a: a.updated_at),
]


@login_required
@permission_required("knowledge.view_article", raise_exception=True)
def article_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = ArticleSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.article_list(actor, q=filters.get("q", ""), kind=filters.get("kind", ""))
    queryset, _sort = sort_apply(queryset, request.GET.get("sort"), ARTICLE_SORTS, default="-updated")
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="knowledge",
            title=_("Knowledge base"),
            columns=ARTICLE_COLUMNS,
            rows=queryset,
            filters=filters,
        )
    page = list_page(request, queryset, PAGE_SIZE)
    return render(
        request,
        "knowledge/article_list.html",
        {"form": form, "page_obj": page, "can_add": actor.has_perm("knowledge.add_article")},
    )


@login_required
@permission_required("knowledge.view_article", raise_exception=True)
def article_detail(request: HttpRequest, article_id: str) -> HttpResponse:
    actor = _actor(request)
    article = selectors.access_article(actor, _article_id(article_id))
    can_change = actor.has_perm("knowledge.change_article")
    return render(
        request,
        "knowledge/article_detail.html",
        {"article": article, "can_change": can_change, "events": event_list_for(article) if can_change else []},
    )


def _save(request: HttpRequest, form: ArticleForm, article_id: int | None) -> HttpResponse | None:
    """Call the service; on success redirect, on a domain error put it on the form and return None."""
    actor = _actor(request)
    try:
        if article_id is None:
            article = services.article_create(actor=actor, **form.service_values())
            messages.success(request, _("Article saved."))
        else:
            article = services.article_update(
                actor=actor,
                article_id=article_id,
                data=form.service_values(),
                expected_version=form.cleaned_data.get("version"),
            )
            messages.success(request, _("Article saved as version %(version)s.") % {"version": article.version})
    except DomainError as exc:
        form_errors_from(form, exc, aliases={"product_id": "product"})
        return None
    return redirect(article.get_absolute_url())


@login_required
@permission_required("knowledge.add_article", raise_exception=True)
def article_create(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST or None, initial={"published": True})
    if request.method == "POST" and form.is_valid() and (response := _save(request, form, None)):
        return response
    status = 422 if request.method == "POST" else 200
    return render(request, "knowledge/article_form.html", {"form": form, "title": _("New article")}, status=status)


@login_required
@permission_required("knowledge.change_article", raise_exception=True)
def article_edit(request: HttpRequest, article_id: str) -> HttpResponse:
    article = selectors.access_article(_actor(request), _article_id(article_id))
    initial: dict[str, Any] = {
        "kind": article.kind,
        "product": article.product_id,
        "title": article.title,
        "symptoms": article.symptoms,
        "body": article.body,
        "published": article.published,
        "version": article.version,
    }
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and (response := _save(request, form, article.pk)):
        return response
    status = 422 if request.method == "POST" else 200
    title = _("Edit “%(title)s” (version %(version)s)") % {"title": article.title, "version": article.version}
    return render(
        request, "knowledge/article_form.html", {"form": form, "title": title, "article": article}, status=status
    )


@login_required
@permission_required("knowledge.view_article", raise_exception=True)
def suggestions(request: HttpRequest) -> HttpResponse:
    """S1 intake panel (htmx): the top articles for the fault typed so far; empty when none match.

    `unit` is the serial chosen on the intake form; an unknown one falls back to every product.
    """
    actor = _actor(request)
    fault = request.GET.get("fault", "")[:4000]
    serial = request.GET.get("unit", "").strip()[:64]
    try:
        found = selectors.article_suggestions(actor, fault=fault, serial=serial)
    except NotFound:
        found = selectors.article_suggestions(actor, fault=fault)
    return render(request, "knowledge/_suggestions.html", {"suggestions": found})
