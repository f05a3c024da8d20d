"""Login/logout pages (Django's own views), the personal API token page, one's own password, and
the user administration (list, Excel export, a user's page: roles, activation, password reset)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts import selectors, services
from aftersales.accounts.choices import Role
from aftersales.accounts.forms import (
    PasswordChangeForm,
    PasswordResetForm,
    RoleForm,
    TokenCreateForm,
    UserCreateForm,
    UserFilterForm,
)
from aftersales.core.access import Actor
from aftersales.core.errors import DomainError, NotFound
from aftersales.core.errors import PermissionDenied as DomainPermissionDenied
from aftersales.core.forms import form_errors_from
from aftersales.core.imports import xlsx_bytes
from aftersales.core.selectors import event_list_for
from aftersales.customers.selectors import customer_id_for_code

LIST_PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    actor = selectors.actor_for(request.user)
    form = TokenCreateForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.api_token_create(actor=actor, name=form.cleaned_data["name"])
        except DomainError as exc:
            form.add_error("name", str(exc.message))
        else:
            form = TokenCreateForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": selectors.api_token_list(actor=actor), "new_token": new_token},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        services.api_token_revoke(actor=selectors.actor_for(request.user), token_id=token_id)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")


# --- One's own password (X4) ------------------------------------------------------------------


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password; every API token of the user stops working (X4)."""
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_password_change(
                actor=selectors.actor_for(request.user),
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            form_errors_from(form, exc, aliases={"password": "new_password"})
        else:
            update_session_auth_hash(request, user)  # stay signed in here; other sessions end
            messages.success(request, _("Your password was changed. Your API tokens no longer work."))
            return redirect("accounts:tokens")
    return render(request, "accounts/password_change.html", {"form": form})


# --- Administration: users and their roles (issue 12) ------------------------------------------


def _admin_view(perm: str) -> Callable[[Callable[..., HttpResponse]], Any]:
    def decorate(view: Callable[..., HttpResponse]) -> Any:
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorate


def _actor(request: HttpRequest) -> Actor:
    return selectors.actor_for(request.user)


@require_GET
@_admin_view("accounts.view_user")
def user_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = UserFilterForm(request.GET)
    page = Paginator(selectors.user_list(actor, **form.filters()), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(Role.choices)
    rows = [(person, [labels.get(g.name, g.name) for g in person.groups.all()]) for person in page]
    return render(
        request,
        "accounts/user_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "can_add": actor.has_perm("accounts.add_user"),
            "export_query": request.GET.urlencode(),
        },
    )


@require_GET
@_admin_view("accounts.view_user")
def user_export(request: HttpRequest) -> HttpResponse:
    """The filtered user list as .xlsx."""
    users = selectors.user_list(_actor(request), **UserFilterForm(request.GET).filters())
    roles = dict(Role.choices)
    headers = [
        _("Username"),
        _("Display name"),
        _("E-mail"),
        _("Phone"),
        _("Roles"),
        _("Department"),
        _("Service point"),
        _("Account"),
        _("Last login"),
    ]
    content = xlsx_bytes(
        _("Users"),
        headers,
        (
            [
                user.username,
                user.display_name,
                user.email,
                user.phone,
                "、".join(str(roles.get(g.name, g.name)) for g in user.groups.all()),
                str(user.department or ""),
                str(user.service_point or ""),
                _("Active") if user.is_active else _("Deactivated"),
                timezone.localtime(user.last_login) if user.last_login else "",
            ]
            for user in users
        ),
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="users-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@_admin_view("accounts.add_user")
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        customer_id = customer_id_for_code(data["customer"] or "")
        if data["customer"] and customer_id is None:
            form.add_error("customer", _("No customer has this number."))
        else:
            try:
                user = services.user_create(
                    actor=_actor(request),
                    username=data["username"],
                    password=data["password"],
                    role=data["role"],
                    display_name=data["display_name"],
                    email=data["email"],
                    customer_id=customer_id,
                    department_id=data["department"].pk if data["department"] else None,
                    service_point_id=data["service_point"].pk if data["service_point"] else None,
                )
            except DomainError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("The user was created."))
                return redirect("accounts:user_detail", user_id=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@require_GET
@_admin_view("accounts.view_user")
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = _actor(request)
    try:
        user = selectors.access_user(actor, user_id)
    except NotFound as exc:
        raise Http404 from exc
    held = [g.name for g in user.groups.all()]
    roles = dict(Role.choices)
    grant_form = RoleForm()
    role_field = cast(forms.ChoiceField, grant_form.fields["role"])
    role_field.choices = [(code, label) for code, label in Role.choices if code not in held]
    may_manage = (
        actor.has_perm("accounts.change_user")
        and user.pk != actor.pk
        and (not user.is_superuser or bool(getattr(actor.user, "is_superuser", False)))
    )
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": user,
            "roles": [(code, roles.get(code, code)) for code in held],
            "grant_form": grant_form,
            "reset_form": PasswordResetForm(),
            "may_manage": may_manage,
            "is_self": user.pk == actor.pk,
            "tokens": selectors.user_token_list(actor, user),
            "events": event_list_for(user),
        },
    )


def _user_action(request: HttpRequest, user_id: int, action: Callable[[Actor], object], done: str) -> HttpResponse:
    """Run one administration service for a POSTed form; a refusal (own account, a superuser's)
    is the error page with its status, any other error a message on the user's page."""
    try:
        action(_actor(request))
    except DomainPermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)
    return redirect("accounts:user_detail", user_id=user_id)


@require_POST
@_admin_view("accounts.change_user")
def user_role_grant(request: HttpRequest, user_id: int) -> HttpResponse:
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return redirect("accounts:user_detail", user_id=user_id)
    role = form.cleaned_data["role"]
    return _user_action(
        request,
        user_id,
        lambda actor: services.user_role_grant(actor=actor, user_id=user_id, role=role),
        _("The role was granted."),
    )


@require_POST
@_admin_view("accounts.change_user")
def user_role_revoke(request: HttpRequest, user_id: int) -> HttpResponse:
    role = request.POST.get("role", "")
    return _user_action(
        request,
        user_id,
        lambda actor: services.user_role_revoke(actor=actor, user_id=user_id, role=role),
        _("The role was revoked."),
    )


@require_POST
@_admin_view("accounts.change_user")
def user_set_active(request: HttpRequest, user_id: int) -> HttpResponse:
    active = request.POST.get("active") == "1"
    return _user_action(
        request,
        user_id,
        lambda actor: services.user_set_active(actor=actor, user_id=user_id, active=active),
        _("The account was activated.") if active else _("The account was deactivated."),
    )


@require_POST
@_admin_view("accounts.change_user")
def user_password_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    form = PasswordResetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the new password."))
        return redirect("accounts:user_detail", user_id=user_id)
    password = form.cleaned_data["password"]
    return _user_action(
        request,
        user_id,
        lambda actor: services.user_password_reset(actor=actor, user_id=user_id, password=password),
        _("The password was reset; the user's API tokens no longer work."),
    )
