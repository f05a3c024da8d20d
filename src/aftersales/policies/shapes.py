"""The shape of each policy value, read from its declared type, and the value as plain language.

The policy page builds its form from the shape (policies.forms) and shows values and defaults with
`value_text`, never as Python or JSON. A key may declare its shape (PolicyDef.shape); otherwise it is
inferred from the JSON schema of its pydantic type, so a new key of a known kind gets the right form.
"""

from __future__ import annotations

import functools
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.choices import Role
from aftersales.calendars.choices import DurationUnit
from aftersales.clocks.choices import ClockKind
from aftersales.policies.defaults import PolicyDef

INTEGER = "integer"
DECIMAL = "decimal"
SHARE = "share"
BOOLEAN = "boolean"
CHOICE = "choice"  # one of a fixed list of values (a Literal type), e.g. a role
LIST = "list"
DURATION = "duration"
TIERS = "tiers"
LIMITS = "limits"
LADDERS = "ladders"
PHRASES = "phrases"  # V2.scripts: an opening and a closing phrase per callback kind
SURVEY_FORM = "survey_form"  # V4.form: each question's text and weight
JSON = "json"  # fallback: an unknown shape is edited as JSON

# Plain-language names of the fields of structured values (a tier table's tiers, a limit table's bands).
FIELD_LABELS: dict[str, Any] = {
    "same_city": gettext_lazy("Same city"),
    "same_province": gettext_lazy("Same province"),
    "remote": gettext_lazy("Other provinces"),
    "lower": gettext_lazy("Lower limit"),
    "upper": gettext_lazy("Upper limit"),
    "below": gettext_lazy("Below the lower limit decides"),
    "between": gettext_lazy("From the lower to the upper limit decides"),
    "above": gettext_lazy("Above the upper limit decides"),
    "amount": gettext_lazy("Length"),
    "satisfied": gettext_lazy("Satisfied"),
    "fairly_satisfied": gettext_lazy("Fairly satisfied"),
    "average": gettext_lazy("Average"),
    "dissatisfied": gettext_lazy("Dissatisfied"),
    "somewhat_satisfied": gettext_lazy("Somewhat satisfied"),
    "unit": gettext_lazy("Time unit"),
}


def field_label(name: str, schema: dict[str, Any] | None = None) -> str:
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    return str((schema or {}).get("title") or name)


@functools.cache
def schema_of(key: str) -> dict[str, Any]:
    from aftersales.policies.defaults import POLICIES

    return POLICIES[key].adapter.json_schema()


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if ref.startswith("#/$defs/"):
        return dict(root.get("$defs", {}).get(ref.split("/")[-1], {}))
    return schema


def policy_shape(definition: PolicyDef) -> str:
    """The form shape of a key: declared (PolicyDef.shape) or inferred from its type's JSON schema."""
    if definition.shape:
        return definition.shape
    schema = schema_of(definition.key)
    kind = schema.get("type")
    title = schema.get("title", "")
    if kind == "integer":
        return INTEGER
    if kind == "number":
        low, high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
        return SHARE if (low, high) == (0, 1) else DECIMAL
    if kind == "boolean":
        return BOOLEAN
    if kind == "string" and schema.get("enum"):
        return CHOICE
    if kind == "array" and schema.get("items", {}).get("type") in {"string", "integer"}:
        return LIST
    if kind == "object":
        props = {name: _resolve(p, schema) for name, p in schema.get("properties", {}).items()}
        if title == "Duration" or set(props) == {"amount", "unit"}:
            return DURATION
        if title == "EscalationLadders":
            return LADDERS
        if {"lower", "upper"} <= set(props) and all(props[n].get("type") == "integer" for n in ("lower", "upper")):
            return LIMITS
        if props and all(p.get("type") == "integer" for p in props.values()):
            return TIERS
    return JSON


def integer_bounds(schema: dict[str, Any]) -> tuple[int | None, int | None]:
    low = schema.get("minimum")
    high = schema.get("maximum")
    if low is None and "exclusiveMinimum" in schema:
        low = schema["exclusiveMinimum"] + 1
    if high is None and "exclusiveMaximum" in schema:
        high = schema["exclusiveMaximum"] - 1
    return low, high


def unit_label(unit: str) -> str:
    return str(DurationUnit(unit).label) if unit in DurationUnit.values else unit


def role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


