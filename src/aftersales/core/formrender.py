"""A form renderer that writes the plain widgets — <input> and <select> — in Python, byte for byte
what Django's own widget templates write, and leaves every other template to Django.

Why: a page with many small forms (the dispatch board: 25 rows × a select of engineers, a note and
the version) spent most of its time in the template engine drawing widgets — 4 nested templates per
<option> (docs/decisions/0027). A form opts in with `default_renderer = FAST_WIDGETS`; the form, its
validation and its HTML stay the same. Anything the fast path does not know (a template override, an
optgroup, a label that is not text) goes to Django's templates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeData

_WIDGETS = "django/forms/widgets/"
# The widget templates that are exactly `{% include "django/forms/widgets/input.html" %}`.
_INPUT_TEMPLATES = {
    f"{_WIDGETS}{name}.html"
    for name in ("input", "text", "hidden", "number", "email", "password", "url", "date", "datetime", "time")
}
_SELECT = f"{_WIDGETS}select.html"
_OPTION = f"{_WIDGETS}select_option.html"


class _Unknown(Exception):
    """A value the fast path does not render the way the template would: use the template."""


def _text(value: Any) -> str:
    """`{{ value }}` of a text: escaped unless already safe."""
    if isinstance(value, SafeData):
        return str(value)
    if isinstance(value, str | Promise):
        return escape(str(value))
    raise _Unknown


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: stringformat keeps a safe string safe (is_safe=True)."""
    if isinstance(value, bool) or not isinstance(value, str | int | Promise):
        raise _Unknown
    if isinstance(value, SafeData):
        return str(value)
    return escape("%s" % value)  # noqa: UP031  # exactly the filter's formatting


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {_text(name)}")
        else:
            out.append(f' {_text(name)}="{_formatted(value)}"')
    return "".join(out)


def _input(widget: dict[str, Any]) -> str:
    """django/forms/widgets/input.html."""
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _option(option: dict[str, Any]) -> str:
    """django/forms/widgets/select_option.html (without its final newline, as the renderer strips)."""
    if option["template_name"] != _OPTION:
        raise _Unknown
    return f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>'


def _select(widget: dict[str, Any]) -> str:
    """django/forms/widgets/select.html. An <option> included by the template keeps its trailing
    newline (only the outermost render is stripped): "\\n  <option …>…</option>\\n"."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            raise _Unknown
        parts.extend(f"\n  {_option(option)}\n" for option in group_choices)
    parts.append("\n</select>")
    return "".join(parts)


_FAST: dict[str, Callable[[dict[str, Any]], str]] = {name: _input for name in _INPUT_TEMPLATES} | {_SELECT: _select}


class FastWidgetRenderer(DjangoTemplates):
    """Django's template renderer, with <input> and <select> written without the template engine."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        fast = _FAST.get(template_name)
        if fast is not None and request is None:
            try:
                return fast(context["widget"])
            except (_Unknown, KeyError):
                pass
        return super().render(template_name, context, request)


# One instance for the forms that opt in: the template engine behind it is built once.
FAST_WIDGETS = FastWidgetRenderer()
