"""K1: complaint numbers TS<yyyymm><seq:04d>, per month, gapless (a refused registration gives its number back)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from aftersales.core.errors import ValidationFailed
from aftersales.core.models import Counter

pytestmark = pytest.mark.django_db


def test_k1_numbers_are_consecutive_per_month_and_gapless(new_complaint):
    month = timezone.localtime(timezone.now()).strftime("%Y%m")
    first = new_complaint()
    with pytest.raises(ValidationFailed):  # refused after validation: no number is used
        new_complaint(quantity=1, defective_quantity=2)
    with pytest.raises(ValidationFailed):
        new_complaint(service_request="FW000000000000")
    second = new_complaint()
    assert [first.number, second.number] == [f"TS{month}0001", f"TS{month}0002"]
    assert Counter.objects.get(key="complaint", period=month).value == 2
