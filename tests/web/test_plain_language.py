"""Pages speak plain Chinese (issue 13, point 7): no rule keys ("S6.respond_minutes"), no raw state
codes ("signed → closed"), no event actions ("policy.changed"), no login names where a person's name
belongs, and the portal shows customers no clock explanations."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import translation

from aftersales.accounts.models import User
from aftersales.core.events import ACTION_LABELS
from aftersales.core.selectors import action_label, display_name
from tests.web.pages import page_text, rendered_pages, seed, text_and_references

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


# --- rule ids only as the small reference (0022): the request page and the approvals queue ---------------

RULE_ID = re.compile(r"(?<![\w.-])[A-Z]\d{1,2}(?![\w.-])")
VERSION_TEXT = re.compile(r"制度版本|规则版本|第 \d+ 版|policy version", re.IGNORECASE)


def _png() -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _zh_client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def _assert_plain(html: str) -> list[str]:
    """No rule id, policy key or policy version in the visible text outside `.rule-ref`; the references."""
    text, references = text_and_references(html)
    assert RULE_ID.findall(text) == [], text
    assert RULE_KEY.findall(text) == [], text
    assert VERSION_TEXT.findall(text) == [], text
    return references


@pytest.mark.django_db
@pytest.mark.parametrize("in_warranty", [True, False])
def test_the_request_page_explains_charging_in_plain_words(in_warranty, staff, customer, unit, new_request) -> None:
    from aftersales.service import services
    from tests.installed_base.factories import UnitFactory

    if not in_warranty:  # out of warranty since 2021, no contract: paid service
        unit = UnitFactory(customer=customer, acceptance_date=dt.date(2019, 3, 1), production_date=dt.date(2019, 1, 1))
    sr = new_request(serial=unit.serial)
    assert (sr.in_warranty, sr.charging_type) == ((True, "C") if in_warranty else (False, "A"))
    services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=sr.number)
    if in_warranty:  # through to the customer's signature: the manager's countersign form shows
        services.service_request_complete(
            actor=staff["engineer"], number=sr.number, resolution="on_site", work_summary="更换轴承",
            self_check_passed=True,
        )  # fmt: skip
        services.service_request_sign_off(
            actor=staff["engineer"], number=sr.number, signature=_png(), signed_by_name="王工"
        )

    page = _zh_client(staff["cs_manager"].user).get(reverse("service:request_detail", args=[sr.number])).content
    references = _assert_plain(page.decode())
    text, _ = text_and_references(page.decode())
    assert "保修：" in text
    assert "收费类型：" in text
    assert "（规则 S4）" in references
    assert any("规则 S6" in ref and "规则版本" in ref for ref in references)  # the clocks' own reference
    if in_warranty:
        assert 'id="action-close"' in page.decode()
        assert "会签并关闭" in text
        assert "（规则 S11）" in references
    else:
        assert "保修期已过" in text
        job = _zh_client(staff["engineer"].user).get(reverse("service:engineer_job", args=[sr.number])).content
        job_references = _assert_plain(job.decode())
        assert (
            "本机已过保修期，且没有覆盖本次服务的服务合同，因此本次维修为有偿服务。"
            in text_and_references(job.decode())[0]
        )
        assert "（规则 S4 · B1）" in job_references


@pytest.mark.django_db
def test_the_approvals_queue_explains_the_approver_in_plain_words(make_user, actor_of, staff, customer) -> None:
    from aftersales.approvals import services as approvals
    from aftersales.approvals.models import Approval

    gm = make_user("gm", username="gm1", display_name="王总")
    k7 = approvals.approval_request(
        actor=staff["agent"], subject=customer, kind="policy", purpose="discount", amount=Decimal("6000"),
        policy_key="K7.limits",
    )  # fmt: skip
    bare = approvals.approval_request(
        actor=staff["agent"], subject=customer, kind="policy", purpose="discount", amount=Decimal("7000"),
        policy_key="K7.limits",
    )  # fmt: skip
    Approval.objects.filter(pk=bare.pk).update(explanation={})  # as stored before approvals kept an explanation
    assert (k7.required_role, k7.rule, k7.policy_version) == ("gm", "K7", 0)

    page = _zh_client(gm).get(reverse("approvals:approval_queue")).content.decode()
    rows = {pk: row for pk, row in re.findall(r'<tr data-approval="(\d+)"[^>]*>(.*?)</tr>', page, re.S)}
    assert set(rows) == {str(k7.pk), str(bare.pk)}
    references = _assert_plain(page)
    k7_text, k7_refs = text_and_references(rows[str(k7.pk)])
    assert "6000.00 元。1000 元以下由销售部门经理核决" in k7_text
    assert "因此由总经理核决" in k7_text
    assert k7_refs == ["（规则 K7，规则版本 0）"]
    bare_text, bare_refs = text_and_references(rows[str(bare.pk)])
    assert "总经理" in bare_text
    assert "gm" not in bare_text.split()
    assert bare_refs == []
    assert "（规则 K7）" in references  # the authority note above the table


def test_rule_ref_shows_nothing_without_a_rule() -> None:
    from aftersales.web.templatetags.web import rule_ref

    assert rule_ref("") == ""
    with translation.override("zh-hans"):
        assert rule_ref("S4 · B1") == '<small class="text-body-secondary rule-ref">（规则 S4 · B1）</small>'
        assert "（规则 K7，规则版本 3）" in rule_ref("K7", 3)
