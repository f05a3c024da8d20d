"""Django admin for knowledge-base articles: writes go through knowledge.services (versions, events)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from aftersales.accounts.selectors import actor_for
from aftersales.knowledge import services
from aftersales.knowledge.models import Article

FIELDS = ("kind", "product", "title", "symptoms", "body", "published")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "product", "version", "published", "updated_at", "updated_by")
    list_filter = ("kind", "published")
    list_select_related = ("product", "updated_by")
    search_fields = ("title", "symptoms")
    fields = (*FIELDS, "version")
    readonly_fields = ("version",)

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        actor = actor_for(request.user)
        values = {name: form.cleaned_data[name] for name in FIELDS}
        product = values.pop("product")
        values["product_id"] = product.pk if product else None
        if change:
            saved = services.article_update(actor=actor, article_id=obj.pk, data=values)
        else:
            saved = services.article_create(actor=actor, **values)
        obj.pk = saved.pk
        obj.version = saved.version

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
