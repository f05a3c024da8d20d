"""Form base: Bootstrap classes on every widget and `is-invalid` on fields with errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import DomainError
from aftersales.core.inputs import value_problem

# A mixin for forms: checked as one, a plain class at run time.
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class StyledFormMixin(_FormBase):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for _name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css
            if (
                field.label
                and not widget.is_hidden
                and not isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
            ):
                # Every input has a name a screen reader reads out, even where a page shows no <label>
                # (a table row's select, a line of a quotation). Not on a group of radio buttons or
                # check boxes: each option is named by its own label, which aria-label would hide.
                widget.attrs.setdefault("aria-label", str(field.label))
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"

    def full_clean(self) -> None:
        if self._refuse_unstorable():
            return
        super().full_clean()
        self._mark_invalid()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        if getattr(self, "cleaned_data", None) is not None:  # after cleaning: a service's error (form_errors_from)
            self._mark_invalid()

    def _mark_invalid(self) -> None:
        """`is-invalid` on every field with an error, `autofocus` on the first of them (in the form's
        order), so after a refused submit the cursor waits in the field to correct; no script needed."""
        form: Any = self
        first = True
        for name, field in form.fields.items():
            widget = field.widget
            widget.attrs.pop("autofocus", None)
            if name not in (form._errors or {}) or widget.is_hidden:
                continue
            if "is-invalid" not in widget.attrs.get("class", "").split():
                widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()
            widget.attrs["aria-invalid"] = "true"
            if first:
                widget.attrs["autofocus"] = True
                first = False

    def _refuse_unstorable(self) -> bool:
        """A NUL character or an impossible UTC offset in any submitted field: an error on that field,
        before any field is cleaned (a lookup with it would fail in PostgreSQL). core.inputs decides."""
        form: Any = self
        if not form.is_bound or form.data is None:
            return False
        problems: dict[str | None, str] = {}
        for name, field in form.fields.items():
            raw = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
            for value in raw if isinstance(raw, list | tuple) else [raw]:
                problem = value_problem(value) if isinstance(value, str) else None
                if problem:
                    problems[name if not field.widget.is_hidden else None] = problem
        if not problems:
            return False
        form._errors = ErrorDict()
        form.cleaned_data = {}
        for name, problem in problems.items():
            form.add_error(name, problem)
        self._mark_invalid()
        return True


class StyledForm(StyledFormMixin, forms.Form):
    pass


class StyledModelForm(StyledFormMixin, forms.ModelForm):
    pass


class ActionForm(StyledForm):
    """The form of one move on a record's page: it carries the version the page was rendered with,
    so a stale page gets the service's conflict message instead of overwriting (core.actions).

    The version is required: a form posted without it (or with something that is not a version) is
    refused with a message above the form, and nothing is done. The field is hidden, so its error
    is shown as the form's own.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "version" in self.errors or cleaned.get("version") is None:
            self.errors.pop("version", None)
            cleaned.pop("version", None)
            self.add_error(None, _("This form does not say which version of the record it was shown; reload the page."))
        return cleaned


def form_errors_from(
    form: forms.Form,
    exc: DomainError,
    *,
    aliases: Mapping[str, str | None] | None = None,
    code_fields: Mapping[str, str] | None = None,
) -> None:
    """Show a service's error next to the visible fields it names, anything else above the form (habit 8).

    `aliases` maps a service's field name to the form's (None: never a field); `code_fields` names
    the field for an error code that carries no fields. A message for a hidden field (the
    `version` of a version conflict) goes above the form, where it can be read.
    """
    fields = dict(exc.fields)
    if not fields and code_fields and exc.code in code_fields:
        fields = {code_fields[exc.code]: [exc.message]}
    placed = False
    for name, value in fields.items():
        field = (aliases or {}).get(name, name)
        if field in form.fields and not form.fields[field].widget.is_hidden:
            for message in value if isinstance(value, list | tuple) else [value]:
                form.add_error(field, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))
