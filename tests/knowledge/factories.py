"""Knowledge-base factories (T1). Rows made directly, without events: for reads only."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from aftersales.accounts.models import User
from aftersales.knowledge.models import Article


class ArticleFactory(DjangoModelFactory):
    class Meta:
        model = Article

    kind = "diagnosis"
    product = None
    title = factory.Sequence(lambda n: f"故障诊断指南 {n}")
    symptoms = ""
    body = "检查步骤：1. 断电；2. 检查接线。"
    version = 1
    published = True
    updated_by = factory.LazyFunction(lambda: User.objects.order_by("pk").first())
