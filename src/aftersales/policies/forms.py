"""The policy editor: one form per value shape (policies.shapes), built from the key's declared type.

`policy_form(definition, data, value)` gives a form whose fields edit the value (amount + unit, one
number per tier, limits with their roles, ladder rows, a checkbox, a list, or JSON for an unknown
shape) plus the change's own fields: effective from, reason, recompute running clocks. `value_of()`
puts the value back together; `initial_of(value)` takes it apart (they round-trip).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, cast, get_args

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.calendars.choices import DurationUnit
from aftersales.clocks.choices import ClockKind
from aftersales.policies import shapes
from aftersales.policies.defaults import ApproverRole, PolicyDef

CONTROL = {"class": "form-control"}
SELECT = {"class": "form-select"}
LADDER_BLANK_ROWS = 2
APPROVER_ROLES = list(get_args(ApproverRole))


def _int_field(label: Any, schema: dict[str, Any], *, unit: str = "") -> forms.IntegerField:
    low, high = shapes.integer_bounds(schema)
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        help_text=str(unit),
        widget=forms.NumberInput(attrs={**CONTROL, "inputmode": "numeric"}),
    )


class PolicyChangeForm(forms.Form):
    """The fields every change has; subclasses per shape add the value's fields (policy_form)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    effective_from = forms.DateTimeField(
        label=_("Effective from"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help_text=_("Leave empty for now; a later time makes the change take effect then."),
        widget=forms.DateTimeInput(attrs={**CONTROL, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(label=_("Reason for the change"), max_length=200, widget=forms.TextInput(attrs=CONTROL))
    recompute_clocks = forms.BooleanField(
        label=_("Recompute the running deadlines with the new value"),
        required=False,
        help_text=_("Otherwise running deadlines keep the value they started with; only new ones use the new value."),
    )

    definition: PolicyDef
    shape: str
    value_fields: list[str]

    def __init__(self, *args: Any, clocks: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not clocks:
            del self.fields["recompute_clocks"]

    def clean_effective_from(self) -> dt.datetime | None:
        value: dt.datetime | None = self.cleaned_data.get("effective_from")
        if value is not None and value < timezone.now() - dt.timedelta(minutes=5):
            raise forms.ValidationError(_("The effective time cannot lie in the past; leave it empty for now."))
        return value

    # --- per shape ---
    def value_of(self) -> Any:
        return self.cleaned_data["value"]

    @classmethod
    def initial_of(cls, value: Any) -> dict[str, Any]:
        return {"value": value}

    def value_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.value_fields if name in self.fields]

    def change_bound_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ("effective_from", "note", "recompute_clocks") if n in self.fields]

    def focus_first_error(self) -> None:
        """The first field in error gets the focus when the page loads (autofocus: no script needed)."""
        for name in [*self.value_fields, "effective_from", "note", "recompute_clocks"]:
            if name in self.fields and name in self.errors:
                self.fields[name].widget.attrs["autofocus"] = True
                return


def _integer_form(definition: PolicyDef) -> type[PolicyChangeForm]:
    schema = shapes.schema_of(definition.key)

    class Form(PolicyChangeForm):
        value = _int_field(_("New value"), schema, unit=str(definition.unit))

    Form.value_fields = ["value"]
    return Form


def _decimal_form(definition: PolicyDef, *, share: bool) -> type[PolicyChangeForm]:
    class Form(PolicyChangeForm):
        value = forms.DecimalField(
            label=_("New value (per cent)") if share else _("New value"),
            min_value=0,
            max_digits=12,
            decimal_places=4,
            help_text=_("e.g. 75 for 75 %") if share else str(definition.unit),
            widget=forms.NumberInput(attrs={**CONTROL, "step": "any"}),
        )

        def value_of(self) -> Any:
            number = float(self.cleaned_data["value"])
            return round(number / 100, 6) if share else number

        @classmethod
        def initial_of(cls, value: Any) -> dict[str, Any]:
            return {"value": f"{value * 100:g}" if share else value}

    Form.value_fields = ["value"]
    return Form


def _boolean_form(definition: PolicyDef) -> type[PolicyChangeForm]:
    class Form(PolicyChangeForm):
        value = forms.BooleanField(label=cast("Any", definition.label), required=False)

    Form.value_fields = ["value"]
    return Form


def _choice_form(definition: PolicyDef) -> type[PolicyChangeForm]:
    """One of the values the key's type allows (a Literal), shown by their plain names (roles)."""
    options = [(v, shapes.role_label(v)) for v in shapes.schema_of(definition.key).get("enum", [])]

    class Form(PolicyChangeForm):
        value = forms.ChoiceField(label=cast("Any", definition.label), choices=options)

    Form.value_fields = ["value"]
    return Form


def _list_form(definition: PolicyDef) -> type[PolicyChangeForm]:
    numbers = shapes.schema_of(definition.key).get("items", {}).get("type") == "integer"

    class Form(PolicyChangeForm):
        value = forms.CharField(
            label=_("New value, one item per line"),
            required=False,
            widget=forms.Textarea(attrs={**CONTROL, "rows": 5}),
        )

        def clean_value(self) -> Any:
            items = [line.strip() for line in self.cleaned_data["value"].splitlines() if line.strip()]
            if numbers:
                try:
                    return [int(item) for item in items]
                except ValueError as exc:
                    raise forms.ValidationError(_("Enter one whole number per line.")) from exc
            return items

        @classmethod
        def initial_of(cls, value: Any) -> dict[str, Any]:
            return {"value": "\n".join(str(v) for v in value or [])}

    Form.value_fields = ["value"]
    return Form


def _duration_form(definition: PolicyDef) -> type[PolicyChangeForm]:
    props = shapes.schema_of(definition.key)["properties"]

    class Form(PolicyChangeForm):
        amount = _int_field(_("Length"), props["amount"])
        unit = forms.ChoiceField(label=_("Time unit"), choices=DurationUnit.choices, widget=forms.Select(attrs=SELECT))

        def value_of(self) -> Any:
            return {"amount": self.cleaned_data["amount"], "unit": self.cleaned_data["unit"]}

        @classmethod
        def initial_of(cls, value: Any) -> dict[str, Any]:
            return {"amount": value.get("amount"), "unit": value.get("unit")}

    Form.value_fields = ["amount", "unit"]
    return Form


def _tiers_form(definition: PolicyDef) -> type[PolicyChangeForm]:
    props = shapes.schema_of(definition.key)["properties"]
    attrs = {name: _int_field(shapes.field_label(name, p), p, unit=str(definition.unit)) for name, p in props.items()}

    def value_of(self: PolicyChangeForm) -> Any:
        return {name: self.cleaned_data[name] for name in props}

    def initial_of(cls: type, value: Any) -> dict[str, Any]:
        return {name: value.get(name) for name in props}

    form: type[PolicyChangeForm] = type(
        "TiersForm",
        (PolicyChangeForm,),
        {**attrs, "value_of": value_of, "initial_of": classmethod(initial_of)},
    )
    form.value_fields = list(props)
    return form


def _limits_form(definition: PolicyDef) -> type[PolicyChangeForm]:
    schema = shapes.schema_of(definition.key)
    props = schema["properties"]
    role_choices = [(r, shapes.role_label(r)) for r in APPROVER_ROLES]
    unit = str(definition.unit)

    class Form(PolicyChangeForm):
        lower = _int_field(shapes.field_label("lower"), props["lower"], unit=unit)
        upper = _int_field(shapes.field_label("upper"), props["upper"], unit=unit)
        below = forms.ChoiceField(
            label=shapes.field_label("below"), choices=role_choices, widget=forms.Select(attrs=SELECT)
        )
        between = forms.ChoiceField(
            label=shapes.field_label("between"), choices=role_choices, widget=forms.Select(attrs=SELECT)
        )
        above = forms.ChoiceField(
            label=shapes.field_label("above"), choices=role_choices, widget=forms.Select(attrs=SELECT)
        )

        def clean(self) -> dict[str, Any]:
            data = super().clean() or {}
            lower, upper = data.get("lower"), data.get("upper")
            if lower is not None and upper is not None and lower > upper:
                self.add_error("upper", _("The upper limit must not be below the lower limit."))
            return data

        def value_of(self) -> Any:
            data = self.cleaned_data
            return {
                "lower": data["lower"],
                "upper": data["upper"],
                "roles": {"below": data["below"], "between": data["between"], "above": data["above"]},
            }

        @classmethod
        def initial_of(cls, value: Any) -> dict[str, Any]:
            roles = value.get("roles") or {}
            return {
                "lower": value.get("lower"),
                "upper": value.get("upper"),
                "below": roles.get("below", "sales_manager"),
                "between": roles.get("between", "vp"),
                "above": roles.get("above", "gm"),
            }

    Form.value_fields = ["lower", "upper", "below", "between", "above"]
    return Form


LADDER_COLUMNS = ("kind", "at", "after_minutes", "notify", "raise_level", "reassign_to")


def _ladders_form(definition: PolicyDef, rows: int) -> type[PolicyChangeForm]:
    """One row per ladder step (clock kind, warning/breach, minutes after, who, raise, reassign) and a
    few blank rows to add steps; a row without a clock kind is ignored."""
    tokens = shapes.recipient_tokens()
    attrs: dict[str, Any] = {}
    names: list[str] = []
    for i in range(rows):
        row = {
            "kind": forms.ChoiceField(
                label=_("Deadline"),
                required=False,
                choices=[("", "—"), *ClockKind.choices],
                widget=forms.Select(attrs={**SELECT, "class": "form-select form-select-sm"}),
            ),
            "at": forms.ChoiceField(
                label=_("When"),
                required=False,
                choices=[("warning", _("At the warning")), ("breach", _("At the breach"))],
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            ),
            "after_minutes": forms.IntegerField(
                label=_("Minutes after"),
                required=False,
                min_value=0,
                max_value=60 * 24 * 30,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
            ),
            "notify": forms.MultipleChoiceField(
                label=_("Notify"),
                required=False,
                choices=tokens,
                widget=forms.SelectMultiple(attrs={"class": "form-select form-select-sm", "size": 3}),
            ),
            "raise_level": forms.BooleanField(label=_("Raise a level"), required=False),
            "reassign_to": forms.ChoiceField(
                label=_("Reassign to"),
                required=False,
                choices=[("", "—"), *tokens],
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            ),
        }
        for column, field in row.items():
            attrs[f"step_{i}_{column}"] = field
            names.append(f"step_{i}_{column}")

    def value_of(self: PolicyChangeForm) -> Any:
        ladders: dict[str, list[dict[str, Any]]] = {}
        for i in range(rows):
            kind = self.cleaned_data.get(f"step_{i}_kind")
            if not kind:
                continue
            ladders.setdefault(kind, []).append(
                {
                    "at": self.cleaned_data.get(f"step_{i}_at") or "breach",
                    "after_minutes": self.cleaned_data.get(f"step_{i}_after_minutes") or 0,
                    "notify": list(self.cleaned_data.get(f"step_{i}_notify") or []),
                    "raise_level": bool(self.cleaned_data.get(f"step_{i}_raise_level")),
                    "reassign_to": self.cleaned_data.get(f"step_{i}_reassign_to") or "",
                }
            )
        return {"ladders": ladders}

    def initial_of(cls: type, value: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        i = 0
        for kind, steps in (value.get("ladders") or {}).items():
            for step in steps:
                initial |= {
                    f"step_{i}_kind": kind,
                    f"step_{i}_at": step.get("at", "breach"),
                    f"step_{i}_after_minutes": step.get("after_minutes", 0),
                    f"step_{i}_notify": list(step.get("notify", [])),
                    f"step_{i}_raise_level": bool(step.get("raise_level")),
                    f"step_{i}_reassign_to": step.get("reassign_to", ""),
                }
                i += 1
        return initial

    def ladder_rows(self: PolicyChangeForm) -> list[list[forms.BoundField]]:
        return [[self[f"step_{i}_{c}"] for c in LADDER_COLUMNS] for i in range(rows)]

    form: type[PolicyChangeForm] = type(
        "LaddersForm",
        (PolicyChangeForm,),
        {**attrs, "value_of": value_of, "initial_of": classmethod(initial_of), "ladder_rows": ladder_rows},
    )
    form.value_fields = names
    return form


def _phrases_form(definition: PolicyDef) -> type[PolicyChangeForm]:
    """V2.scripts: an opening and a closing phrase for each callback kind of the default."""
    kinds = list(definition.default["scripts"])
    attrs: dict[str, Any] = {}
    for kind in kinds:
        for part, label in (("opening", _("opening")), ("closing", _("closing"))):
            attrs[f"{kind}_{part}"] = forms.CharField(
                label=f"{shapes.callback_kind_label(kind)} · {label}",
                max_length=1000,
                required=False,
                widget=forms.Textarea(attrs={**CONTROL, "rows": 2}),
            )

    def value_of(self: PolicyChangeForm) -> Any:
        return {
            "scripts": {
                kind: {"opening": self.cleaned_data[f"{kind}_opening"], "closing": self.cleaned_data[f"{kind}_closing"]}
                for kind in kinds
            }
        }

    def initial_of(cls: type, value: Any) -> dict[str, Any]:
        scripts = (value or {}).get("scripts", {})
        return {
            f"{kind}_{part}": (scripts.get(kind) or {}).get(part, "")
            for kind in kinds
            for part in ("opening", "closing")
        }

    form: type[PolicyChangeForm] = type(
        "PhrasesForm", (PolicyChangeForm,), {**attrs, "value_of": value_of, "initial_of": classmethod(initial_of)}
    )
    form.value_fields = list(attrs)
    return form


def _survey_form(definition: PolicyDef) -> type[PolicyChangeForm]:
    """V4.form: each question's text and weight; which question lists the products and which allows
    "did not attend" stay as in the default form."""
    items = definition.default["items"]
    attrs: dict[str, Any] = {}
    for item in items:
        n = item["number"]
        attrs[f"q{n}_text"] = forms.CharField(
            label=_("Question %(n)s") % {"n": n}, max_length=200, widget=forms.TextInput(attrs=CONTROL)
        )
        attrs[f"q{n}_weight"] = forms.DecimalField(
            label=_("Weight of question %(n)s") % {"n": n},
            min_value=0,
            max_value=1,
            decimal_places=4,
            widget=forms.NumberInput(attrs={**CONTROL, "step": "0.01"}),
        )

    def value_of(self: PolicyChangeForm) -> Any:
        return {
            "items": [
                {
                    **item,
                    "text": self.cleaned_data[f"q{item['number']}_text"],
                    "weight": float(self.cleaned_data[f"q{item['number']}_weight"]),
                }
                for item in items
            ]
        }

    def initial_of(cls: type, value: Any) -> dict[str, Any]:
        current = {item["number"]: item for item in (value or {}).get("items", [])}
        out: dict[str, Any] = {}
        for item in items:
            found = current.get(item["number"], item)
            out[f"q{item['number']}_text"] = found["text"]
            out[f"q{item['number']}_weight"] = found["weight"]
        return out

    form: type[PolicyChangeForm] = type(
        "SurveyForm", (PolicyChangeForm,), {**attrs, "value_of": value_of, "initial_of": classmethod(initial_of)}
    )
    form.value_fields = list(attrs)
    return form


def _json_form(definition: PolicyDef) -> type[PolicyChangeForm]:
    class Form(PolicyChangeForm):
        value = forms.CharField(
            label=_("New value (JSON)"),
            widget=forms.Textarea(attrs={"rows": 6, "class": "form-control font-monospace"}),
        )

        def clean_value(self) -> Any:
            try:
                return json.loads(self.cleaned_data["value"])
            except json.JSONDecodeError as exc:
                raise forms.ValidationError(_("Enter a number, or a JSON object like the current value.")) from exc

        @classmethod
        def initial_of(cls, value: Any) -> dict[str, Any]:
            return {"value": json.dumps(value, ensure_ascii=False, indent=1)}

    Form.value_fields = ["value"]
    return Form


def policy_form_class(definition: PolicyDef, *, ladder_rows: int = 0) -> type[PolicyChangeForm]:
    shape = shapes.policy_shape(definition)
    builders = {
        shapes.INTEGER: lambda: _integer_form(definition),
        shapes.DECIMAL: lambda: _decimal_form(definition, share=False),
        shapes.SHARE: lambda: _decimal_form(definition, share=True),
        shapes.BOOLEAN: lambda: _boolean_form(definition),
        shapes.CHOICE: lambda: _choice_form(definition),
        shapes.LIST: lambda: _list_form(definition),
        shapes.DURATION: lambda: _duration_form(definition),
        shapes.TIERS: lambda: _tiers_form(definition),
        shapes.LIMITS: lambda: _limits_form(definition),
        shapes.LADDERS: lambda: _ladders_form(definition, ladder_rows),
        shapes.PHRASES: lambda: _phrases_form(definition),
        shapes.SURVEY_FORM: lambda: _survey_form(definition),
    }
    form = builders.get(shape, lambda: _json_form(definition))()
    form.definition = definition
    form.shape = shape if shape in builders else shapes.JSON
    return form


def _ladder_steps(value: Any) -> int:
    return sum(len(steps) for steps in (value or {}).get("ladders", {}).values())


def policy_form(
    definition: PolicyDef, *, value: Any, data: Any = None, expected_version: int = 0, clocks: bool = False
) -> PolicyChangeForm:
    """The editor of `definition` showing `value` (the current one), bound to `data` when posted."""
    rows = 0
    if shapes.policy_shape(definition) == shapes.LADDERS:
        posted = 0
        if data is not None:
            posted = sum(1 for k in data if k.startswith("step_") and k.endswith("_kind"))
        rows = max(_ladder_steps(value) + LADDER_BLANK_ROWS, posted)
    form_class = policy_form_class(definition, ladder_rows=rows)
    initial = {**form_class.initial_of(value), "expected_version": expected_version}
    return form_class(data, initial=initial, clocks=clocks)
