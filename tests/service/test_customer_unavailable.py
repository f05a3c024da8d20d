"""客户暂不方便 (issue 13, point 5; S6, S10) and the fault codes on the request pages (issue 13, point 8).

While the customer is unavailable the clocks policy S6.customer_wait_pauses lists pause (default:
response and arrival); the substitute-equipment clock (S10) never pauses; back to where the work
stood when the customer is available again. Set by the engineer on the job or by the desk.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.clocks.models import Clock
from aftersales.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.models import Event
from aftersales.policies.services import policy_set
from aftersales.service import services
from aftersales.service.models import ServiceRequest
from aftersales.service.services.codes import fault_code_create

pytestmark = pytest.mark.django_db


def clock_states(sr: ServiceRequest) -> dict[str, str]:
    return dict(Clock.objects.filter(subject_id=str(sr.pk)).values_list("kind", "state"))


@pytest.fixture
def dispatched(staff: dict[str, Any], new_request: Any) -> ServiceRequest:
    sr = new_request()
    return services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")


def client_for(actor: Any) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def test_customer_unavailable_pauses_response_and_arrival_never_s10(staff, dispatched):
    assert clock_states(dispatched) == {"respond": "running", "arrive": "running", "solve": "running"}
    sr = services.service_request_customer_unavailable(
        actor=staff["engineer"],
        number=dispatched.number,
        note="客户出差，周五回来",
        expected_version=dispatched.version,
    )
    assert sr.state == "waiting_customer"
    assert sr.get_state_display() == "客户暂不方便"
    assert clock_states(sr) == {"respond": "paused", "arrive": "paused", "solve": "running"}
    event = Event.objects.get(action="servicerequest.waiting_customer")
    assert event.data["reason"] == "客户出差，周五回来"
    assert event.data["state"] == ["dispatched", "waiting_customer"]
    back = services.service_request_customer_available(actor=staff["engineer"], number=sr.number)
    assert back.state == "dispatched"
    assert back.resume_state == ""
    assert clock_states(back) == {"respond": "running", "arrive": "running", "solve": "running"}
    assert Event.objects.filter(action="servicerequest.customer_available").count() == 1


def test_which_clocks_pause_is_policy(staff, dispatched, make_user, actor_of):
    admin = actor_of(make_user("admin", username="adm"))
    policy_set(actor=admin, key="S6.customer_wait_pauses", value=["arrive"], note="只暂停到场")
    with pytest.raises(ValidationFailed):  # S10 cannot be put on the list
        policy_set(actor=admin, key="S6.customer_wait_pauses", value=["arrive", "solve"], note="x")
    sr = services.service_request_customer_unavailable(actor=staff["agent"], number=dispatched.number, note="电话不通")
    assert clock_states(sr) == {"respond": "running", "arrive": "paused", "solve": "running"}
    policy_set(actor=admin, key="S6.customer_wait_pauses", value=[], note="都不暂停")
    sr = services.service_request_customer_available(actor=staff["agent"], number=sr.number)
    sr = services.service_request_customer_unavailable(actor=staff["agent"], number=sr.number, note="又不方便")
    assert clock_states(sr) == {"respond": "running", "arrive": "running", "solve": "running"}


def test_on_site_wait_returns_on_site(staff, dispatched):
    services.service_request_arrive(actor=staff["engineer"], number=dispatched.number)
    sr = services.service_request_customer_unavailable(
        actor=staff["engineer"], number=dispatched.number, note="车间停电"
    )
    assert sr.resume_state == "on_site"
    assert clock_states(sr)["solve"] == "running"
    back = services.service_request_customer_available(actor=staff["engineer"], number=sr.number)
    assert back.state == "on_site"


def test_refusals_change_nothing(staff, dispatched, make_user, actor_of):
    version = dispatched.version
    with pytest.raises(ValidationFailed) as caught:
        services.service_request_customer_unavailable(actor=staff["engineer"], number=dispatched.number, note="  ")
    assert "note" in caught.value.fields
    with pytest.raises(NotFound):  # not their job: not even visible
        services.service_request_customer_unavailable(actor=staff["engineer2"], number=dispatched.number, note="x")
    finance = actor_of(make_user("finance", username="fin1"))
    with pytest.raises(PermissionDenied):
        services.service_request_customer_unavailable(actor=finance, number=dispatched.number, note="x")
    with pytest.raises(Conflict):  # not waiting: nothing to resume
        services.service_request_customer_available(actor=staff["engineer"], number=dispatched.number)
    with pytest.raises(Conflict):  # a stale page
        services.service_request_customer_unavailable(
            actor=staff["engineer"], number=dispatched.number, note="x", expected_version=version - 1
        )
    dispatched.refresh_from_db()
    assert (dispatched.state, dispatched.version) == ("dispatched", version)
    assert clock_states(dispatched)["respond"] == "running"
    services.service_request_customer_unavailable(actor=staff["engineer"], number=dispatched.number, note="x")
    with pytest.raises(Conflict):  # no work while waiting: check-in is refused by the transition table
        services.service_request_arrive(actor=staff["engineer"], number=dispatched.number)
    # a long wait may end in cancellation
    cancelled = services.service_request_cancel(actor=staff["agent"], number=dispatched.number, reason="客户不再需要")
    assert cancelled.state == "cancelled"


def test_api_customer_unavailable_and_available(staff, dispatched, api_as):
    engineer = api_as(staff["engineer"].user)
    url = f"service-requests/{dispatched.number}"
    refused = engineer.post(f"{url}/customer-unavailable", {"version": dispatched.version})
    assert refused.status_code == 422
    response = engineer.post(f"{url}/customer-unavailable", {"version": dispatched.version, "note": "客户开会"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "waiting_customer"
    assert api_as(staff["engineer2"].user).post(f"{url}/customer-available", {}).status_code == 404
    response = engineer.post(f"{url}/customer-available", {"version": response.json()["version"]})
    assert response.json()["state"] == "dispatched"
    assert engineer.get("service-requests", state="waiting_customer").status_code == 200


def fields(prefix: str, **values: Any) -> dict[str, Any]:
    """The action forms' fields carry the action's name as prefix (core.actions)."""
    return {f"{prefix}-{name}": value for name, value in values.items()}


def test_pages_engineer_and_desk(staff, dispatched):
    engineer = client_for(staff["engineer"])
    page = reverse("service:engineer_job", args=[dispatched.number])
    html = engineer.get(page).content.decode()
    assert "客户暂不方便" in html
    refused = engineer.post(
        page, {"action": "customer_unavailable", **fields("customer_unavailable", version=dispatched.version, note="")}
    )
    assert refused.status_code == 422
    assert "invalid-feedback" in refused.content.decode() or "is-invalid" in refused.content.decode()
    dispatched.refresh_from_db()
    assert dispatched.state == "dispatched"
    done = engineer.post(
        page,
        {
            "action": "customer_unavailable",
            **fields("customer_unavailable", version=dispatched.version, note="客户出差"),
        },
    )
    assert done.status_code == 302
    dispatched.refresh_from_db()
    assert dispatched.state == "waiting_customer"
    html = engineer.get(page).content.decode()
    assert "客户已恢复方便" in html
    # the desk resumes it from the request page
    desk = client_for(staff["agent"])
    detail = reverse("service:request_detail", args=[dispatched.number])
    assert "客户已恢复方便" in desk.get(detail).content.decode()
    resumed = desk.post(
        detail,
        {
            "action": "desk_customer_available",
            **fields("desk_customer_available", version=dispatched.version, note="已联系上"),
        },
    )
    assert resumed.status_code == 302
    dispatched.refresh_from_db()
    assert dispatched.state == "dispatched"
    assert clock_states(dispatched)["arrive"] == "running"


# --- fault codes on the request pages (issue 13, point 8) -----------------------------------


def test_fault_code_labels_on_the_desk_and_phone_pages(staff, new_request, customer):
    boss = staff["cs_manager"]
    symptom = fault_code_create(actor=boss, kind="symptom", code="SPN", name="主轴异响")
    confirmed = fault_code_create(actor=boss, kind="symptom", code="OVH", name="主轴过热")
    cause = fault_code_create(actor=boss, kind="cause", code="BRG", name="轴承磨损")
    sr = new_request(symptom_code_id=symptom.pk)
    services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=sr.number)
    detail = reverse("service:request_detail", args=[sr.number])
    job = reverse("service:engineer_job", args=[sr.number])
    html = client_for(boss).get(detail).content.decode()
    assert '<span id="symptom-code">主轴异响</span>' in html
    assert "SPN" not in html  # the label, never the internal code
    assert '<span id="symptom-code">主轴异响</span>' in client_for(staff["engineer"]).get(job).content.decode()
    services.service_request_complete(
        actor=staff["engineer"],
        number=sr.number,
        resolution="on_site",
        work_summary="更换轴承",
        self_check_passed=True,
        cause_code_id=cause.pk,
        confirmed_symptom_code_id=confirmed.pk,
    )
    html = client_for(boss).get(detail).content.decode()
    assert '<dd class="col-sm-8" id="cause-code">轴承磨损</dd>' in html
    assert '<dd class="col-sm-8" id="confirmed-symptom-code">主轴过热</dd>' in html
    assert "BRG" not in html
    assert "OVH" not in html
    phone = client_for(staff["engineer"]).get(job).content.decode()
    assert '<span id="cause-code">轴承磨损</span>' in phone
    assert '<span id="confirmed-symptom-code">主轴过热</span>' in phone
