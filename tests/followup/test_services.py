"""V3: the customer rates the engineer after a signed or closed service — once, only their own."""

from __future__ import annotations

import base64
import io

import pytest
from django.contrib.auth.models import Permission

from aftersales.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.models import Event
from aftersales.followup.models import ServiceRating
from aftersales.followup.selectors import rating_for_request, rating_pending, rating_scope, rating_summary
from aftersales.followup.services import rating_create
from aftersales.service import services

pytestmark = pytest.mark.django_db
LEVELS = {"attitude": "very_satisfied", "skill": "satisfied", "arrival_time": "average", "promises_kept": "poor"}


def _png() -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


@pytest.fixture
def portal_user(make_user, actor_of, customer):
    return actor_of(make_user("customer", username="kehu1", display_name="王科长", customer_id=customer.pk))


@pytest.fixture
def phone_agent(make_user, actor_of):
    user = make_user("agent", username="hotline")
    user.user_permissions.add(Permission.objects.get(codename="add_servicerating"))
    return actor_of(type(user).objects.get(pk=user.pk))  # fresh permission cache


def _completed(staff, new_request):
    request = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=request.number)
    services.service_request_complete(
        actor=staff["engineer"],
        number=request.number,
        resolution="on_site",
        work_summary="更换主轴轴承，试机正常",
        self_check_passed=True,
    )
    return request


@pytest.fixture
def signed(staff, new_request):
    request = _completed(staff, new_request)
    return services.service_request_sign_off(
        actor=staff["engineer"], number=request.number, signature=_png(), signed_by_name="王工"
    )


def test_v3_customer_rates_the_engineer_once_on_the_portal(staff, signed, portal_user):
    assert rating_pending(signed)
    rating = rating_create(actor=portal_user, number=signed.number, comment="工程师很专业", **LEVELS)
    assert (rating.engineer_id, rating.customer_id, rating.customer_user_id) == (
        staff["engineer"].pk,
        signed.customer_id,
        portal_user.pk,
    )
    assert (rating.channel, rating.respondent_name, rating.comment) == ("portal", "王科长", "工程师很专业")
    assert [rating.attitude, rating.skill, rating.arrival_time, rating.promises_kept] == list(LEVELS.values())
    event = Event.objects.get(action="servicerating.created")
    assert (event.rule, event.subject_id, event.data["engineer"]) == ("V3", str(signed.pk), "eng1")
    assert not rating_pending(signed)
    with pytest.raises(Conflict) as exc:
        rating_create(actor=portal_user, number=signed.number, **LEVELS)
    assert exc.value.code == "already_rated"
    assert ServiceRating.objects.count() == 1


def test_v3_agent_records_a_phone_rating_on_a_closed_request(staff, signed, phone_agent):
    services.service_request_close(actor=staff["cs_manager"], number=signed.number)
    with pytest.raises(ValidationFailed) as exc:
        rating_create(actor=phone_agent, number=signed.number, **LEVELS)
    assert "respondent_name" in exc.value.fields
    rating = rating_create(actor=phone_agent, number=signed.number, respondent_name="李科长", **LEVELS)
    assert (rating.channel, rating.customer_user_id, rating.recorded_by_id) == ("phone", None, phone_agent.pk)


def test_v3_refusals_change_nothing(staff, new_request, portal_user, make_user, actor_of, city):
    from tests.installed_base.factories import CustomerFactory

    completed = _completed(staff, new_request)
    with pytest.raises(Conflict) as exc:  # completed, not signed yet
        rating_create(actor=portal_user, number=completed.number, **LEVELS)
    assert exc.value.code == "not_rateable"
    services.service_request_sign_off(
        actor=staff["engineer"], number=completed.number, signature=_png(), signed_by_name="王工"
    )
    other = actor_of(make_user("customer", username="other", customer_id=CustomerFactory(region=city).pk))
    with pytest.raises(NotFound):
        rating_create(actor=other, number=completed.number, **LEVELS)
    with pytest.raises(PermissionDenied):  # the engineer does not record their own rating
        rating_create(actor=staff["engineer"], number=completed.number, respondent_name="x", **LEVELS)
    with pytest.raises(ValidationFailed) as exc:
        rating_create(actor=portal_user, number=completed.number, **{**LEVELS, "skill": "excellent"})
    assert list(exc.value.fields) == ["skill"]
    assert not ServiceRating.objects.exists()
    assert not Event.objects.filter(action="servicerating.created").exists()


def test_v3_scope_and_summary(staff, signed, portal_user, make_user, actor_of, city):
    from tests.installed_base.factories import CustomerFactory

    rating = rating_create(actor=portal_user, number=signed.number, **LEVELS)
    other = actor_of(make_user("customer", username="other", customer_id=CustomerFactory(region=city).pk))
    assert list(rating_scope(portal_user)) == [rating]
    assert list(rating_scope(other)) == []
    assert list(rating_scope(staff["engineer"])) == [rating]  # their own ratings
    assert list(rating_scope(staff["engineer2"])) == []
    assert rating_for_request(portal_user, signed) == rating
    summary = rating_summary(staff["engineer"], engineer_id=staff["engineer"].pk)
    assert summary["attitude"] == {"very_satisfied": 1, "satisfied": 0, "average": 0, "poor": 0}
    assert summary["promises_kept"] == {"very_satisfied": 0, "satisfied": 0, "average": 0, "poor": 1}
