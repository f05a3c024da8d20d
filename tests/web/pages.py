"""Pages of each role rendered over the seeded demo data (`seed_demo`), for the checks of what people
read on them (test_plain_language) and how they can use them (test_accessibility)."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse

from aftersales.accounts.models import User
from aftersales.accounts.selectors import actor_for
from aftersales.policies.services import policy_set
from aftersales.service.models import ServiceRequest

STAFF_ROLES = ("agent", "team_lead", "cs_manager", "engineer", "gm", "admin")
STAFF_PAGES = (
    "web:home",
    "service:request_list",
    "service:request_create",
    "service:board",
    "service:engineer_jobs",
    "service:handins",
    "complaints:complaint_list",
    "approvals:approval_queue",
    "customers:lookup",
    "customers:list",
    "web:audit",
)
PORTAL_PAGES = ("portal:home", "portal:request_list", "portal:request_create", "portal:complaint_list")


def seed() -> None:
    """The demo data, plus a changed regulation value (a policy.changed event on the audit page)."""
    call_command("seed_demo", "--customers", "6", "--units", "12", "--seed", "7")
    admin = User.objects.get(username="admin")
    policy_set(actor=actor_for(admin), key="S6.respond_minutes", value=45, note="test")


def rendered_pages() -> Iterator[tuple[str, str, str]]:
    """(role, url, html) of every page a demo user of each role may open: the menu's pages, and the
    pages of the first service requests in each state."""
    numbers = []
    seen: set[str] = set()
    for sr in ServiceRequest.objects.order_by("pk"):
        if sr.state not in seen:
            seen.add(sr.state)
            numbers.append(sr.number)
    for role in (*STAFF_ROLES, "customer"):
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(User.objects.get(username=role))
        names = PORTAL_PAGES if role == "customer" else STAFF_PAGES
        urls = []
        for name in names:
            try:
                urls.append(reverse(name))
            except NoReverseMatch:
                continue
        detail = "portal:request_detail" if role == "customer" else "service:request_detail"
        urls += [reverse(detail, args=[number]) for number in numbers]
        if role == "engineer":
            urls += [reverse("service:engineer_job", args=[number]) for number in numbers]
        if role != "customer":
            urls += [reverse("service:quote_page", args=[number]) for number in numbers]
        for url in urls:
            response = client.get(url)
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                yield role, url, response.content.decode()


class PageText(HTMLParser):
    """What a reader sees or hears: text outside script/style, and title, aria-label, placeholder."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def page_text(html: str) -> list[str]:
    parser = PageText()
    parser.feed(html)
    return parser.parts


class ReferenceSplit(PageText):
    """Visible text split in two: the small rule references (`.rule-ref`, decision 0022) and the rest."""

    def __init__(self) -> None:
        super().__init__()
        self.references: list[str] = []
        self._in_reference = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        super().handle_starttag(tag, attrs)
        if tag == "small" and "rule-ref" in (dict(attrs).get("class") or "").split():
            self._in_reference = True

    def handle_endtag(self, tag: str) -> None:
        super().handle_endtag(tag)
        if tag == "small":
            self._in_reference = False

    def handle_data(self, data: str) -> None:
        if self._in_reference and data.strip():
            self.references.append(data.strip())
        else:
            super().handle_data(data)


def text_and_references(html: str) -> tuple[str, list[str]]:
    """(the visible text outside the small rule references, the references)."""
    parser = ReferenceSplit()
    parser.feed(html)
    return " ".join(parser.parts), parser.references