# V2.scripts: the callback kinds (callbacks.choices.CallbackKind; policies never import the callbacks app).
CALLBACK_KIND_LABELS: dict[str, Any] = {
    "routine": gettext_lazy("Weekly routine callback"),
    "warranty_month": gettext_lazy("Monthly in-warranty callback"),
    "handover": gettext_lazy("Hand-over callback"),
    "after_service": gettext_lazy("Callback after service"),
    "after_complaint": gettext_lazy("Callback after a complaint"),
    "key_account_care": gettext_lazy("Key-account care callback"),
    "low_score": gettext_lazy("Follow-up of a low score"),
}


def callback_kind_label(kind: str) -> str:
    return str(CALLBACK_KIND_LABELS.get(kind, kind))


def kind_label(kind: str) -> str:
    return str(ClockKind(kind).label) if kind in ClockKind.values else kind


def token_label(token: str) -> str:
    """A recipient of an escalation step (X2.escalation) in plain language."""
    if token == "owner":
        return _("the person responsible")
    if token == "department_head":
        return _("the head of their department")
    if token.startswith("department_role:"):
        return _("%(role)s of their department") % {"role": role_label(token.partition(":")[2])}
    if token.startswith("role:"):
        return _("every %(role)s") % {"role": role_label(token.partition(":")[2])}
    return token


def recipient_tokens() -> list[tuple[str, str]]:
    """Every recipient an escalation step may name, with its plain-language label (form choices)."""
    roles = [r for r in Role.values if r != Role.CUSTOMER]
    tokens = ["owner", "department_head"] + [f"role:{r}" for r in roles] + [f"department_role:{r}" for r in roles]
    return [(t, token_label(t)) for t in tokens]


def value_text(definition: PolicyDef, value: Any) -> str:
    """The value as a person reads it: "4 工作小时", "75%", "同城 1 天 · 同省 3 天 · 外省 7 天" …"""
    shape = policy_shape(definition)
    unit = str(definition.unit)
    if shape == INTEGER and isinstance(value, int):
        return f"{value} {unit}".strip()
    if shape == SHARE and isinstance(value, int | float):
        return f"{round(value * 100, 2):g}%"
    if shape == DECIMAL and isinstance(value, int | float):
        return f"{value:g} {unit}".strip()
    if shape == BOOLEAN:
        return _("Yes") if value else _("No")
    if shape == CHOICE and isinstance(value, str):
        return role_label(value)
    if shape == LIST and isinstance(value, list):
        return "、".join(str(v) for v in value) or _("(none)")
    if shape == DURATION and isinstance(value, dict) and {"amount", "unit"} <= set(value):
        return f"{value['amount']} {unit_label(value['unit'])}"
    if shape == TIERS and isinstance(value, dict):
        return " · ".join(f"{field_label(k)} {v} {unit}".strip() for k, v in value.items())
    if shape == LIMITS and isinstance(value, dict) and {"lower", "upper"} <= set(value):
        roles = value.get("roles") or {}
        yuan = unit or _("yuan")
        return _(
            "below %(lower)s %(yuan)s: %(below)s; %(lower)s–%(upper)s %(yuan)s: %(between)s; above %(upper)s %(yuan)s: %(above)s"
        ) % {
            "lower": value["lower"],
            "upper": value["upper"],
            "yuan": yuan,
            "below": role_label(roles.get("below", "sales_manager")),
            "between": role_label(roles.get("between", "vp")),
            "above": role_label(roles.get("above", "gm")),
        }
    if shape == LADDERS and isinstance(value, dict):
        ladders = value.get("ladders", {})
        steps = sum(len(s) for s in ladders.values())
        return _("%(kinds)s kinds of deadline, %(steps)s steps") % {"kinds": len(ladders), "steps": steps}
    if shape == PHRASES and isinstance(value, dict):
        return _("Phrases for %(n)s kinds of callback") % {"n": len(value.get("scripts", {}))}
    if shape == SURVEY_FORM and isinstance(value, dict):
        return " · ".join(f"{item['number']}. λ={item['weight']:g}" for item in value.get("items", []))
    import json

    return json.dumps(value, ensure_ascii=False)


def ladder_step_text(step: dict[str, Any]) -> str:
    """One rung of an escalation ladder in plain language (history and the list page)."""
    when = _("at the warning") if step.get("at") == "warning" else _("at the breach")
    if step.get("after_minutes"):
        when = _("%(minutes)s minutes after the breach") % {"minutes": step["after_minutes"]}
    who = "、".join(token_label(t) for t in step.get("notify", [])) or _("nobody")
    text = _("%(when)s: notify %(who)s") % {"when": when, "who": who}
    if step.get("raise_level"):
        text += _("; raise a level")
    if step.get("reassign_to"):
        text += _("; reassign to %(who)s") % {"who": token_label(step["reassign_to"])}
    return text
