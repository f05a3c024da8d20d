"""BaseModel's get_FOO_display reads choice labels made once per language (core.models.choice_labels):
the same text as Django's own, in each language, and the stored value for one outside the choices."""

from __future__ import annotations

import pytest
from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import override

from aftersales.clocks.models import Clock
from aftersales.service.models import ServiceRequest


def _django_display(instance: models.Model, name: str) -> str:
    field = instance._meta.get_field(name)
    value = getattr(instance, field.attname)
    return force_str(dict(field.flatchoices).get(value, value), strings_only=True)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_display_labels_are_djangos_in_each_language(language: str) -> None:
    with override(language):
        for value, _label in ServiceRequest._meta.get_field("priority").flatchoices:
            sr = ServiceRequest(priority=value)
            assert sr.get_priority_display() == _django_display(sr, "priority")
        for value, _label in Clock._meta.get_field("kind").flatchoices:
            clock = Clock(kind=value)
            assert clock.get_kind_display() == _django_display(clock, "kind")


def test_labels_follow_the_active_language_and_unknown_values_show_as_stored() -> None:
    sr = ServiceRequest(priority="urgent")
    with override("zh-hans"):
        chinese = sr.get_priority_display()
    with override("en"):
        english = sr.get_priority_display()
    assert chinese != english  # made per language, not once for all
    assert ServiceRequest(priority="no-such-priority").get_priority_display() == "no-such-priority"
