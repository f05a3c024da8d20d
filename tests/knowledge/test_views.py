"""T1 pages and the S1 intake panel: list, detail, create/edit, the suggestions fragment."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.knowledge.models import Article

pytestmark = pytest.mark.django_db

SUGGESTIONS = reverse("knowledge:suggestions")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_s1_intake_fragment_suggests_the_article_for_a_typed_fault(make_user, articles, product) -> None:
    from tests.installed_base.factories import UnitFactory

    unit = UnitFactory(product=product)
    client = _client(make_user("agent"))

    response = client.get(SUGGESTIONS, {"fault": "主轴异响", "unit": unit.serial}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="knowledge-suggestions"' in html
    assert html.index(articles["spindle"].get_absolute_url()) < html.index(
        articles["spindle_general"].get_absolute_url()
    )
    assert articles["hydraulic"].title not in html
    assert articles["draft"].title not in html


def test_s1_intake_fragment_is_empty_without_a_match(make_user, articles) -> None:
    client = _client(make_user("agent"))

    for params in [{"fault": "屏幕不亮"}, {"fault": ""}, {}, {"fault": "主轴异响", "unit": "NOT-REGISTERED"}]:
        response = client.get(SUGGESTIONS, params)
        assert response.status_code == 200
        if params.get("unit"):  # an unknown unit falls back to every product
            assert articles["spindle_general"].title in response.content.decode()
        else:
            assert response.content.decode().strip() == ""


def test_s1_intake_page_has_the_knowledge_panel(make_user) -> None:
    from tests.installed_base.factories import CustomerFactory

    customer = CustomerFactory()
    client = _client(make_user("agent"))

    html = client.get(reverse("service:request_create"), {"customer": customer.pk}).content.decode()

    assert 'id="knowledge-panel"' in html
    assert f'hx-get="{SUGGESTIONS}"' in html
    assert "input changed delay:400ms" in html


def test_customer_cannot_open_knowledge_pages(make_user, articles) -> None:
    from tests.installed_base.factories import CustomerFactory

    client = _client(make_user("customer", customer_id=CustomerFactory().pk))

    for url in [
        reverse("knowledge:article_list"),
        articles["spindle"].get_absolute_url(),
        SUGGESTIONS + "?fault=主轴异响",
        reverse("knowledge:article_create"),
    ]:
        assert client.get(url).status_code == 403, url


def test_t1_list_search_and_detail(make_user, articles) -> None:
    client = _client(make_user("engineer"))

    listed = client.get(reverse("knowledge:article_list"), {"q": "液压"}).content.decode()
    detail = client.get(articles["hydraulic"].get_absolute_url())
    draft = client.get(articles["draft"].get_absolute_url())

    assert articles["hydraulic"].title in listed
    assert articles["spindle"].title not in listed
    assert detail.status_code == 200
    assert "处理步骤见正文。" in detail.content.decode()
    assert 'id="article-edit"' not in detail.content.decode()
    assert draft.status_code == 404
    assert client.get(reverse("knowledge:article_create")).status_code == 403


def test_t1_create_and_edit_pages(make_user, articles, product) -> None:
    client = _client(make_user("cs_manager"))

    created = client.post(
        reverse("knowledge:article_create"),
        {
            "kind": "manual",
            "product": product.pk,
            "title": "月度保养",
            "symptoms": "保养",
            "body": "清洁导轨。",
            "published": "on",
        },
    )
    article = Article.objects.get(title="月度保养")
    assert created.status_code == 302
    assert created["Location"] == article.get_absolute_url()

    edit_url = reverse("knowledge:article_edit", args=[article.pk])
    assert client.get(edit_url).status_code == 200
    edited = client.post(edit_url, {"kind": "manual", "title": "月度保养", "body": "清洁并润滑导轨。", "version": 1})
    assert edited.status_code == 302
    article.refresh_from_db()
    assert (article.version, article.body, article.product_id, article.published) == (
        2,
        "清洁并润滑导轨。",
        None,
        False,
    )

    stale = client.post(edit_url, {"kind": "manual", "title": "月度保养", "body": "旧版修改", "version": 1})
    assert stale.status_code == 422
    article.refresh_from_db()
    assert article.body == "清洁并润滑导轨。"

    invalid = client.post(reverse("knowledge:article_create"), {"kind": "manual", "title": "", "body": ""})
    assert invalid.status_code == 422


def test_menu_shows_the_knowledge_base_to_staff_only(make_user) -> None:
    from tests.installed_base.factories import CustomerFactory

    staff = _client(make_user("agent")).get("/").content.decode()
    portal = _client(make_user("customer", customer_id=CustomerFactory().pk)).get("/portal/").content.decode()

    assert reverse("knowledge:article_list") in staff
    assert reverse("knowledge:article_list") not in portal
