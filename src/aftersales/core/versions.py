"""Record versions over HTTP (issue 12, point 10): `ETag` on answers, `If-Match` on writes.

Every versioned record (a `version` field the services check as `expected_version`) travels with
its version. The API says it twice: in the body (`version`) and as a strong entity tag,
`ETag: "<version>"`, on every single-record answer (GET, and the answer of a write). A write may
send the version it acted on either in its body (`version`) or as `If-Match: "<version>"`; both
go to the service's version check under the row lock:

- stale `version` in the body → 409 `version_conflict`;
- stale `If-Match` → 412 Precondition Failed, with the same body (`version_conflict`, the stored
  version in `fields.version`);
- `If-Match: *` → no version check; a malformed tag, a weak tag (`W/"3"`: If-Match compares
  strongly, so a weak tag can never match), several tags, a body `version` that differs from
  `If-Match`, or `If-Match` on an operation that takes no version → 422 `validation_failed`;
- neither → no check: the last writer wins.

`api_version_decorators()` gives the two NinjaAPI decorators (one mechanism for every endpoint):
the operation-level one feeds `If-Match` into the parsed input's `version`, the view-level one
sets `ETag`. Nothing here is per endpoint.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _
from pydantic import BaseModel

from aftersales.core.errors import DomainError, ValidationFailed

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
VERSION_CONFLICT = "version_conflict"
IF_MATCH_FIELD = "If-Match"
_STRONG_TAG = re.compile(r'^"([1-9][0-9]{0,17})"$')
_REQUEST_FLAG = "_aftersales_if_match"


def etag_for(version: int) -> str:
    """The entity tag of a record's version: a strong tag, `"<version>"`."""
    return f'"{version}"'


def if_match_version(header: str) -> int | None:
    """The version an `If-Match` header names; None for `*` (any version).

    Raises: ValidationFailed (422) for anything but `*` or one strong tag of a version.
    """
    value = header.strip()
    if value == "*":
        return None
    match = _STRONG_TAG.match(value)
    if match is None:
        raise ValidationFailed(
            _('If-Match takes one version as the ETag gave it, e.g. "3" (with the quotes), or *.'),
            fields={IF_MATCH_FIELD: [_("Not a version tag: %(value)s") % {"value": value[:40]}]},
        )
    return int(match.group(1))


def _versioned_input(kwargs: dict[str, Any]) -> BaseModel | None:
    """The parsed input of an operation that takes a `version`, if it has one."""
    for value in kwargs.values():
        if isinstance(value, BaseModel) and "version" in type(value).model_fields:
            return value
    return None


def if_match_operation(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """NinjaAPI operation decorator (runs after input validation): a write's `If-Match` becomes its
    input's `version`; a stale one answers 412 instead of 409."""

    @functools.wraps(view_func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        header = request.headers.get(IF_MATCH_FIELD)
        if header is None or request.method not in WRITE_METHODS:
            return view_func(request, *args, **kwargs)
        version = if_match_version(header)
        payload = _versioned_input(kwargs)
        if payload is None:
            raise ValidationFailed(
                _("This operation does not check versions; send it without If-Match."),
                fields={IF_MATCH_FIELD: [_("This operation does not check versions.")]},
            )
        if version is None:  # If-Match: * — any version will do
            return view_func(request, *args, **kwargs)
        given = getattr(payload, "version", None)
        if given is not None and given != version:
            message = _("The version in the body (%(body)s) and If-Match (%(header)s) differ.") % {
                "body": given,
                "header": version,
            }
            raise ValidationFailed(message, fields={"version": [message], IF_MATCH_FIELD: [message]})
        payload.version = version  # type: ignore[attr-defined]  # checked above: the input has the field
        setattr(request, _REQUEST_FLAG, True)
        try:
            return view_func(request, *args, **kwargs)
        except DomainError as exc:
            if exc.code == VERSION_CONFLICT:
                exc.status = 412  # the precondition the client set failed; same body as the 409
            raise

    return wrapper


def _answer_version(response: HttpResponseBase) -> int | None:
    """The `version` of a single-record JSON answer (a top-level object with an integer version)."""
    if response.status_code not in (200, 201) or not response.get("Content-Type", "").startswith("application/json"):
        return None
    content = getattr(response, "content", b"")
    if not content.startswith(b"{") or b'"version"' not in content:
        return None
    try:
        body = json.loads(content)
    except ValueError:
        return None
    version = body.get("version") if isinstance(body, dict) else None
    return version if isinstance(version, int) and not isinstance(version, bool) else None


def etag_view(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """NinjaAPI view decorator (wraps the whole operation): `ETag: "<version>"` on a record's answer."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = run(request, *args, **kwargs)
        version = _answer_version(response)
        if version is not None:
            response["ETag"] = etag_for(version)
        return response

    return wrapper


def openapi_document_versions(document: dict[str, Any]) -> None:
    """Declare the mechanism in an OpenAPI document: `If-Match` (and its 412) on every write whose
    body takes a `version`, the `ETag` header on answers of records that carry one."""
    schemas = document.get("components", {}).get("schemas", {})

    def resolve(schema: dict[str, Any]) -> dict[str, Any]:
        ref = schema.get("$ref", "")
        return schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else schema

    etag_header = {
        "description": 'The record\'s version as a strong entity tag, "<version>" (send it back in If-Match).',
        "schema": {"type": "string"},
    }
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            for status, answer in operation.get("responses", {}).items():
                body = answer.get("content", {}).get("application/json", {}).get("schema", {})
                if str(status) in ("200", "201") and "version" in resolve(body).get("properties", {}):
                    answer.setdefault("headers", {})["ETag"] = etag_header
            if method.upper() not in WRITE_METHODS:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            if "version" not in resolve(body).get("properties", {}):
                continue
            operation.setdefault("parameters", []).append(
                {
                    "in": "header",
                    "name": IF_MATCH_FIELD,
                    "required": False,
                    "description": 'The version acted on, as the ETag gave it ("3"), instead of the body\'s '
                    "`version`; stale → 412 version_conflict. `*`: no check.",
                    "schema": {"type": "string"},
                }
            )
            responses = operation.get("responses", {})
            conflict = responses.get(409, responses.get("409"))  # Ninja keys the statuses by int
            if conflict is not None:
                responses[412] = {**conflict, "description": "Precondition Failed"}
