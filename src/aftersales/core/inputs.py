"""Input the database cannot store, refused in one place before any view runs.

PostgreSQL refuses a NUL character in text (and in JSON) and a UTC offset beyond ±15:59, and it
does so with a server error deep inside a query; SQLite stores both. So every request is checked
here, the same way on both databases: every path parameter, query parameter and (for the API) every
string and key of the JSON body, and every value written as an ISO 8601 date-time with an offset.
Real offsets lie between UTC−12:00 and UTC+14:00; anything beyond is refused (docs/decisions/0013).

`InputGuardMiddleware` also answers, under /api/ only, a bad Host header (400 `bad_host`) and a
body over DATA_UPLOAD_MAX_MEMORY_SIZE (413 `payload_too_large`) in the API's error shape instead
of Django's HTML 400; pages keep Django's answers. A multipart upload (photos, videos) is not read
whole: its files stream to disk and the service checks their size (docs/decisions/0024).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationFailed

API_PREFIX = "/api/"

# Real UTC offsets: Baker Island (−12:00) to Kiribati's Line Islands (+14:00).
OFFSET_MIN = dt.timedelta(hours=-12)
OFFSET_MAX = dt.timedelta(hours=14)

# A whole value written as an ISO 8601 date-time with an offset ("…T10:00:00+08:00"); a "+" sent
# unencoded in a query string arrives as a space, which calendars.schemas.parse_instant accepts.
_DATETIME_WITH_OFFSET = re.compile(
    r"\s*(?P<local>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)"
    r"(?P<sign>[+\- ])(?P<hours>\d{2}):?(?P<minutes>\d{2})(?::?(?P<seconds>\d{2}(?:\.\d+)?))?\s*"
)


def nul_message() -> str:
    return _("The text contains a NUL character (\\0), which cannot be stored.")


def offset_message() -> str:
    return _("The UTC offset must lie between -12:00 and +14:00.")


def value_problem(value: str) -> str | None:
    """Why a text value cannot be taken (a translated message), or None when it can."""
    if "\x00" in value:
        return nul_message()
    match = _DATETIME_WITH_OFFSET.fullmatch(value)
    if match is None:
        return None
    hours, minutes = int(match["hours"]), int(match["minutes"])
    seconds = float(match["seconds"] or 0)
    offset = dt.timedelta(hours=hours, minutes=minutes, seconds=seconds)
    if match["sign"] == "-":
        offset = -offset
    if minutes >= 60 or seconds >= 60 or not OFFSET_MIN <= offset <= OFFSET_MAX:
        return offset_message()
    try:
        local = dt.datetime.fromisoformat(match["local"].replace(" ", "T").replace(",", "."))
    except ValueError:
        return None  # not a date at all: the schema's own validation names it
    try:  # the same instant in UTC must exist too (year 1 at +14:00 does not)
        local - offset  # noqa: B018
    except OverflowError:
        return _("The date and time lie outside the years 1 to 9999 in UTC.")
    return None


def _walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        problem = value_problem(value)
        if problem:
            yield path or "body", problem
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                yield (path or "body"), nul_message()
            else:
                yield from _walk(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}.{index}" if path else str(index))


def json_problems(data: Any) -> dict[str, list[str]]:
    """Every string (and key) of a decoded JSON document that cannot be taken, by dotted field name."""
    fields: dict[str, list[str]] = {}
    for name, problem in _walk(data, ""):
        fields.setdefault(name, []).append(problem)
    return fields


def request_problems(request: HttpRequest, *, body: bool) -> dict[str, list[str]]:
    """Problems in the path parameters, the query string and (with `body`) a JSON body, by field."""
    fields: dict[str, list[str]] = {}
    for name, problem in _path_problems(request):
        fields.setdefault(name, []).append(problem)
    for name, values in request.GET.lists():
        for value in [name, *values]:
            found = value_problem(value)
            if found:
                fields.setdefault(name.replace("\x00", "") or "query", []).append(found)
                break
    if body and request.content_type == "application/json" and request.body:
        try:
            data = json.loads(request.body)
        except ValueError:
            data = None  # not JSON: the API's own parsing answers
        for name, problems in json_problems(data).items():
            fields.setdefault(name, []).extend(problems)
    return fields


def _path_problems(request: HttpRequest) -> Iterator[tuple[str, str]]:
    path = request.path_info
    if "\x00" not in path and not any(value_problem(part) for part in path.split("/")):
        return
    try:
        kwargs = resolve(path).kwargs
    except Resolver404:
        kwargs = {}
    named = False
    for name, value in kwargs.items():
        problem = value_problem(str(value))
        if problem:
            named = True
            yield name, problem
    if not named:
        yield "path", value_problem(path) or nul_message()


class InputGuardMiddleware:
    """Refuses input the database cannot store before any view runs (see the module docstring).

    First in MIDDLEWARE, so that under /api/ a bad Host or an oversized body is answered here, in
    the API's error shape, before another middleware meets it. Pages are checked in process_view,
    once the session, the user and the language are known, and answered with the error page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            language = translation.get_language_from_request(request)
            with translation.override(language):
                refused = self._api_refusal(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _api_refusal(self, request: HttpRequest) -> HttpResponse | None:
        try:
            request.get_host()
        except DisallowedHost:
            return _api_error(400, "bad_host", _("This host name is not served here."))
        try:
            # read now, so an oversized body is answered here; a multipart upload is not read whole (its
            # files stream to disk): Django's parser limits its non-file fields, the service its files
            if request.content_type != "multipart/form-data":
                request.body  # noqa: B018
        except RequestDataTooBig:
            return _api_error(413, "payload_too_large", _("The request body is too large."))
        fields = request_problems(request, body=True)
        if fields:
            return _api_error(422, "validation_failed", _("The request data is invalid."), fields)
        return None

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if request.path_info.startswith(API_PREFIX):
            return None
        fields = request_problems(request, body=False)
        if not fields:
            return None
        first = next(iter(fields.values()))[0]
        error = ValidationFailed(first, fields=fields)
        return render(request, "web/error.html", {"error": error}, status=error.status)


def _api_error(status: int, code: str, message: str, fields: dict[str, list[str]] | None = None) -> HttpResponse:
    return JsonResponse(
        {"code": code, "message": message, "fields": fields or {}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
