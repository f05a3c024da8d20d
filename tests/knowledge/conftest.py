"""Knowledge-base test data: three articles about a milling machine's faults (T1)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def author(make_user: Any, actor_of: Any) -> Any:
    return actor_of(make_user("trainer", username="trainer1"))


@pytest.fixture
def product(db: Any) -> Any:
    from tests.installed_base.factories import ProductFactory

    return ProductFactory(model="XK-714", name="数控铣床")


@pytest.fixture
def other_product(db: Any) -> Any:
    from tests.installed_base.factories import ProductFactory

    return ProductFactory(model="CK6140", name="数控车床")


@pytest.fixture
def articles(author: Any, product: Any, other_product: Any) -> dict[str, Any]:
    """spindle (XK-714), spindle_general (every product), hydraulic (every product),
    lathe (CK6140 only), draft (unpublished, would match everything about the spindle)."""
    from aftersales.knowledge.services import article_create

    def make(**kwargs: Any) -> Any:
        return article_create(
            actor=author, **{"kind": "diagnosis", "body": "处理步骤见正文。", "published": True, **kwargs}
        )

    return {
        "spindle_general": make(title="主轴异响通用排查", symptoms="主轴异响\n主轴噪音"),
        "spindle": make(title="XK-714 主轴异响与振纹", symptoms="主轴异响\n加工表面振纹", product_id=product.pk),
        "hydraulic": make(kind="faq", title="液压站压力不足怎么办", symptoms="液压压力低\n夹具夹不紧"),
        "lathe": make(title="CK6140 报警 E-21 处理", symptoms="E-21\n刀架不转", product_id=other_product.pk),
        "draft": make(title="主轴异响振纹草稿", symptoms="主轴异响\n振纹", published=False),
    }
