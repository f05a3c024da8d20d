"""Row locks of the service case, always taken in primary-key order (habit 7)."""

from __future__ import annotations

from django.db.models import QuerySet

from aftersales.service.models import ServiceRequest


def service_request_qs_for_update() -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.select_for_update(of=("self",)).order_by("pk")
