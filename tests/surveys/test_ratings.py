"""V3: the invitation to rate when a request is signed; the rating on the request page; the monthly
summary per engineer (four items × four answers), exportable."""

from __future__ import annotations

import base64
import io

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from aftersales.followup.services import rating_create
from aftersales.notifications.models import Notification
from aftersales.service import services

pytestmark = pytest.mark.django_db(transaction=True)


def _png() -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def test_signed_request_invites_rating_and_the_rating_shows(staff, new_request, customer, make_user, actor_of):
    from aftersales.customers.models import Contact

    Contact.objects.create(customer=customer, name="王科长", email="wang@example.cn", is_primary=True)
    portal = make_user("customer", username="kehu1", display_name="王科长", customer_id=customer.pk)
    request = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=request.number)
    services.service_request_complete(
        actor=staff["engineer"],
        number=request.number,
        resolution="on_site",
        work_summary="更换主轴轴承",
        self_check_passed=True,
    )
    mail.outbox.clear()
    services.service_request_sign_off(
        actor=staff["engineer"], number=request.number, signature=_png(), signed_by_name="王工"
    )
    invitation = Notification.objects.get(user=portal)
    assert request.number in invitation.title
    assert any("wang@example.cn" in m.to for m in mail.outbox)
    rating_create(
        actor=actor_of(portal),
        number=request.number,
        attitude="very_satisfied",
        skill="satisfied",
        arrival_time="average",
        promises_kept="poor",
    )
    client = Client()
    client.force_login(make_user("analyst"))
    page = client.get(f"/service/requests/{request.number}/").content.decode()
    assert 'id="engineer-rating"' in page
    month = timezone.localdate().strftime("%Y-%m")
    summary = client.get("/surveys/ratings/", {"month": month}).content.decode()
    assert "engineer-ratings" in summary
    export = client.get("/surveys/ratings/", {"month": month, "export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_poor_rating_opens_a_follow_up(staff, new_request, customer, make_user, actor_of):
    from aftersales.callbacks.models import Callback

    portal = make_user("customer", username="kehu2", customer_id=customer.pk)
    request = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=request.number)
    services.service_request_complete(
        actor=staff["engineer"],
        number=request.number,
        resolution="on_site",
        work_summary="更换主轴轴承",
        self_check_passed=True,
    )
    services.service_request_sign_off(
        actor=staff["engineer"], number=request.number, signature=_png(), signed_by_name="王工"
    )
    rating_create(
        actor=actor_of(portal),
        number=request.number,
        attitude="poor",
        skill="satisfied",
        arrival_time="average",
        promises_kept="satisfied",
        comment="态度差",
    )
    follow_up = Callback.objects.get(kind="low_score")
    assert follow_up.customer_id == customer.pk
    assert follow_up.assignee_role == "cs_manager"
    assert "态度差" in follow_up.reason


def test_a_contact_without_a_portal_account_rates_through_the_one_time_link(staff, new_request, customer):
    import re

    from aftersales.customers.models import Contact
    from aftersales.followup.models import ServiceRating

    Contact.objects.create(customer=customer, name="李主任", email="li@example.cn", is_primary=True)
    request = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=request.number)
    services.service_request_complete(
        actor=staff["engineer"],
        number=request.number,
        resolution="on_site",
        work_summary="更换主轴轴承",
        self_check_passed=True,
    )
    mail.outbox.clear()
    services.service_request_sign_off(
        actor=staff["engineer"], number=request.number, signature=_png(), signed_by_name="王工"
    )
    (message,) = [m for m in mail.outbox if "li@example.cn" in m.to]
    link = re.search(r"(/portal/rate/[^/\s]+/)", message.body).group(1)
    assert f"/portal/requests/{request.number}/" not in message.body  # not the login-only page

    anonymous = Client()
    page = anonymous.get(link)
    assert page.status_code == 200
    assert 'id="rate-link-form"' in page.content.decode()
    # refusals: a tampered link, a missing answer, no name
    assert anonymous.get(link[:-3] + "xx/").status_code == 404
    answers = {
        "rating-attitude": "very_satisfied",
        "rating-skill": "satisfied",
        "rating-arrival_time": "satisfied",
        "rating-promises_kept": "very_satisfied",
        "rating-comment": "师傅很专业",
    }
    assert anonymous.post(link, {**answers, "rating-respondent_name": ""}).status_code == 200
    assert anonymous.post(link, {**answers, "rating-skill": "", "rating-respondent_name": "李主任"}).status_code == 200
    assert not ServiceRating.objects.exists()

    done = anonymous.post(link, {**answers, "rating-respondent_name": "李主任"})
    assert 'id="rate-done"' in done.content.decode()
    rating = ServiceRating.objects.get()
    assert (rating.request_id, rating.channel, rating.respondent_name) == (request.pk, "portal", "李主任")
    assert (rating.customer_user, rating.recorded_by, rating.skill) == (None, None, "satisfied")
    # once: the link now says it is rated, a second post changes nothing
    again = anonymous.post(link, {**answers, "rating-skill": "poor", "rating-respondent_name": "李主任"})
    assert "rate-done" in again.content.decode()
    assert ServiceRating.objects.get().skill == "satisfied"
