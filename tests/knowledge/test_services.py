"""T1: articles are written by the services; each edit is a new version with the old text in the event."""

from __future__ import annotations

import pytest

from aftersales.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.models import Event
from aftersales.knowledge.models import Article
from aftersales.knowledge.services import article_create, article_update

pytestmark = pytest.mark.django_db


def test_t1_create_records_version_one_with_an_event(author, product) -> None:
    article = article_create(
        actor=author,
        kind="manual",
        title=" 主轴润滑保养 ",
        body="每 500 小时更换润滑脂。",
        symptoms="主轴过热\n\n  润滑 \n",
        product_id=product.pk,
        published=True,
    )

    assert (article.version, article.title, article.symptoms, article.updated_by) == (
        1,
        "主轴润滑保养",
        "主轴过热\n润滑",
        author.user,
    )
    event = Event.objects.get(subject_type="knowledge.article", subject_id=str(article.pk))
    assert (event.action, event.rule, event.data["version"], event.data["product_id"]) == (
        "article.created",
        "T1",
        1,
        product.pk,
    )


def test_t1_update_increments_the_version_and_keeps_the_previous_text(articles, make_user, actor_of) -> None:
    lead = actor_of(make_user("team_lead"))
    article = articles["hydraulic"]

    updated = article_update(
        actor=lead,
        article_id=article.pk,
        data={"body": "先检查溢流阀设定压力。", "title": "液压站压力不足"},
        expected_version=1,
    )

    assert updated.version == 2
    assert Article.objects.get(pk=article.pk).body == "先检查溢流阀设定压力。"
    assert Article.objects.get(pk=article.pk).updated_by == lead.user
    event = Event.objects.filter(subject_type="knowledge.article", subject_id=str(article.pk)).latest("id")
    assert event.action == "article.updated"
    assert event.data["version"] == 2
    assert event.data["changed"] == ["title", "body"]
    assert event.data["previous"]["version"] == 1
    assert event.data["previous"]["body"] == "处理步骤见正文。"
    assert event.data["previous"]["title"] == "液压站压力不足怎么办"


def test_t1_an_edit_that_changes_nothing_writes_nothing(articles, author) -> None:
    article = articles["hydraulic"]
    before = Event.objects.count()

    same = article_update(actor=author, article_id=article.pk, data={"title": article.title})

    assert same.version == 1
    assert Event.objects.count() == before


def test_t1_stale_version_is_a_conflict_and_changes_nothing(articles, author) -> None:
    article = articles["hydraulic"]
    article_update(actor=author, article_id=article.pk, data={"body": "第二版"})
    before = Event.objects.count()

    with pytest.raises(Conflict) as exc:
        article_update(actor=author, article_id=article.pk, data={"body": "基于第一版的修改"}, expected_version=1)

    assert exc.value.code == "version_conflict"
    assert Article.objects.get(pk=article.pk).body == "第二版"
    assert Event.objects.count() == before


@pytest.mark.parametrize("role", ["agent", "engineer", "customer"])
def test_t1_only_editors_write(role, articles, make_user, actor_of) -> None:
    from tests.installed_base.factories import CustomerFactory

    extra = {"customer_id": CustomerFactory().pk} if role == "customer" else {}
    actor = actor_of(make_user(role, **extra))
    before = (Article.objects.count(), Event.objects.count())

    with pytest.raises(PermissionDenied):
        article_create(actor=actor, kind="faq", title="标题", body="正文")
    with pytest.raises(PermissionDenied):
        article_update(actor=actor, article_id=articles["hydraulic"].pk, data={"body": "改"})

    assert (Article.objects.count(), Event.objects.count()) == before
    assert Article.objects.get(pk=articles["hydraulic"].pk).version == 1


@pytest.mark.parametrize("role", ["cs_manager", "team_lead", "rnd", "trainer", "admin"])
def test_t1_editor_roles_may_write(role, make_user, actor_of) -> None:
    article = article_create(actor=actor_of(make_user(role)), kind="faq", title="如何开机", body="按绿色按钮。")

    assert article.pk


def test_t1_invalid_input_is_rejected(author, articles) -> None:
    with pytest.raises(ValidationFailed) as exc:
        article_create(actor=author, kind="faq", title="标题", body="正文", product_id=999_999)
    assert exc.value.code == "unknown_product"
    with pytest.raises(ValidationFailed) as exc:
        article_create(actor=author, kind="nonsense", title="标题", body="正文")
    assert "kind" in exc.value.fields
    with pytest.raises(ValidationFailed):
        article_update(actor=author, article_id=articles["hydraulic"].pk, data={"version": 9})
    with pytest.raises(NotFound):
        article_update(actor=author, article_id=999_999, data={"body": "x"})
