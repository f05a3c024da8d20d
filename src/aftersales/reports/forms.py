"""The period (and grouping) chosen on the statistics, KPI and list pages."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import StyledForm
from aftersales.reports.choices import KPI_DIMENSIONS, Dimension


def last_month() -> tuple[dt.date, dt.date]:
    end = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


class PeriodForm(StyledForm):
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.ChoiceField(label=_("Group by"), choices=Dimension.choices, required=False)

    def __init__(self, data: Any = None, *, kpi: bool = False, **kwargs: Any) -> None:
        start, end = last_month()
        values = {"date_from": start, "date_to": end, "by": "service_point" if kpi else "product"}
        if data:
            values |= {k: v for k, v in data.items() if k in values and v}
        super().__init__(values, **kwargs)
        self.default_by = "service_point" if kpi else "product"
        field = cast("forms.ChoiceField", self.fields["by"])
        if kpi:
            field.choices = [(d.value, d.label) for d in KPI_DIMENSIONS]
        else:
            field.choices = [(d.value, d.label) for d in Dimension if d != Dimension.REGION_TIER]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError(_("The end of the period is before its start."))
        if start and end and (end - start).days > 3660:
            raise forms.ValidationError(_("The period is longer than ten years."))
        data["by"] = data.get("by") or self.default_by
        return data
