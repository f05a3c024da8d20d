"""T1/S1: knowledge-base suggestions for a fault typed at intake, and who may read articles."""

from __future__ import annotations

from typing import Any

import pytest

from aftersales.core.errors import NotFound, PermissionDenied
from aftersales.knowledge.selectors import (
    SUGGESTION_CANDIDATES,
    access_article,
    article_list,
    article_suggestions,
    text_terms,
)
from tests.knowledge.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_t1_terms_are_chinese_bigrams_and_ascii_words() -> None:
    assert text_terms("主轴异响，报警 ALM 401 / E-21 x") == {"主轴", "轴异", "异响", "报警", "alm", "401", "e-21"}
    assert text_terms("") == set()
    assert text_terms("响") == set()


def test_t1_chinese_fault_text_finds_the_right_article(articles, make_user, actor_of) -> None:
    agent = actor_of(make_user("agent"))

    found = article_suggestions(agent, fault="客户说液压站压力不足，夹具夹不紧", product_id=None)

    assert [s.article.pk for s in found] == [articles["hydraulic"].pk]
    assert set(found[0].matched) == {"液压", "压站", "站压", "压力", "力不", "不足", "夹具", "具夹", "夹不", "不紧"}
    assert found[0].score == 10


def test_t1_product_specific_article_ranks_first(articles, product, make_user, actor_of) -> None:
    agent = actor_of(make_user("agent"))

    found = article_suggestions(agent, fault="主轴异响", product_id=product.pk)

    assert [s.article.pk for s in found] == [articles["spindle"].pk, articles["spindle_general"].pk]
    assert [s.product_match for s in found] == [True, False]
    assert found[0].matched == ["主轴", "异响", "轴异"]


def test_t1_other_products_articles_are_not_suggested_for_a_known_product(articles, product, make_user, actor_of):
    agent = actor_of(make_user("agent"))

    assert article_suggestions(agent, fault="报警 E-21", product_id=product.pk) == []
    found = article_suggestions(agent, fault="报警 e-21", product_id=None)  # unknown product: every article
    assert [s.article.pk for s in found] == [articles["lathe"].pk]
    assert found[0].matched == ["e-21", "报警"]


def test_t1_unpublished_articles_are_never_suggested_even_to_editors(articles, author) -> None:
    found = article_suggestions(author, fault="主轴异响振纹", product_id=None)

    assert articles["draft"].pk not in {s.article.pk for s in found}
    assert {s.article.pk for s in found} == {articles["spindle"].pk, articles["spindle_general"].pk}


def test_t1_no_match_and_empty_text_suggest_nothing(articles, make_user, actor_of) -> None:
    agent = actor_of(make_user("agent"))

    assert article_suggestions(agent, fault="屏幕", product_id=None) == []
    assert article_suggestions(agent, fault="   ", product_id=None) == []


def test_t1_limit_caps_the_suggestions(articles, make_user, actor_of) -> None:
    agent = actor_of(make_user("agent"))

    assert len(article_suggestions(agent, fault="主轴异响", product_id=None, limit=1)) == 1


def test_t1_suggestions_by_serial_use_the_units_product(articles, product, make_user, actor_of) -> None:
    from tests.installed_base.factories import UnitFactory

    unit = UnitFactory(product=product)
    agent = actor_of(make_user("agent"))

    found = article_suggestions(agent, fault="主轴异响", serial=unit.serial)

    assert found[0].article.pk == articles["spindle"].pk
    with pytest.raises(NotFound):
        article_suggestions(agent, fault="主轴异响", serial="NO-SUCH-SERIAL")


def test_t1_only_the_newest_candidates_are_scored(make_user, actor_of) -> None:
    """ADR 0007: one query reads at most SUGGESTION_CANDIDATES articles, the most recently edited."""
    agent = actor_of(make_user("agent"))
    oldest = ArticleFactory(title="冷却泵不出水")
    ArticleFactory.create_batch(SUGGESTION_CANDIDATES, title="其他问题")

    assert article_suggestions(agent, fault="冷却泵不出水", product_id=None) == []
    assert oldest.pk  # still found by the list search
    assert list(article_list(agent, q="冷却泵")) == [oldest]


def test_t1_customer_may_not_read_the_knowledge_base(articles, make_user, actor_of) -> None:
    from tests.installed_base.factories import CustomerFactory

    customer = actor_of(make_user("customer", customer_id=CustomerFactory().pk))

    with pytest.raises(PermissionDenied):
        article_suggestions(customer, fault="主轴异响", product_id=None)
    with pytest.raises(PermissionDenied):
        article_list(customer)
    with pytest.raises(NotFound):
        access_article(customer, articles["spindle"].pk)


def test_t1_drafts_are_visible_to_editors_only(articles, author, make_user, actor_of) -> None:
    agent = actor_of(make_user("agent"))

    assert access_article(author, articles["draft"].pk) == articles["draft"]
    with pytest.raises(NotFound):
        access_article(agent, articles["draft"].pk)
    assert articles["draft"] not in list(article_list(agent))
    assert list(article_list(agent, q="液压")) == [articles["hydraulic"]]
    assert list(article_list(agent, kind="faq")) == [articles["hydraulic"]]


def test_t1_access_article_rejects_bad_ids(author: Any) -> None:
    for bad in [0, -1, 2**63]:
        with pytest.raises(NotFound):
            access_article(author, bad)
