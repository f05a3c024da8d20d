"""The bench floor: the least a write request through this server can cost.

Mounted only when the bench starts the server with AFTERSALES_BENCH_FLOOR=on (see urls.py). One
ORM insert of a small row (a core.Counter keyed "bench-floor" and a random period) in a
transaction, answered with JSON. The bench divides intake's rate by this one's, measured on the
same server in the same run (bench.chain).
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from aftersales.core.models import Counter

FLOOR_KEY = "bench-floor"


@csrf_exempt
@require_POST
def floor(request: HttpRequest) -> JsonResponse:
    with transaction.atomic():
        row = Counter.objects.create(key=FLOOR_KEY, period=secrets.token_hex(8), value=1)
    return JsonResponse({"id": row.pk}, status=201)
