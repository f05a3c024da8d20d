"""Pages everyone can use (issue 13, point 11): AA contrast of the colours the stylesheet defines,
a label on every input, the first invalid field focused after a refused submit, a favicon, and a
short menu per role, in groups."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

import aftersales
from aftersales.accounts.selectors import actor_for
from aftersales.web.navigation import menu_groups_for
from tests.installed_base.factories import CustomerFactory
from tests.web.pages import rendered_pages, seed

CSS = Path(aftersales.__file__).parent / "web" / "static" / "web" / "app.css"
WHITE = "#ffffff"
# foreground, background: every text colour app.css defines on the backgrounds it is shown on.
PAIRS = [
    ("--as-nav-link", "--as-nav-bg"),
    ("--as-link", "--as-page-bg"),
    ("--as-link", WHITE),
    ("--as-link-hover", "--as-page-bg"),
    ("--as-muted", "--as-page-bg"),
    ("--as-muted", WHITE),
    ("--as-danger-text", "--as-page-bg"),
    ("--as-danger-text", WHITE),
    ("--as-del", WHITE),
    (WHITE, "--as-nav-bg"),  # an active dropdown entry
]


def _variables() -> dict[str, str]:
    return dict(re.findall(r"(--as-[a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;", CSS.read_text(encoding="utf-8")))


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_known_values() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#ffffff", "#0d6efd"), 2) == 4.5  # white on Bootstrap's primary blue
    assert contrast("#8ab6fe", "#0d6efd") < 2.5  # the old inactive menu link (white at 55 %) on it


def test_every_colour_pair_meets_wcag_aa() -> None:
    colours = _variables()
    low = []
    for fg, bg in PAIRS:
        a, b = colours.get(fg, fg), colours.get(bg, bg)
        ratio = contrast(a, b)
        if ratio < 4.5:
            low.append(f"{fg} {a} on {bg} {b}: {ratio:.2f}")
    assert len(colours) >= 7
    assert low == []


class Inputs(HTMLParser):
    """Every input, select and textarea a person fills in, and the labels of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self._label_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"] or "")
        if tag in ("input", "select", "textarea"):
            if tag == "input" and (a.get("type") or "text") in ("hidden", "submit", "button", "reset", "image"):
                return
            self.fields.append({**a, "_tag": tag, "_in_label": "1" if self._label_depth else None})

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._label_depth:
            self._label_depth -= 1


def unlabelled(html: str) -> list[str]:
    parser = Inputs()
    parser.feed(html)
    out = []
    for field in parser.fields:
        named = (
            field.get("aria-label")
            or field.get("aria-labelledby")
            or field.get("title")
            or field["_in_label"]
            or (field.get("id") and field["id"] in parser.label_for)
        )
        if not named:
            out.append(f"<{field['_tag']} name={field.get('name')!r} id={field.get('id')!r}>")
    return out


@pytest.mark.django_db
def test_every_input_of_the_main_pages_has_a_label() -> None:
    seed()
    problems = []
    inputs = 0
    quote_lines = board = False
    for role, url, html in rendered_pages():
        inputs += html.count("<input") + html.count("<select")
        quote_lines |= 'id="quote-lines"' in html
        board |= "board-dispatch" in html
        problems += [f"{role} {url}: {field}" for field in unlabelled(html)]
    assert inputs > 100
    assert quote_lines, "a quotation's line inputs were checked"
    assert board, "the dispatch board's inputs were checked"
    assert problems == []


def test_the_label_check_finds_an_unlabelled_input() -> None:
    assert unlabelled('<label for="a">A</label><input id="a"><input name="b" id="b">') == ["<input name='b' id='b'>"]
    assert unlabelled('<label>A <select name="s"></select></label><input aria-label="x">') == []


@pytest.mark.django_db
def test_a_refused_form_focuses_its_first_invalid_field(make_user) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(make_user("agent"))
    customer = CustomerFactory()
    response = client.post(reverse("service:request_create"), {"customer": customer.pk, "fault": ""})
    assert response.status_code == 422
    html = response.content.decode()
    focused = re.findall(r"<(?:input|select|textarea)[^>]*\bautofocus\b[^>]*>", html)
    assert len(focused) == 1, focused
    assert "is-invalid" in focused[0]
    assert 'aria-invalid="true"' in focused[0]


@pytest.mark.django_db
def test_pages_link_a_favicon_that_is_served(make_user) -> None:
    client = Client()
    client.force_login(make_user("agent"))
    html = client.get(reverse("web:home")).content.decode()
    found = re.search(r'<link rel="icon" href="([^"]+)"', html)
    assert found
    path = Path(aftersales.__file__).parent / "web" / "static" / found.group(1).split("/static/", 1)[1]
    assert path.read_text(encoding="utf-8").startswith("<svg")


# Ceilings on each role's menu (issue 13, point 11). The exact entries are pinned by
# tests/access/test_pages.py (NOT_IN_MENU); these caps fail when a new page lands in a menu without
# taking another out. Raised in stop 19 only for pages the role works in every day: the engineer's van
# stock and site checks (P3, V1), the agent's callback queue (V2), the head's dashboard (issue 16),
# R&D's statistics (Q1), the warehouse's parts catalogue and stock (P1). Issue 15: the hotline's
# consultation register (C8) and the administrator's fields of that register; issue 16: the
# administrator's archiving of records past their keep time (Q6). Stop 21: manufacturing reads the
# approved analysis tables only (Q1).
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "most"),
    [
        ("engineer", 7),
        ("agent", 12),
        ("team_lead", 13),
        ("cs_manager", 13),
        ("admin", 8),
        ("rnd", 4),
        ("warehouse", 7),
        ("manufacturing", 1),
    ],
)
def test_menus_are_short_and_grouped(role: str, most: int, make_user) -> None:
    groups = menu_groups_for(actor_for(make_user(role)))
    items = [item for group in groups for item in group["items"]]
    assert 1 <= len(items) <= most, [i["label"] for i in items]
    assert [g["key"] for g in groups] == [k for k in ("work", "customers", "admin") if k in {g["key"] for g in groups}]


@pytest.mark.django_db
def test_the_menu_renders_groups_as_labelled_dropdowns(make_user) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(make_user("cs_manager"))
    html = client.get(reverse("web:home")).content.decode()
    assert 'data-menu-group="customers"' in html
    assert 'data-menu-group="admin"' in html
    assert "客户与设备" in html
    assert "管理" in html
