"""Row locks of the service case (habit 7)."""

from __future__ import annotations

from django.db.models import QuerySet

from aftersales.service.models import ServiceRequest


def service_request_qs_for_update(qs: QuerySet[ServiceRequest]) -> QuerySet[ServiceRequest]:
    """`qs` locking the requests' own rows (not the nullable joined ones, which PostgreSQL refuses).

    Apply it to the final queryset: `qs & locked_qs` drops the lock (Query.combine does not carry
    select_for_update), which let two dispatchers both win on PostgreSQL.
    """
    return qs.select_for_update(of=("self",))
