"""Pages speak plain Chinese (issue 13, point 7): no rule keys ("S6.respond_minutes"), no raw state
codes ("signed → closed"), no event actions ("policy.changed"), no login names where a person's name
belongs, and the portal shows customers no clock explanations."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import translation

from aftersales.accounts.models import User
from aftersales.core.events import ACTION_LABELS
from aftersales.core.selectors import action_label, display_name
from tests.web.pages import page_text, rendered_pages, seed

RULE_KEY = re.compile(r"\b[A-Z]\d+\.[a-z_]+")
STATE_MOVE = re.compile(r"\b[a-z_]{3,} → [a-z_]{3,}\b")


def _event_action_pattern() -> re.Pattern[str]:
    """A dotted "<record>.<word>": every registered action and any other <model name>.<word>."""
    prefixes = {model._meta.model_name for model in apps.get_models()} | {a.split(".")[0] for a in ACTION_LABELS}
    return re.compile(r"(?<![\w@/.-])(?:{})\.[a-z_]+\b".format("|".join(sorted(prefixes, key=len, reverse=True))))


@pytest.mark.django_db
def test_no_page_of_any_role_shows_internal_codes() -> None:
    seed()
    action = _event_action_pattern()
    logins = {u.username: display_name(u) for u in User.objects.all() if display_name(u) != u.username}
    login = re.compile(r"(?<![\w@.])({})(?![\w@.])".format("|".join(map(re.escape, logins))))
    problems = []
    roles_seen = set()
    pages = 0
    for role, url, html in rendered_pages():
        pages += 1
        roles_seen.add(role)
        for text in page_text(html):
            for pattern, what in ((RULE_KEY, "rule key"), (STATE_MOVE, "state codes"), (action, "event action")):
                problems += [f"{role} {url}: {what} {m.group(0)!r} in {text[:80]!r}" for m in pattern.finditer(text)]
            problems += [f"{role} {url}: login name {m.group(0)!r} in {text[:80]!r}" for m in login.finditer(text)]
        if role == "customer":
            assert "clock-explanation" not in html, url
    assert roles_seen == {"agent", "team_lead", "cs_manager", "engineer", "gm", "admin", "customer"}
    assert pages > 40
    print("\n".join(problems))  # noqa: T201 — every finding, not only the first the diff shows
    assert problems == []


@pytest.mark.django_db
def test_timelines_show_state_labels_and_names() -> None:
    seed()
    from aftersales.core.selectors import event_list_for
    from aftersales.service.models import ServiceRequest

    closed = ServiceRequest.objects.filter(state="closed").first() or ServiceRequest.objects.exclude(engineer=None)[0]
    events = event_list_for(closed)
    moves = [c for e in events for c in e["changes"] if c["field"] in ("状态", "state")]
    assert moves, events
    assert all(not re.fullmatch(r"[a-z_]+", str(c["new"])) for c in moves)
    engineer = User.objects.get(username="engineer")
    assigned = [c for e in events for c in e["changes"] if c["new"] == display_name(engineer)]
    assert assigned, "the dispatch shows the engineer's name"

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(User.objects.get(username="admin"))
    audit = client.get(reverse("web:audit")).content.decode()
    assert "规章取值已更改" in audit
    assert "取值: " in audit
    assert "（规则 S6）" in audit


def test_unregistered_actions_are_put_in_words() -> None:
    with translation.override("zh-hans"):
        assert action_label("policy.changed") == "规章取值已更改"
        assert action_label("nosuchrecord.frobbed") == "记录已更改"
    assert action_label("servicerequest.closed")
    assert "." not in action_label("nosuchrecord.frobbed")
    assert "." not in action_label("quote.frobbed")


@pytest.mark.django_db
def test_display_name_falls_back_to_the_login_name_only_without_a_name(make_user) -> None:
    user = make_user("agent", username="lhy")
    assert display_name(user) == "lhy"
    user.first_name, user.last_name = "华", "李"
    assert display_name(user) in ("华 李", "李 华", "李华")
    user.display_name = "李华"
    assert display_name(user) == "李华"
