"""Knowledge-base API (T1): suggestions for a fault text (S1 intake), read, write, edit articles.

Each endpoint parses its input, calls one selector or service, and renders. No `from __future__
import annotations`: Ninja reads the parameter annotations at import.
"""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from aftersales.accounts.schemas import ErrorOut
from aftersales.accounts.selectors import api_actor
from aftersales.knowledge import selectors, services
from aftersales.knowledge.schemas import ArticleCreateIn, ArticleOut, ArticleUpdateIn, SuggestionOut
from aftersales.knowledge.selectors import MAX_ID

router = Router(tags=["knowledge"])
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
ArticleId = Annotated[int, Path(ge=1, le=MAX_ID)]


_actor = api_actor  # the one helper (accounts.selectors)


@router.get("/knowledge/suggestions", response={200: list[SuggestionOut], **ERRORS}, url_name="knowledge_suggestions")
def knowledge_suggestions(
    request: HttpRequest,
    # 200 characters: matching needs the fault's opening words, and the longest percent-encoded query
    # (12 bytes per character) must fit in the server's request line (4094 bytes), else 414.
    fault: Annotated[str, Query(min_length=1, max_length=200)],
    serial: Annotated[str, Query(max_length=64)] = "",
    product: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=selectors.SUGGESTION_LIMIT_MAX)] = 5,
) -> Any:
    """T1/S1: published articles matching the fault, for the unit's product (`serial`) or `product`."""
    found = selectors.article_suggestions(
        _actor(request), fault=fault, product_id=product, serial=serial.strip(), limit=limit
    )
    return [SuggestionOut.from_suggestion(s) for s in found]


@router.get(
    "/knowledge/articles/{article_id}", response={200: ArticleOut, **ERRORS}, url_name="knowledge_article_detail"
)
def article_detail(request: HttpRequest, article_id: ArticleId) -> Any:
    return selectors.access_article(_actor(request), article_id)


@router.post("/knowledge/articles", response={201: ArticleOut, **ERRORS}, url_name="knowledge_article_create")
def article_create(request: HttpRequest, payload: ArticleCreateIn) -> Status[Any]:
    data = payload.model_dump()
    article = services.article_create(actor=_actor(request), product_id=data.pop("product"), **data)
    return Status(201, article)


@router.patch(
    "/knowledge/articles/{article_id}", response={200: ArticleOut, **ERRORS}, url_name="knowledge_article_update"
)
def article_update(request: HttpRequest, article_id: ArticleId, payload: ArticleUpdateIn) -> Any:
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version", None)
    if "product" in data:
        data["product_id"] = data.pop("product")
    return services.article_update(actor=_actor(request), article_id=article_id, data=data, expected_version=version)
