"""Accounts API: obtain a token with username + password, list/create/revoke own tokens, whoami."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from aftersales.accounts import selectors, services
from aftersales.accounts.lockout import signin_succeeded
from aftersales.accounts.schemas import (
    ErrorOut,
    MeOut,
    TokenCreateIn,
    TokenObtainIn,
    TokenObtainOut,
    TokenOut,
)
from aftersales.core.access import Actor
from aftersales.core.errors import DomainError

router = Router(tags=["accounts"])
ERRORS = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}


class InvalidCredentials(DomainError):
    status = 401
    default_code = "invalid_credentials"


def _actor(request: HttpRequest) -> Actor:
    return selectors.actor_for(request.auth)  # type: ignore[attr-defined]  # django-ninja's auth sets request.auth


@router.post("/auth/token", auth=None, response={201: TokenObtainOut, **ERRORS, 429: ErrorOut}, url_name="auth_token")
def auth_token(request: HttpRequest, payload: TokenObtainIn) -> Status:
    """A token for username + password. Too many wrong passwords for a username lock it for a while:
    429 `too_many_attempts` with Retry-After (accounts.lockout); the token expires after X4.token_days."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise InvalidCredentials(_("The username or password is wrong."))
    signin_succeeded(payload.username)
    _token, clear = services.api_token_create(actor=selectors.actor_for(user), name=payload.name)
    return Status(201, {"token": clear, "prefix": clear[:10]})


@router.get("/auth/me", response={200: MeOut, **ERRORS}, url_name="auth_me")
def auth_me(request: HttpRequest) -> dict[str, object]:
    actor = _actor(request)
    user = actor.user
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "roles": sorted(actor.roles),
        "customer": user.customer_id,
    }


@router.get("/auth/tokens", response={200: list[TokenOut], **ERRORS}, url_name="token_list")
def token_list(request: HttpRequest) -> object:
    return list(selectors.api_token_list(actor=_actor(request)))


@router.post("/auth/tokens", response={201: TokenObtainOut, **ERRORS}, url_name="token_create")
def token_create(request: HttpRequest, payload: TokenCreateIn) -> Status:
    _token, clear = services.api_token_create(actor=_actor(request), name=payload.name)
    return Status(201, {"token": clear, "prefix": clear[:10]})


@router.delete("/auth/tokens/{token_id}", response={200: TokenOut, **ERRORS}, url_name="token_revoke")
def token_revoke(request: HttpRequest, token_id: int) -> object:
    return services.api_token_revoke(actor=_actor(request), token_id=token_id)
