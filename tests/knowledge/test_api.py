"""T1/S1 through the API: suggestions, read, create, edit; errors as {"code","message","fields"}."""

from __future__ import annotations

import pytest

from aftersales.core.models import Event
from aftersales.knowledge.models import Article

pytestmark = pytest.mark.django_db


def test_s1_suggestions_for_a_units_fault(api_as, articles, product) -> None:
    from tests.installed_base.factories import UnitFactory

    unit = UnitFactory(product=product)

    response = api_as("agent").get("knowledge/suggestions", fault="主轴异响，加工表面有振纹", serial=unit.serial)

    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body] == [articles["spindle"].pk, articles["spindle_general"].pk]
    assert body[0] == {
        "id": articles["spindle"].pk,
        "kind": "diagnosis",
        "title": "XK-714 主轴异响与振纹",
        "score": 7,
        "matched": sorted(["主轴", "轴异", "异响", "加工", "工表", "表面", "振纹"]),
        "product_match": True,
        "url": f"/knowledge/{articles['spindle'].pk}/",
    }


def test_s1_suggestions_by_product_and_none(api_as, articles, product) -> None:
    client = api_as("engineer")

    by_product = client.get("knowledge/suggestions", fault="主轴异响", product=str(product.pk)).json()
    nothing = client.get("knowledge/suggestions", fault="屏幕不亮").json()

    assert [row["id"] for row in by_product] == [articles["spindle"].pk, articles["spindle_general"].pk]
    assert nothing == []


def test_suggestions_input_is_checked(api_as, articles) -> None:
    client = api_as("agent")

    missing = client.get("knowledge/suggestions")
    unknown_unit = client.get("knowledge/suggestions", fault="主轴异响", serial="NO-SUCH")

    assert missing.status_code == 422
    assert set(missing.json()) == {"code", "message", "fields"}
    assert unknown_unit.status_code == 404


def test_customer_gets_403_and_reads_no_article(api_as, make_user, articles) -> None:
    from tests.installed_base.factories import CustomerFactory

    client = api_as(make_user("customer", customer_id=CustomerFactory().pk))

    assert client.get("knowledge/suggestions", fault="主轴异响").status_code == 403
    response = client.get(f"knowledge/articles/{articles['spindle'].pk}")
    assert response.status_code == 404
    assert "主轴" not in response.content.decode()


def test_t1_create_and_edit_through_the_api(api_as, product) -> None:
    client = api_as("rnd")

    created = client.post(
        "knowledge/articles",
        {
            "kind": "faq",
            "title": "开机报警 ALM 401",
            "body": "检查急停按钮。",
            "symptoms": "ALM 401",
            "product": product.pk,
        },
    )
    assert created.status_code == 201, created.content
    article = created.json()
    assert (article["version"], article["product"], article["product_model"], article["published"]) == (
        1,
        product.pk,
        "XK-714",
        False,
    )
    assert article["symptoms"] == ["ALM 401"]
    assert article["updated_by"] == "rnd"

    edited = client.patch(f"knowledge/articles/{article['id']}", {"published": True, "product": None, "version": 1})
    assert edited.status_code == 200, edited.content
    assert (edited.json()["version"], edited.json()["product"], edited.json()["published"]) == (2, None, True)

    stale = client.patch(f"knowledge/articles/{article['id']}", {"body": "另一个版本", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"
    assert Article.objects.get(pk=article["id"]).body == "检查急停按钮。"

    detail = api_as("agent").get(f"knowledge/articles/{article['id']}")
    assert detail.status_code == 200
    assert detail.json()["title"] == "开机报警 ALM 401"


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "faq", "title": "", "body": "x"},
        {"kind": "other", "title": "t", "body": "x"},
        {"kind": "faq", "title": "t", "body": "x", "extra": 1},
        {"kind": "faq", "title": "t", "body": "x", "published": "yes"},
        {"kind": "faq", "title": "t", "body": "x", "product": "1"},
        {"kind": "faq", "title": "t\x00", "body": "x"},
    ],
)
def test_create_rejects_invalid_input(api_as, body) -> None:
    client = api_as("trainer")
    before = (Article.objects.count(), Event.objects.count())

    response = client.post("knowledge/articles", body)

    assert response.status_code == 422
    assert set(response.json()) == {"code", "message", "fields"}
    assert (Article.objects.count(), Event.objects.count()) == before


def test_create_with_unknown_product_names_the_field(api_as) -> None:
    response = api_as("trainer").post(
        "knowledge/articles", {"kind": "faq", "title": "t", "body": "x", "product": 999999}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "unknown_product"
    assert list(response.json()["fields"]) == ["product"]
