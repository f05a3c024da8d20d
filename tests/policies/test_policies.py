"""Policies: SPEC defaults, versioned changes, validation, the administrator page."""

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.core.errors import PermissionDenied, ValidationFailed
from aftersales.policies.models import PolicyVersion
from aftersales.policies.selectors import policy_get
from aftersales.policies.services import policy_set


@pytest.mark.django_db
def test_a3_c9_defaults_are_the_spec_values_at_version_0():
    assert policy_get("A3.warranty_months").value == 24
    assert policy_get("A3.production_offset_months").value == 3
    assert policy_get("C9.tiers").value == {"same_city": 1, "same_province": 3, "remote": 7}
    assert policy_get("C9.tiers").version == 0


@pytest.mark.django_db
def test_a3_change_creates_a_new_version_and_keeps_the_old(make_user, actor_of):
    admin = actor_of(make_user("admin"))
    first = policy_set(actor=admin, key="A3.warranty_months", value=36, note="3 年质保")
    second = policy_set(actor=admin, key="C9.tiers", value={"same_city": 1, "same_province": 2, "remote": 7})
    assert (first.number, second.number) == (1, 2)
    assert policy_get("A3.warranty_months").value == 36
    assert policy_get("A3.warranty_months").version == 2
    assert PolicyVersion.objects.get(number=1).values == {"A3.warranty_months": 36}
    assert PolicyVersion.objects.get(number=2).values["C9.tiers"]["same_province"] == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("A3.warranty_months", -1),
        ("A3.warranty_months", "24"),
        ("A3.warranty_months", True),
        ("C9.tiers", {"same_city": 1}),
        ("C9.tiers", {"same_city": 1, "same_province": 3, "remote": 7, "moon": 99}),
    ],
)
def test_invalid_values_are_refused_and_nothing_is_stored(make_user, actor_of, key, value):
    admin = actor_of(make_user("admin"))
    with pytest.raises(ValidationFailed):
        policy_set(actor=admin, key=key, value=value)
    assert PolicyVersion.objects.count() == 0


@pytest.mark.django_db
def test_only_administrators_change_policies(make_user, actor_of):
    with pytest.raises(PermissionDenied):
        policy_set(actor=actor_of(make_user("cs_manager")), key="A3.warranty_months", value=12)
    assert PolicyVersion.objects.count() == 0


@pytest.mark.django_db
def test_policy_page_change_creates_version_and_shows_errors_in_chinese(client, make_user):
    make_user("admin", username="boss")
    from tests.conftest import PASSWORD

    client.login(username="boss", password=PASSWORD)
    page = client.get("/policies/")
    assert page.status_code == 200
    assert "A3.warranty_months" in page.content.decode()
    bad = client.post("/policies/A3.warranty_months/edit/", {"value": "abc", "note": "x", "action": "save"})
    assert bad.status_code == 200
    assert "整数" in bad.content.decode()
    assert PolicyVersion.objects.count() == 0
    ok = client.post("/policies/A3.warranty_months/edit/", {"value": "36", "note": "新合同", "action": "save"})
    assert ok.status_code == 302
    assert policy_get("A3.warranty_months").value == 36


@pytest.mark.django_db
def test_policy_api_read_and_change(api_as):
    admin = api_as("admin")
    rows = {r["key"]: r for r in admin.get("policies").json()}
    assert rows["A3.warranty_months"]["value"] == 24
    changed = admin.put("policies/A3.warranty_months", {"value": 30, "note": "api"})
    assert changed.status_code == 200
    assert changed.json()["number"] == 1
    refused = api_as("agent").put("policies/A3.warranty_months", {"value": 12})
    assert refused.status_code == 403
    assert policy_get("A3.warranty_months").value == 30
    later = (timezone.now() + dt.timedelta(days=1)).isoformat()
    scheduled = admin.put("policies/A3.warranty_months", {"value": 36, "effective_from": later})
    assert scheduled.status_code == 200
    assert policy_get("A3.warranty_months").value == 30  # not before its time
    stale = admin.put("policies/A3.warranty_months", {"value": 12, "expected_version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "policy_changed_meanwhile"


@pytest.mark.django_db
def test_policy_page_changes_a_deadline_unit_and_shows_it_in_chinese(client, make_user):
    from tests.conftest import PASSWORD

    make_user("admin", username="boss")
    client.login(username="boss", password=PASSWORD)
    assert "5 工作日" in client.get("/policies/").content.decode()  # K5.close default

    bad = client.post("/policies/K5.close/edit/", {"amount": "6", "unit": "weeks", "note": "001 §25", "action": "save"})
    assert bad.status_code == 200
    assert 'data-field-error="unit"' in bad.content.decode()
    assert PolicyVersion.objects.count() == 0

    ok = client.post("/policies/K5.close/edit/", {"amount": "6", "unit": "days", "note": "001 §25", "action": "save"})
    assert ok.status_code == 302
    assert policy_get("K5.close").value == {"amount": 6, "unit": "days"}
    assert "6 天" in client.get("/policies/").content.decode()
