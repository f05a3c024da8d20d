"""The parts pages read their own Chinese words: every entry of the parts catalogues (the core's and the flows')
is what Django serves at run time, so no other app's catalogue (the first in INSTALLED_APPS wins a shared
msgid) overrides them; ambiguous words ("Requested", "Issued", "Received", "Superseded") carry a context."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
import pytest
from django.test import Client
from django.utils import translation

from aftersales.parts.choices import PriceListState
from aftersales.parts.flow.choices import RequisitionState
from tests.parts.flow_fixtures import *  # noqa: F403 — fixtures

PARTS = Path(__file__).resolve().parents[2] / "src" / "aftersales" / "parts"
CATALOGUES = [
    PARTS / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
    PARTS / "flow" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
]


@pytest.mark.parametrize("path", CATALOGUES, ids=["parts", "parts_flow"])
def test_every_parts_word_is_served_from_its_own_catalogue(path: Path) -> None:
    overridden = []
    with translation.override("zh-hans"):
        for entry in polib.pofile(str(path)):
            if entry.obsolete or entry.msgid_plural or not entry.msgstr:
                continue
            served = (
                translation.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else translation.gettext(entry.msgid)
            )
            if served != entry.msgstr:
                overridden.append((entry.msgctxt, entry.msgid, entry.msgstr, served))
    assert overridden == []


def test_ambiguous_words_have_the_parts_meaning() -> None:
    with translation.override("zh-hans"):
        assert str(PriceListState.SUPERSEDED.label) == "已被新版本取代"
        assert str(RequisitionState.RECEIVED.label) == "已签收"
        assert str(RequisitionState.CANCELLED.label) == "已撤销"


@pytest.mark.django_db
def test_requisition_page_reads_requested_and_issued_as_quantities(world: dict[str, Any]) -> None:
    from aftersales.parts.flow.services.requisitions import requisition_create

    created = requisition_create(
        actor=world["engineer"],
        from_store="CENTRAL",
        to_store="VAN-ENG1",
        reason="备件",
        lines=[{"part": "FUSE", "quantity": 2}],
    )
    client = Client()
    client.force_login(world["engineer"].user)
    html = client.get(f"/parts/requisitions/{created.number}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "申请数量" in html
    assert "发出数量" in html
    assert "已申请" not in html  # the returns app's word for "Requested"
    assert "已签发" not in html  # the returns app's word for "Issued"
