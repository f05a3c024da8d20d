"""Issue 13, points 1, 7 and 11 in real Chromium: every role's home page over the demo data, at the
role's screen size (the desk 1366×768, the engineer and the portal customer 390×844), screenshotted
into test-results/home-<role>.png; what it shows has no internal codes, login names or rule keys (a
rule id only as a small reference), and nothing is wider than the screen."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.core.selectors import display_name
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "Demo-2026-aftersales"  # seed_demo's
DESK = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
ON_THE_PHONE = {"engineer", "customer"}
RULE_KEY = re.compile(r"\b[A-Z]\d+\.[a-z_]+")  # S6.respond_minutes
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")  # cs_manager, to_countersign, on_site …
RULE_ID = re.compile(r"(?<![\w.-])[A-Z]\d{1,2}(?![\w.-])")  # S11, A3, K7 as text
SMALL_REFERENCE = ".rule-ref, small, .small, .text-muted"


def _visible_text(page: Page, *, small: bool) -> str:
    """The page's text, without small references (where a rule id may appear) unless `small`."""
    if small:
        return page.locator("body").inner_text()
    return page.evaluate(
        """(small) => { const body = document.body.cloneNode(true);
             body.querySelectorAll(small + ', script, style, template').forEach(e => e.remove());
             return body.innerText; }""",
        SMALL_REFERENCE,
    )


@pytest.mark.parametrize("role", Role.values)
def test_each_roles_home_page_speaks_plainly_at_its_screen_size(live_server: Any, page: Page, role: str) -> None:
    call_command("seed_demo", "--customers", "6", "--units", "12", "--seed", "7")
    user = User.objects.get(username=role)
    logins = {u.username for u in User.objects.all() if display_name(u) != u.username}
    page.set_viewport_size(DESK)
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(role)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#login-submit").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    expect(page.locator("#user-menu")).to_contain_text(display_name(user))
    size = PHONE if role in ON_THE_PHONE else DESK
    page.set_viewport_size(size)
    page.reload()
    screenshot(page, f"home-{role}")

    # staff may see a rule id as a small reference; a customer sees none (portal: no internal explanations)
    text = _visible_text(page, small=role == "customer")
    assert not RULE_ID.findall(text), RULE_ID.findall(text)
    assert not RULE_KEY.findall(text), RULE_KEY.findall(text)
    assert not CODE.findall(text), CODE.findall(text)
    shown_logins = [w for w in re.findall(r"[A-Za-z_][\w.]*", text) if w in logins]
    assert shown_logins == [], (shown_logins, text)
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    if role != "admin":  # the bell in sight without opening the menu, on the phone too
        expect(page.locator("#notification-bell")).to_be_visible()
