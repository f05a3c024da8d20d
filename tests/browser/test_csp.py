"""The Content-Security-Policy in real Chromium (issue 12, point 8): the pages and their scripts
still work under it — htmx lookup, the language switch, the error page's back link, the Ninja docs
page (Swagger UI served locally) — and an inline script is refused. The autouse `no_page_errors`
fixture (tests/browser/conftest.py) fails each test on any console error, CSP refusals included."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from aftersales.api import api
from tests.browser.conftest import login
from tests.customers.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_carry_a_policy_without_unsafe_inline(live_server: Any, page: Page, make_user: Any) -> None:
    make_user("agent", username="agent_csp")
    login(page, live_server, "agent_csp")

    response = page.goto(f"{live_server.url}/customers/lookup/")

    assert response is not None
    policy = response.headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"  # + 'nonce-…' on a page that uses {{ request.csp_nonce }}
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_htmx_lookup_works_under_the_policy(live_server: Any, page: Page, make_user: Any) -> None:
    make_user("agent", username="agent_csp")
    CustomerFactory(name="上海华东机械有限公司", phone="021 6234 5678")
    login(page, live_server, "agent_csp")
    page.goto(f"{live_server.url}/customers/lookup/")

    page.locator("#lookup-q").fill("华东机械")

    expect(page.locator("#lookup-results")).to_contain_text("上海华东机械有限公司")


def test_language_switch_submits_from_the_static_script(live_server: Any, page: Page, make_user: Any) -> None:
    make_user("agent", username="agent_csp")
    login(page, live_server, "agent_csp")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    page.locator("select[name='language']").select_option("en")

    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_back_link_of_the_error_page_goes_back(live_server: Any, page: Page, make_user: Any) -> None:
    """web/error.html's back link (data-history-back, handled by web/app.js: no javascript: URL)."""
    make_user("agent", username="agent_csp")
    login(page, live_server, "agent_csp")
    page.goto(f"{live_server.url}/customers/lookup/")
    page.goto(f"{live_server.url}/")
    page.evaluate(
        "() => { const a = document.createElement('a'); a.id = 'error-back'; a.href = '/service/requests/';"
        " a.textContent = 'back'; a.setAttribute('data-history-back', ''); document.body.prepend(a); }"
    )

    page.locator("#error-back").click()

    page.wait_for_url(f"{live_server.url}/customers/lookup/")


def test_api_docs_render_swagger_ui_under_the_policy(live_server: Any, page: Page, make_user: Any) -> None:
    make_user("agent", username="agent_csp")
    login(page, live_server, "agent_csp")
    with translation.override("zh-hans"):
        api.get_openapi_schema()  # built once per process (seconds on a busy machine): not in the page's wait

    page.goto(f"{live_server.url}/api/v1/docs")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("aftersales API")
    expect(page.locator(".opblock").first).to_be_visible()


def test_an_inline_script_is_refused(live_server: Any, page: Page, make_user: Any, no_page_errors: list[str]) -> None:
    make_user("agent", username="agent_csp")
    login(page, live_server, "agent_csp")
    page.goto(f"{live_server.url}/customers/lookup/")

    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
        " document.body.appendChild(s); }"
    )

    assert page.evaluate("window.injected") is None
    assert len(no_page_errors) == 1
    assert "Content Security Policy" in no_page_errors[0]
    no_page_errors.clear()
