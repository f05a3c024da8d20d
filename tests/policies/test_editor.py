"""The policy editor (issue 13.6): a form per value shape that round-trips, per-key effective times
(a future change takes effect at its time only), preview, history with old → new and approvals."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Annotated

import pytest
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from pydantic import Field, TypeAdapter

from aftersales.policies import shapes
from aftersales.policies.defaults import POLICIES, PolicyDef
from aftersales.policies.forms import policy_form
from aftersales.policies.models import PolicyVersion
from aftersales.policies.selectors import policy_default, policy_get
from aftersales.policies.services import policy_set
from tests.conftest import PASSWORD


def _posted(form) -> MultiValueDict:
    """What a browser sends for the form as displayed (its initial values)."""
    data = MultiValueDict()
    for name, _field in form.fields.items():
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            data.setlist(name, [str(v) for v in value])
        elif value is not None:
            data[name] = str(value)
    data["note"] = "往返"
    return data


def _text(response) -> str:
    body = response.content.decode()
    body = body[body.find("<main") :] if "<main" in body else body
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body)))


SYNTHETIC = [
    PolicyDef(key="T.flag", rule="T", adapter=TypeAdapter(bool), default=True, label="开关", help=""),
    PolicyDef(key="T.list", rule="T", adapter=TypeAdapter(list[str]), default=["甲", "乙"], label="列表", help=""),
    PolicyDef(
        key="T.numbers",
        rule="T",
        adapter=TypeAdapter(list[Annotated[int, Field(ge=0)]]),
        default=[1, 5],
        label="数列",
        help="",
    ),
    PolicyDef(key="T.free", rule="T", adapter=TypeAdapter(dict[str, str]), default={"甲": "乙"}, label="其他", help=""),
]


@pytest.fixture
def synthetic(monkeypatch):
    for definition in SYNTHETIC:
        monkeypatch.setitem(POLICIES, definition.key, definition)
    shapes.schema_of.cache_clear()
    yield {d.key: d for d in SYNTHETIC}
    shapes.schema_of.cache_clear()


def test_every_declared_key_gets_a_form_of_its_shape():
    expected = {
        "A3.warranty_months": shapes.INTEGER,
        "X2.warn_share": shapes.SHARE,
        "K5.close": shapes.DURATION,
        "C9.tiers": shapes.TIERS,
        "K7.limits": shapes.LIMITS,
        "X2.escalation": shapes.LADDERS,
        "K2.owner_role": shapes.CHOICE,
    }
    for key, shape in expected.items():
        assert shapes.policy_shape(POLICIES[key]) == shape
    assert all(shapes.policy_shape(d) != shapes.JSON for d in POLICIES.values())  # no raw JSON for known keys


@pytest.mark.parametrize("key", sorted(POLICIES))
def test_form_round_trips_the_default_of_every_key(key):
    definition = POLICIES[key]
    default = policy_default(key)
    shown = policy_form(definition, value=default, clocks=True)
    form = policy_form(definition, value=default, data=_posted(shown), clocks=True)
    assert form.is_valid(), form.errors
    assert definition.validate(form.value_of()) == default


@pytest.mark.parametrize(
    ("key", "shape", "value"),
    [
        ("T.flag", shapes.BOOLEAN, True),
        ("T.flag", shapes.BOOLEAN, False),
        ("T.list", shapes.LIST, ["甲", "乙"]),
        ("T.numbers", shapes.LIST, [1, 5]),
        ("T.free", shapes.JSON, {"甲": "乙"}),
    ],
)
def test_form_round_trips_booleans_lists_and_the_json_fallback(synthetic, key, shape, value):
    definition = synthetic[key]
    assert shapes.policy_shape(definition) == shape
    form = policy_form(definition, value=value, data=_posted(policy_form(definition, value=value)))
    assert form.is_valid(), form.errors
    assert definition.validate(form.value_of()) == value


def test_form_round_trips_a_changed_ladder_and_limits():
    ladders = policy_default("X2.escalation")
    ladders["ladders"]["respond"].append(
        {
            "at": "breach",
            "after_minutes": 60,
            "notify": ["role:vp"],
            "raise_level": True,
            "reassign_to": "department_head",
        }
    )
    del ladders["ladders"]["solve"]
    definition = POLICIES["X2.escalation"]
    form = policy_form(definition, value=ladders, data=_posted(policy_form(definition, value=ladders)))
    assert form.is_valid(), form.errors
    assert definition.validate(form.value_of()) == definition.validate(ladders)
    limits = {"lower": 2000, "upper": 8000, "roles": {"below": "vp", "between": "vp", "above": "gm"}}
    definition = POLICIES["K7.limits"]
    form = policy_form(definition, value=limits, data=_posted(policy_form(definition, value=limits)))
    assert form.is_valid(), form.errors
    assert form.value_of() == limits


def test_values_and_defaults_are_shown_formatted_never_as_python():
    assert shapes.value_text(POLICIES["K5.close"], policy_default("K5.close")) == "5 工作日"
    assert shapes.value_text(POLICIES["X2.warn_share"], 0.75) == "75%"
    tiers = shapes.value_text(POLICIES["C9.tiers"], policy_default("C9.tiers"))
    assert "同城 1 天" in tiers
    assert "{" not in tiers
    limits = shapes.value_text(POLICIES["K7.limits"], policy_default("K7.limits"))
    assert "副总经理" in limits
    assert "'" not in limits


# --- effective time per key (regression: a future change was brought forward by the next edit) ---


@pytest.mark.django_db
def test_a_future_change_takes_effect_at_its_time_not_with_the_next_edit_of_another_key(make_user, actor_of):
    admin = actor_of(make_user("admin"))
    later = timezone.now() + dt.timedelta(days=2)
    policy_set(actor=admin, key="K5.contact", value={"amount": 2, "unit": "working_hours"}, effective_from=later)
    # another key changed now: before the fix this copied the future K5.contact into a version in force now
    policy_set(actor=admin, key="S1.backdate_days", value=10)
    assert policy_get("K5.contact").value == {"amount": 4, "unit": "working_hours"}
    assert policy_get("S1.backdate_days").value == 10
    # at its time it is in force, and the other key's change still is
    assert policy_get("K5.contact", at=later + dt.timedelta(seconds=1)).value == {"amount": 2, "unit": "working_hours"}
    assert policy_get("S1.backdate_days", at=later + dt.timedelta(seconds=1)).value == 10
    assert policy_get("K5.contact", at=later - dt.timedelta(seconds=1)).value == {"amount": 4, "unit": "working_hours"}


@pytest.mark.django_db
def test_a_change_of_another_key_does_not_cancel_a_scheduled_one(make_user, actor_of):
    admin = actor_of(make_user("admin"))
    later = timezone.now() + dt.timedelta(days=2)
    policy_set(actor=admin, key="A3.warranty_months", value=36, effective_from=later)
    policy_set(actor=admin, key="A3.production_offset_months", value=6)  # newer number, in force earlier
    policy_set(actor=admin, key="K8.negligence_points", value=5, effective_from=later - dt.timedelta(days=1))
    after = later + dt.timedelta(minutes=1)
    assert (
        policy_get("A3.warranty_months", at=after).value,
        policy_get("A3.production_offset_months", at=after).value,
    ) == (
        36,
        6,
    )
    assert policy_get("K8.negligence_points", at=after).value == 5


# --- pages ---


@pytest.fixture
def boss(client, make_user):
    user = make_user("admin", username="boss", display_name="王主管")
    client.login(username="boss", password=PASSWORD)
    return user


@pytest.mark.django_db
def test_edit_page_shows_plain_language_and_errors_in_chinese_next_to_the_field(client, boss):
    page = client.get("/policies/K7.limits/edit/")
    text = _text(page)
    assert "核决权限" in text
    assert "K7.limits" not in text
    assert "（第 0 版）" not in text
    bad = client.post(
        "/policies/K7.limits/edit/",
        {
            "lower": "9000",
            "upper": "100",
            "below": "sales_manager",
            "between": "vp",
            "above": "gm",
            "note": "x",
            "action": "preview",
        },
    )
    body = bad.content.decode()
    assert 'data-field-error="upper"' in body
    assert "上限不得低于下限" in body
    assert re.search(r'name="upper"[^>]*autofocus', body)  # the first field in error has the focus
    bad = client.post("/policies/K5.close/edit/", {"amount": "0", "unit": "days", "note": "x", "action": "save"})
    assert 'data-field-error="amount"' in bad.content.decode()
    assert "确保该值大于或等于1" in _text(bad)
    assert PolicyVersion.objects.count() == 0


@pytest.mark.django_db
def test_edit_previews_then_saves_with_effective_time(client, boss):
    when = timezone.localtime(timezone.now() + dt.timedelta(days=3)).replace(second=0, microsecond=0)
    data = {"amount": "6", "unit": "days", "note": "001 §25", "effective_from": when.strftime("%Y-%m-%dT%H:%M")}
    preview = client.post("/policies/K5.close/edit/", {**data, "action": "preview"})
    text = _text(preview)
    assert "5 工作日 → 6 天" in text
    assert PolicyVersion.objects.count() == 0  # a preview changes nothing
    saved = client.post("/policies/K5.close/edit/", {**data, "action": "save"})
    assert saved.status_code == 302
    assert saved.url == "/policies/K5.close/history/"
    version = PolicyVersion.objects.get()
    assert version.effective_from == when
    assert policy_get("K5.close").value == {"amount": 5, "unit": "working_days"}  # not yet
    assert policy_get("K5.close", at=when).value == {"amount": 6, "unit": "days"}


@pytest.mark.django_db
def test_a_stale_editor_cannot_overwrite_a_change_made_meanwhile(client, boss, actor_of):
    page = client.get("/policies/A3.warranty_months/edit/")
    assert 'name="expected_version" value="0"' in page.content.decode()
    policy_set(actor=actor_of(boss), key="A3.warranty_months", value=30)
    late = client.post(
        "/policies/A3.warranty_months/edit/", {"value": "12", "note": "x", "expected_version": "0", "action": "save"}
    )
    assert late.status_code == 200
    assert "有人" in _text(late) or "刷新" in _text(late)
    assert policy_get("A3.warranty_months").value == 30


@pytest.mark.django_db
def test_history_shows_old_new_who_when_and_the_approval(client, boss, make_user, actor_of):
    from aftersales.approvals.services import approval_decide

    policy_set(
        actor=actor_of(boss), key="C9.tiers", value={"same_city": 1, "same_province": 2, "remote": 7}, note="省内提速"
    )
    pending = policy_set(
        actor=actor_of(boss),
        key="K7.limits",
        value={"lower": 2000, "upper": 8000, "roles": {"below": "sales_manager", "between": "vp", "above": "gm"}},
        note="调整权限",
    )
    gm = make_user("gm", username="gm1", display_name="李总")
    approval_decide(actor=actor_of(gm), approval_id=pending.pk, approve=True)

    tiers = _text(client.get("/policies/C9.tiers/history/"))
    assert "省内 : 3 天 → 2 天" in tiers
    assert "王主管" in tiers
    assert "boss" not in tiers
    assert "省内提速" in tiers
    limits = _text(client.get("/policies/K7.limits/history/"))
    assert "下限 : 1000 元 → 2000 元" in limits
    assert "上限 : 5000 元 → 8000 元" in limits
    assert "李总" in limits  # the approver
    assert "K7.limits" not in limits


def test_a_choice_key_offers_its_values_by_name_and_refuses_others():
    definition = POLICIES["K2.owner_role"]
    shown = policy_form(definition, value="team_lead", clocks=False)
    choices = dict(shown.fields["value"].choices)
    assert set(choices) == {"agent", "team_lead", "cs_manager", "sales", "sales_manager"}
    assert all(label != code for code, label in choices.items())  # role names, never the codes
    assert shapes.value_text(definition, "cs_manager") == str(choices["cs_manager"])
    refused = policy_form(definition, value="team_lead", data={**_posted(shown), "value": "engineer"}, clocks=False)
    assert not refused.is_valid()
    assert "value" in refused.errors
