"""The one NinjaAPI at /api/v1: auth, the UTF-8 renderer, one error handler, every app's router."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, SessionAuth

from aftersales.accounts.selectors import actor_for
from aftersales.accounts.services import api_token_authenticate
from aftersales.core.access import Actor
from aftersales.core.errors import DomainError
from aftersales.core.idempotency import idempotent_creations
from aftersales.core.versions import etag_view, if_match_operation, openapi_document_versions


class UTF8Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class Session(SessionAuth):
    """The logged-in browser session (pages call the API too); CSRF is checked on writes."""


class CachedSchemaAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document is built once per process and language (building it walks
    every operation and schema: about 1.7 s per call before). The routes never change while the
    process runs; the descriptions are translated, hence one document per active language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[tuple[str, str], OpenAPISchema] = {}

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (path_prefix, get_language() or "")
        if key not in self._schemas:
            document = super().get_openapi_schema(path_prefix=path_prefix)
            openapi_document_versions(document)
            self._schemas[key] = document
        return self._schemas[key]


api = CachedSchemaAPI(
    title="aftersales API",
    version="1",
    description="售后服务管理系统 JSON API. Authenticate with `Authorization: Bearer <token>` "
    "(POST /api/v1/auth/token) or a browser session.",
    renderer=UTF8Renderer(),
    auth=[BearerToken(), Session()],
    urls_namespace="api",
)
# Versions over HTTP (core/versions.py): If-Match on every write that takes a version, ETag on every
# record's answer — one mechanism for all endpoints.
api.add_decorator(if_match_operation, mode="operation")
api.add_decorator(etag_view, mode="view")


def api_actor(request: HttpRequest) -> Actor:
    return actor_for(request.auth)  # type: ignore[attr-defined]  # django-ninja's auth sets request.auth


def _error(request: HttpRequest, status: int, code: str, message: str, fields: Any = None) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "fields": fields or {}}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", []) if part not in ("body", "payload", "query", "path")]
        fields.setdefault(".".join(loc) or "body", []).append(str(error.get("msg", "")))
    return _error(request, 422, "validation_failed", _("The request data is invalid."), fields)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 401, "not_authenticated", _("Authentication is required."))


@api.exception_handler(AuthorizationError)
def on_forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, "permission_denied", _("You do not have permission to do this."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {400: "bad_request", 401: "not_authenticated", 403: "permission_denied", 404: "not_found"}
    return _error(request, exc.status_code, code.get(exc.status_code, "error"), str(exc))


def _mount() -> None:
    from aftersales.accounts.api import router as accounts_router
    from aftersales.approvals.api import router as approvals_router
    from aftersales.calendars.api import router as calendars_router
    from aftersales.callbacks.api import router as callbacks_router
    from aftersales.clocks.api import router as clocks_router
    from aftersales.complaints.api import router as complaints_router
    from aftersales.consultations.api import router as consultations_router
    from aftersales.customers.api import router as customers_router
    from aftersales.customers.visits_api import router as visits_router
    from aftersales.installed_base.api import router as installed_base_router
    from aftersales.knowledge.api import router as knowledge_router
    from aftersales.parts.api import router as parts_router
    from aftersales.parts.flow.api import router as parts_flow_router
    from aftersales.policies.api import router as policies_router
    from aftersales.reports.api import router as reports_router
    from aftersales.reports.report_api import router as period_reports_router
    from aftersales.returns.api import router as returns_router
    from aftersales.service.api import router as service_router
    from aftersales.surveys.api import router as surveys_router
    from aftersales.training.api import router as training_router

    routers = [
        accounts_router,
        customers_router,
        installed_base_router,
        policies_router,
        calendars_router,
        clocks_router,
        service_router,
        complaints_router,
        approvals_router,
        knowledge_router,
        returns_router,
        surveys_router,
        callbacks_router,
        reports_router,
        parts_router,
        parts_flow_router,
        consultations_router,
        training_router,
        period_reports_router,
        visits_router,
    ]
    for router in routers:
        api.add_router("", router)
    # Every authenticated POST that answers 201 (it creates something) honours Idempotency-Key.
    api.add_decorator(idempotent_creations, mode="view")


_mount()
