"""S7: rank engineers for a request (pure: no queries).

Score (lower is better): 0 when the engineer works from the request's service point, 100 when
they work from another point in the same region, 200 otherwise; plus 10 per open job; plus the
certification weight (policy S7.certified_weight) when the engineer holds no valid certificate for the
product line of the request's unit while another candidate does (T2). Engineers carry `certified_lines` and `certified_weight`
(service.selectors.engineer_candidates); without them the factor is 0.
"""

from __future__ import annotations

import heapq
from typing import Any


def request_product_line(request: Any) -> str:
    """The product line (the product's category) of the request's unit; "" when unknown."""
    unit = getattr(request, "unit", None)
    product = getattr(unit, "product", None) if unit is not None else None
    return str(getattr(product, "category", "") or "")


def ranking_place(request: Any) -> tuple[Any, ...]:
    """What the ranking of a request depends on besides the engineers: (service point, region) ids
    and the product line. Requests with the same place get the same ranking (the board ranks once per place)."""
    line = request_product_line(request)
    point = request.service_point
    if point is not None:
        return (point.pk, point.region_id, line)
    return (None, getattr(request.customer, "region_id", None), line)


def ranking_key(request: Any, held_lines: set[str] | frozenset[str]) -> tuple[Any, ...]:
    """ranking_place with the product line kept only when some engineer holds a certificate for it
    (`held_lines`): otherwise the line moves no score, and requests of one service point share a
    ranking (the board ranked once per point and line: nearly once per row)."""
    point_id, region_id, line = ranking_place(request)
    return (point_id, region_id, line if line in held_lines else "")


def rank_engineers(request: Any, engineers: list[Any], *, limit: int | None = None) -> list[dict[str, Any]]:
    """Every engineer scored for the request, best first; `limit`: only the first `limit` rows are
    built (the board draws eight options per row: 120 row dicts a request were most of its ranking)."""
    point_id, region_id, line = ranking_place(request)
    # T2: the certificate counts only when some candidate holds one for the line (else every score would
    # shift alike and explain nothing)
    any_certified = bool(line) and any(line in getattr(user, "certified_lines", ()) for user in engineers)
    keyed = []
    for index, user in enumerate(engineers):
        user_point_id = user.service_point_id
        if point_id is not None and user_point_id == point_id:
            place = 0
        elif user_point_id is not None and user.service_point.region_id == region_id:
            place = 100
        else:
            place = 200
        load = int(getattr(user, "open_jobs", 0))
        certified = bool(line) and line in getattr(user, "certified_lines", ())
        uncertified_points = int(getattr(user, "certified_weight", 0)) if any_certified and not certified else 0
        keyed.append((place + 10 * load + uncertified_points, user.username, index, place, load, certified))
    # (score, username) is unique: the order is total, the same with or without `limit`
    chosen = sorted(keyed) if limit is None else heapq.nsmallest(limit, keyed)
    return [
        {
            "user": engineers[index],
            "open_jobs": load,
            "same_point": place == 0,
            "same_region": place <= 100,
            "certified": certified,
            "product_line": line,
            "score": score,
        }
        for score, _username, index, place, load, certified in chosen
    ]


def best_engineer(ranked: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The engineer to preselect: the first of `ranked` when clearly best (a lower score than the
    second, or the only one); None on a tie, so the dispatcher chooses."""
    if not ranked:
        return None
    if len(ranked) > 1 and ranked[1]["score"] <= ranked[0]["score"]:
        return None
    return ranked[0]
