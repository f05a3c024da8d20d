"""Calendar pages' forms: one exception day, and a year's official notice entered as lines of text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.calendars.choices import DayKind
from aftersales.calendars.models import FIRST_YEAR, LAST_YEAR
from aftersales.core.forms import StyledForm

NAME_MAX = 64
# "2027-02-06 春节", "2027-02-06..2027-02-13 春节" (also "~", "～", "至", "–", "—" between the dates)
_LINE = re.compile(
    r"^(?P<first>\d{4}-\d{1,2}-\d{1,2})"
    r"(?:\s*(?:\.\.|~|～|至|–|—)\s*(?P<last>\d{4}-\d{1,2}-\d{1,2}))?"
    r"(?:\s+(?P<name>.*))?$"
)


def _date(text: str) -> dt.date:
    year, month, day = (int(p) for p in text.split("-"))
    return dt.date(year, month, day)


def parse_day_lines(text: str, *, year: int) -> dict[dt.date, str]:
    """{date: name} from lines "YYYY-MM-DD[..YYYY-MM-DD] name". Raises: forms.ValidationError (one per bad line)."""
    days: dict[dt.date, str] = {}
    errors: list[str] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            errors.append(_("Line %(n)s: write a date or a range, then the name.") % {"n": number})
            continue
        try:
            first = _date(match["first"])
            last = _date(match["last"]) if match["last"] else first
        except ValueError:
            errors.append(_("Line %(n)s: not a calendar date.") % {"n": number})
            continue
        name = (match["name"] or "").strip()
        if last < first:
            errors.append(_("Line %(n)s: the range ends before it starts.") % {"n": number})
        elif first.year != year or last.year != year:
            errors.append(_("Line %(n)s: the dates must be in %(year)s.") % {"n": number, "year": year})
        elif len(name) > NAME_MAX:
            errors.append(_("Line %(n)s: the name is longer than %(max)s characters.") % {"n": number, "max": NAME_MAX})
        else:
            day = first
            while day <= last:
                if day in days:
                    errors.append(_("Line %(n)s: %(date)s is listed twice.") % {"n": number, "date": day.isoformat()})
                days[day] = name
                day += dt.timedelta(days=1)
    if errors:
        raise forms.ValidationError(errors)
    return days


def days_as_lines(days: Iterable[tuple[dt.date, str]]) -> str:
    """The reverse of parse_day_lines: consecutive dates with the same name become one range."""
    lines: list[str] = []
    run: list[tuple[dt.date, str]] = []
    for day, name in sorted(days):
        if run and day == run[-1][0] + dt.timedelta(days=1) and name == run[-1][1]:
            run.append((day, name))
            continue
        if run:
            lines.append(_line(run))
        run = [(day, name)]
    if run:
        lines.append(_line(run))
    return "\n".join(lines)


def _line(run: list[tuple[dt.date, str]]) -> str:
    first, name = run[0]
    last = run[-1][0]
    dates = first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"
    return f"{dates} {name}".strip()


class DayForm(StyledForm):
    """Add or correct one exception day."""

    date = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=DayKind.choices)
    name = forms.CharField(
        label=gettext_lazy("Name of the day"),
        max_length=NAME_MAX,
        required=False,
        help_text=gettext_lazy("For example 春节 or 国庆节."),
    )

    def clean_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["date"]
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("Enter a date between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return day


class YearNoticeForm(StyledForm):
    """A year's official notice: holidays and make-up working days, one date or range per line."""

    holidays = forms.CharField(
        label=gettext_lazy("Holidays"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=gettext_lazy("One per line: a date or a range, then the name, e.g. “2027-02-06..2027-02-13 春节”."),
    )
    workdays = forms.CharField(
        label=gettext_lazy("Make-up working days (调休)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Weekend days that are worked, one per line, e.g. “2027-02-20 春节”."),
    )
    note = forms.CharField(
        label=gettext_lazy("Notice number"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("The notice it comes from, e.g. 国办发明电〔2026〕N号."),
    )

    def __init__(self, *args: object, year: int, **kwargs: object) -> None:
        self.year = year  # before super(): the styling mixin validates a bound form right away
        super().__init__(*args, **kwargs)
        for name in ("holidays", "workdays"):
            self.fields[name].widget.attrs["class"] += " font-monospace"

    def clean_holidays(self) -> dict[dt.date, str]:
        return parse_day_lines(self.cleaned_data["holidays"], year=self.year)

    def clean_workdays(self) -> dict[dt.date, str]:
        return parse_day_lines(self.cleaned_data.get("workdays", ""), year=self.year)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        holidays = cleaned.get("holidays") or {}
        workdays = cleaned.get("workdays") or {}
        both = sorted(set(holidays) & set(workdays))
        if both:
            self.add_error(
                "workdays",
                _("Both a holiday and a make-up working day: %(dates)s.")
                % {"dates": ", ".join(d.isoformat() for d in both)},
            )
        return cleaned
