"""`Idempotency-Key` for every API operation that creates something (one mechanism, docs/decisions/0013).

`idempotent` wraps a Ninja operation's `run`; aftersales/api.py adds `idempotent_creations` as an
API-wide view decorator, which applies it to every authenticated POST that answers 201. With the header:

- the key is reserved first (a row unique per user and key, committed before the operation runs),
  so a concurrent duplicate cannot create too: while the first is running it gets 409
  `idempotency_in_progress`;
- the answer (status and body) is stored with the key; the same key with the same method, path and
  body within the window (settings.AFTERSALES_IDEMPOTENCY_WINDOW, 24 h) gets that answer again with
  `Idempotent-Replayed: true`; the same key with anything else gets 422 `idempotency_key_reused`;
- a server error or an exception releases the key, so the retry runs the operation.

Without the header nothing changes. A process killed while the operation ran leaves the key
reserved: a retry gets 409 until the window ends rather than risk a second record.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as Stripe and the IETF draft take it

OPENAPI_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": "A unique key (1–255 visible ASCII characters) per intended creation. Sent again with "
    "the same body within 24 hours, it returns the first answer (header `Idempotent-Replayed: true`) "
    "instead of creating again; with another body: 422 `idempotency_key_reused`; while the first "
    "request is still running: 409 `idempotency_in_progress`.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
}


def window() -> dt.timedelta:
    return getattr(settings, "AFTERSALES_IDEMPOTENCY_WINDOW", dt.timedelta(hours=24))


def _error(status: int, code: str, message: str, fields: dict[str, list[str]] | None = None) -> HttpResponse:
    return JsonResponse(
        {"code": code, "message": message, "fields": fields or {}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _authenticated_user(operation: Any, request: HttpRequest) -> Any:
    """The user the operation's own authenticators find (None: the operation will answer 401)."""
    for callback in getattr(operation, "auth_callbacks", []):
        try:
            result = callback(request)
        except Exception:  # noqa: BLE001 — the operation itself reports it
            return None
        if result:
            return result
    return None


def _document(operation: Any) -> None:
    extra = dict(operation.openapi_extra or {})
    parameters = list(extra.get("parameters", []))
    if not any(p.get("name") == HEADER for p in parameters):
        parameters.append(OPENAPI_PARAMETER)
    extra["parameters"] = parameters
    operation.openapi_extra = extra


def _operation_of(run: Callable[..., HttpResponse]) -> Any:
    """The Ninja operation whose bound `run` this is, under any view decorators applied before ours
    (they keep it as `__wrapped__`, functools.wraps)."""
    while getattr(run, "__self__", None) is None and hasattr(run, "__wrapped__"):
        run = run.__wrapped__
    return getattr(run, "__self__", None)


def idempotent_creations(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`idempotent` for an operation that creates (an authenticated POST answering 201); others unchanged."""
    operation = _operation_of(run)
    creates = (
        operation is not None
        and "POST" in operation.methods
        and 201 in operation.response_models
        and operation.auth_param is not None
    )
    return idempotent(run) if creates else run


def _body_hash(request: HttpRequest) -> str:
    """SHA-256 of the body; of a multipart upload, of its fields and files read in chunks (its body may
    be larger than DATA_UPLOAD_MAX_MEMORY_SIZE and is never held in memory whole)."""
    if request.content_type != "multipart/form-data":
        return hashlib.sha256(request.body).hexdigest()
    digest = hashlib.sha256()
    for name, values in sorted(request.POST.lists()):
        digest.update(repr((name, values)).encode())
    for name, files in sorted(request.FILES.lists()):
        for upload in files:
            digest.update(repr((name, upload.name, upload.size)).encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def idempotent(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorate a Ninja operation's run with Idempotency-Key handling (see the module docstring)."""
    operation = _operation_of(run)
    if operation is not None:
        _document(operation)

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None:
            return run(request, *args, **kwargs)
        user = _authenticated_user(operation, request)
        if user is None or not getattr(user, "pk", None):
            return run(request, *args, **kwargs)
        if not _KEY.fullmatch(key):
            message = _("Give an Idempotency-Key of 1 to 255 visible ASCII characters.")
            return _error(422, "validation_failed", message, {HEADER: [message]})
        body_hash = _body_hash(request)
        reserved, found = _reserve(user, key, request.method or "POST", request.path, body_hash)
        if found is None:
            return _in_progress()
        if not reserved:
            return _answer_for(found, request.method or "POST", request.path, body_hash)
        try:
            response = run(request, *args, **kwargs)
        except BaseException:
            IdempotencyKey.objects.filter(pk=found.pk).delete()
            raise
        if response.status_code >= 500 or getattr(response, "streaming", False):
            IdempotencyKey.objects.filter(pk=found.pk).delete()
            return response
        IdempotencyKey.objects.filter(pk=found.pk).update(
            completed=True,
            status=response.status_code,
            content_type=response.get("Content-Type", "application/json")[:100],
            body=response.content.decode("utf-8", errors="replace"),
        )
        return response

    return wrapper


def _reserve(user: Any, key: str, method: str, path: str, body_hash: str) -> tuple[bool, IdempotencyKey | None]:
    """(True, the new row) when this request holds the key now; (False, the row found) otherwise;
    (False, None) when concurrent requests kept taking and releasing it."""
    fields = {"method": method, "path": path[:500], "body_hash": body_hash}
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return True, IdempotencyKey.objects.create(user=user, key=key, **fields)
        except IntegrityError:
            found = IdempotencyKey.objects.filter(user=user, key=key).first()
            if found is None:
                continue  # released meanwhile: reserve again
            if found.created_at < timezone.now() - window():
                IdempotencyKey.objects.filter(pk=found.pk, created_at=found.created_at).delete()
                continue
            return False, found
    return False, None


def _in_progress() -> HttpResponse:
    return _error(
        409,
        "idempotency_in_progress",
        _("A request with this Idempotency-Key is still being processed; try again shortly."),
    )


def _answer_for(found: IdempotencyKey, method: str, path: str, body_hash: str) -> HttpResponse:
    if (found.method, found.path, found.body_hash) != (method, path[:500], body_hash):
        message = _("This Idempotency-Key was already used for another request; use a new key.")
        return _error(422, "idempotency_key_reused", message, {HEADER: [message]})
    if not found.completed or found.status is None:
        return _in_progress()
    response = HttpResponse(found.body.encode("utf-8"), status=found.status, content_type=found.content_type)
    response[REPLAYED_HEADER] = "true"
    return response


def idempotency_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the keys older than the window (a periodic job). Returns how many went."""
    cutoff = (now or timezone.now()) - window()
    deleted, _detail = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
