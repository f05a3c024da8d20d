"""Policies API: read every value with its version; administrators change one (a new version)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from aftersales.accounts.schemas import ErrorOut
from aftersales.accounts.selectors import actor_for
from aftersales.core.errors import NotFound
from aftersales.policies import selectors, services
from aftersales.policies.defaults import POLICIES
from aftersales.policies.models import PolicyVersion
from aftersales.policies.schemas import PolicyChangePendingOut, PolicyOut, PolicySetIn, PolicyVersionOut

router = Router(tags=["policies"])
ERRORS = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}


def _row(key: str) -> dict[str, object]:
    current = selectors.policy_get(key)
    definition = POLICIES[key]
    return {
        "key": key,
        "rule": definition.rule,
        "value": current.value,
        "default": definition.default,
        "version": current.version,
        "label": str(definition.label),
    }


@router.get("/policies", response={200: list[PolicyOut], **ERRORS}, url_name="policy_list")
def policy_list(request: HttpRequest) -> object:
    actor_for(request.auth).require_perm("policies.view_policyversion")  # type: ignore[attr-defined]  # django-ninja's auth sets request.auth
    return [_row(key) for key in sorted(POLICIES)]


@router.put(
    "/policies/{key}", response={200: PolicyVersionOut, 202: PolicyChangePendingOut, **ERRORS}, url_name="policy_set"
)
def policy_set(request: HttpRequest, key: str, payload: PolicySetIn) -> object:
    """200 with the new version; 202 with the approval when the policy is an approval policy (K7.limits and
    the like): it changes when the general manager approves (POST /approvals/{approval}/decide)."""
    if key not in POLICIES:
        raise NotFound()
    actor = actor_for(request.auth)  # type: ignore[attr-defined]  # django-ninja's auth sets request.auth
    result = services.policy_set(
        actor=actor,
        key=key,
        value=payload.value,
        note=payload.note,
        effective_from=payload.effective_from,
        recompute_clocks=payload.recompute_clocks,
        expected_version=payload.expected_version,
    )
    if isinstance(result, PolicyVersion):
        return result
    return Status(
        202,
        {
            "approval": result.pk,
            "kind": result.kind,
            "state": result.state,
            "key": key,
            "required_role": result.required_role,
            "explanation": result.explanation.get("text", ""),
        },
    )
