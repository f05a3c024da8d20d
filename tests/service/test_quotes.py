"""B1–B2: fee standards, quotations, the customer's decision and the fee, through the services and pages."""

from __future__ import annotations

import base64
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client

from aftersales.clocks.models import Clock
from aftersales.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.models import Event
from aftersales.service import services
from aftersales.service.models import FeeStandard, Quote, ServiceRequest
from aftersales.service.services.quotes import (
    fee_standard_approve,
    fee_standard_create,
    quote_accept,
    quote_decline,
    quote_offer,
    quote_payment_record,
)

D = Decimal
pytestmark = pytest.mark.django_db


def _png() -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


LINES = [
    {"part_code": "bj-6205", "description": "主轴轴承 6205", "quantity": 2, "unit_price": D("85.50")},
    {"part_code": "", "description": "润滑脂", "quantity": 1, "unit_price": D("12.35")},
]


@pytest.fixture
def fee(staff, fee_drafter):
    standard = fee_standard_create(actor=fee_drafter, labour_rate=D("200.00"), callout_fee=D("100.00"))
    return fee_standard_approve(actor=staff["cs_manager"], version=standard.version)


@pytest.fixture
def paid_request(staff, new_request, old_unit):
    """An out-of-warranty request (charging type A), dispatched to eng1 who is on site."""
    request = new_request(serial=old_unit.serial)
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=request.number)
    return ServiceRequest.objects.get(pk=request.pk)


@pytest.fixture
def portal_user(make_user, actor_of, customer):
    return actor_of(make_user("customer", username="kehu1", display_name="王科长", customer_id=customer.pk))


def _clock_states(request):
    return dict(Clock.objects.filter(subject_id=str(request.pk)).values_list("kind", "state"))


def _offer(staff, request, **kwargs):
    values = {"actor": staff["engineer"], "number": request.number, "labour_hours": D("1.5"), "lines": LINES}
    values.update(kwargs)
    return quote_offer(**values)


# --- B2 fee standards ------------------------------------------------------------------------------


def test_b2_fee_standard_versions_count_up_and_only_approved_prices(staff, fee_drafter):
    first = fee_standard_create(actor=fee_drafter, labour_rate=D("180"), callout_fee=D("80.00"), note="2026 版")
    second = fee_standard_create(actor=fee_drafter, labour_rate=D("200.00"), callout_fee=D("100"))
    assert (first.version, second.version) == (1, 2)
    assert (second.labour_rate, second.callout_fee, second.approved_at) == (D("200.00"), D("100.00"), None)
    from aftersales.service.selectors import fee_standard_current

    assert fee_standard_current() is None
    fee_standard_approve(actor=staff["cs_manager"], version=2)
    assert fee_standard_current().version == 2
    with pytest.raises(Conflict) as exc:
        fee_standard_approve(actor=staff["cs_manager"], version=1)  # older than the approved one
    assert exc.value.code == "fee_standard_already_approved"
    with pytest.raises(Conflict):
        fee_standard_approve(actor=staff["cs_manager"], version=2)
    assert FeeStandard.objects.get(version=1).approved_at is None
    actions = list(Event.objects.filter(subject_type="service.feestandard").values_list("action", flat=True))
    assert actions == [
        "feestandard.created",
        "approval.requested",
        "feestandard.submitted",
        "feestandard.created",
        "approval.requested",
        "feestandard.submitted",
        "approval.decided",
        "feestandard.approved",
    ]
    assert dict(FeeStandard.objects.values_list("version", "state")) == {1: "pending", 2: "approved"}


@pytest.mark.parametrize("role", ["agent", "engineer", "team_lead"])
def test_b2_only_the_service_centre_manager_approves(staff, make_user, actor_of, role):
    draft = fee_standard_create(actor=staff["cs_manager"], labour_rate=D("200"), callout_fee=D("0"))
    with pytest.raises(PermissionDenied):
        fee_standard_approve(actor=actor_of(make_user(role)), version=draft.version)
    assert FeeStandard.objects.get().approved_at is None


def test_b2_drafting_needs_the_permission_and_sane_amounts(staff):
    with pytest.raises(PermissionDenied):
        fee_standard_create(actor=staff["engineer"], labour_rate=D("200"), callout_fee=D("0"))
    with pytest.raises(ValidationFailed) as exc:
        fee_standard_create(actor=staff["cs_manager"], labour_rate=D("0"), callout_fee=D("0"))
    assert "labour_rate" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        fee_standard_create(actor=staff["cs_manager"], labour_rate=D("200"), callout_fee=D("-1"))
    assert "callout_fee" in exc.value.fields
    with pytest.raises(ValidationFailed):
        fee_standard_create(actor=staff["cs_manager"], labour_rate=D("200.005"), callout_fee=D("0"))
    assert not FeeStandard.objects.exists()


# --- B2 moves through core.workflow.transition() (service.transitions.FEE_STANDARD_TRANSITIONS) -------


def _fee_moves():
    return list(
        Event.objects.filter(
            subject_type="service.feestandard", action__startswith="feestandard.", data__has_key="state"
        )
        .order_by("id")
        .values_list("subject_id", "action", "rule", "actor__username", "data__state")
    )


def _decide(actor, standard, *, approve, note=""):
    from aftersales.approvals.models import Approval
    from aftersales.approvals.services import approval_decide

    approval = Approval.objects.get(subject_type="service.feestandard", subject_id=str(standard.pk), state="pending")
    return approval_decide(actor=actor, approval_id=approval.pk, approve=approve, note=note)


def test_b2_fee_standard_moves_record_old_to_new_rule_and_actor(staff, fee_drafter):
    manager = staff["cs_manager"]
    first = fee_standard_create(actor=fee_drafter, labour_rate=D("180"), callout_fee=D("80"))
    fee_standard_approve(actor=manager, version=first.version)
    second = fee_standard_create(actor=fee_drafter, labour_rate=D("200"), callout_fee=D("100"))
    _decide(manager, second, approve=False, note="费率过高")
    assert FeeStandard.objects.get(pk=second.pk).state == "refused"
    third = fee_standard_create(actor=fee_drafter, labour_rate=D("190"), callout_fee=D("90"))
    fee_standard_approve(actor=manager, version=third.version)
    v1, v2, v3 = (str(s.pk) for s in (first, second, third))
    assert _fee_moves() == [
        (v1, "feestandard.submitted", "B2", "fee_drafter", ["draft", "pending"]),
        (v1, "feestandard.approved", "B2", "boss1", ["pending", "approved"]),
        (v2, "feestandard.submitted", "B2", "fee_drafter", ["draft", "pending"]),
        (v2, "feestandard.refused", "B2", "boss1", ["pending", "refused"]),
        (v3, "feestandard.submitted", "B2", "fee_drafter", ["draft", "pending"]),
        (v1, "feestandard.superseded", "B2", "boss1", ["approved", "superseded"]),
        (v3, "feestandard.approved", "B2", "boss1", ["pending", "approved"]),
    ]
    refused = Event.objects.get(action="feestandard.refused")
    assert (refused.data["reason"], refused.data["version"]) == ("费率过高", 2)
    superseded = Event.objects.get(action="feestandard.superseded")
    assert (superseded.data["version"], superseded.data["superseded_by"]) == (1, 3)
    assert dict(FeeStandard.objects.values_list("version", "state")) == {1: "superseded", 2: "refused", 3: "approved"}
    from aftersales.service.selectors import fee_standard_current

    assert fee_standard_current().version == 3
    # the superseded version keeps who approved it and when
    assert FeeStandard.objects.get(version=1).approved_by_id == manager.pk


def test_b2_a_refused_fee_standard_is_sent_again_and_approved(staff, fee_drafter):
    manager = staff["cs_manager"]
    standard = fee_standard_create(actor=fee_drafter, labour_rate=D("200"), callout_fee=D("100"))
    _decide(manager, standard, approve=False, note="请附说明")
    approved = fee_standard_approve(actor=manager, version=standard.version)  # asked again for its drafter
    assert (approved.state, approved.approved_by_id) == ("approved", manager.pk)
    assert [m[4] for m in _fee_moves()] == [
        ["draft", "pending"],
        ["pending", "refused"],
        ["refused", "pending"],
        ["pending", "approved"],
    ]


def test_b2_a_fee_standard_move_not_in_the_table_is_refused_and_changes_nothing(staff, fee_drafter):
    from aftersales.core.workflow import transition
    from aftersales.service.transitions import FEE_STANDARD_TRANSITIONS

    standard = fee_standard_create(actor=fee_drafter, labour_rate=D("200"), callout_fee=D("100"))
    fee_standard_approve(actor=staff["cs_manager"], version=standard.version)
    newer = fee_standard_create(actor=fee_drafter, labour_rate=D("210"), callout_fee=D("100"))
    before = list(FeeStandard.objects.order_by("version").values())
    count = Event.objects.count()
    for row, target in ((standard, "pending"), (standard, "refused"), (newer, "superseded"), (newer, "draft")):
        with pytest.raises(Conflict) as exc:
            transition(
                FeeStandard.objects.get(pk=row.pk),
                to=target,
                table=FEE_STANDARD_TRANSITIONS,
                actor=staff["cs_manager"],
            )
        assert (exc.value.status, exc.value.code) == (409, "invalid_transition")
    assert list(FeeStandard.objects.order_by("version").values()) == before
    assert Event.objects.count() == count


def test_b2_the_fee_standard_state_of_existing_rows_is_derived(staff, fee_drafter):
    """Migration service.0004: approved_at and the approvals give each existing version its state."""
    import importlib

    from django.apps import apps

    derive = importlib.import_module("aftersales.service.migrations.0004_fee_standard_state").derive_states
    manager = staff["cs_manager"]
    for rate in ("100", "110", "120", "130", "140"):
        fee_standard_create(actor=fee_drafter, labour_rate=D(rate), callout_fee=D("0"))
    fee_standard_approve(actor=manager, version=1)
    fee_standard_approve(actor=manager, version=3)
    _decide(manager, FeeStandard.objects.get(version=4), approve=False, note="不同意")
    from aftersales.approvals.models import Approval

    Approval.objects.filter(subject_id=str(FeeStandard.objects.get(version=5).pk)).delete()  # a draft never sent
    FeeStandard.objects.update(state="draft")  # as right after the column was added
    derive(apps, None)
    assert dict(FeeStandard.objects.values_list("version", "state")) == {
        1: "superseded",
        2: "pending",
        3: "approved",
        4: "refused",
        5: "draft",
    }


def test_b2_fee_standard_page_shows_each_state(staff, fee_drafter):
    manager = staff["cs_manager"]
    fee_standard_create(actor=fee_drafter, labour_rate=D("180"), callout_fee=D("80"))
    fee_standard_approve(actor=manager, version=1)
    fee_standard_create(actor=fee_drafter, labour_rate=D("200"), callout_fee=D("100"))
    fee_standard_approve(actor=manager, version=2)
    fee_standard_create(actor=fee_drafter, labour_rate=D("210"), callout_fee=D("100"))
    page = _client(manager.user).get("/service/fee-standards/").content.decode()
    assert '<td data-state="superseded"><span class="badge text-bg-secondary">已被取代</span>' in page
    assert '<td data-state="approved"><span class="badge text-bg-success">已批准</span>' in page
    assert '<td data-state="pending"><span class="badge text-bg-secondary">待审批</span>' in page
    assert 'id="fee-approve-3"' in page
    assert 'id="fee-approve-2"' not in page


# --- B1 offer ---------------------------------------------------------------------------------------


def test_b1_offer_prices_by_the_fee_standard_and_pauses_the_clocks(staff, fee, paid_request):
    quote = _offer(staff, paid_request, note="更换主轴轴承")
    assert quote.number.startswith("BJ")
    assert len(quote.number) == 14
    # 1.5 h × 200 + 100 call-out + 2 × 85.50 + 12.35
    assert (quote.labour_amount, quote.callout_amount, quote.parts_amount, quote.total) == (
        D("300.00"),
        D("100.00"),
        D("183.35"),
        D("583.35"),
    )
    assert [(ln.part_code, ln.amount) for ln in quote.lines.all()] == [("BJ-6205", D("171.00")), ("", D("12.35"))]
    request = ServiceRequest.objects.get(pk=paid_request.pk)
    assert (request.state, request.resume_state, request.open) == ("quoted", "on_site", True)
    assert _clock_states(request)["solve"] == "running"  # S10 never pauses (the S6 clocks are stopped on site)
    offered = Event.objects.get(action="quote.offered")
    assert offered.data["total"] == "583.35"
    assert offered.rule == "B1"


def test_b1_labour_rounds_half_up_to_the_cent(staff, make_user, actor_of, paid_request, fee_drafter):
    manager = staff["cs_manager"]
    fee_standard_create(actor=fee_drafter, labour_rate=D("33.33"), callout_fee=D("0"))
    fee_standard_approve(actor=manager, version=1)
    quote = _offer(staff, paid_request, labour_hours=D("0.15"), lines=[])  # 4.9995 → 5.00
    assert (quote.labour_amount, quote.total) == (D("5.00"), D("5.00"))


def test_b1_no_approved_fee_standard_is_409_and_nothing_changes(staff, paid_request):
    fee_standard_create(actor=staff["cs_manager"], labour_rate=D("200"), callout_fee=D("100"))  # draft only
    with pytest.raises(Conflict) as exc:
        _offer(staff, paid_request)
    assert exc.value.code == "no_fee_standard"
    assert exc.value.status == 409
    assert not Quote.objects.exists()
    assert ServiceRequest.objects.get(pk=paid_request.pk).state == "on_site"


def test_b1_offer_refusals_change_nothing(staff, fee, paid_request, new_request, portal_user):
    version = ServiceRequest.objects.get(pk=paid_request.pk).version
    with pytest.raises(NotFound):  # another engineer's job is out of their scope
        quote_offer(actor=staff["engineer2"], number=paid_request.number, labour_hours=D("1"), lines=[])
    with pytest.raises(PermissionDenied):
        quote_offer(actor=portal_user, number=paid_request.number, labour_hours=D("1"), lines=[])
    with pytest.raises(PermissionDenied):
        quote_offer(actor=staff["agent"], number=paid_request.number, labour_hours=D("1"), lines=[])
    with pytest.raises(ValidationFailed):
        _offer(staff, paid_request, lines=[{"description": "", "quantity": 1, "unit_price": "1"}])
    with pytest.raises(ValidationFailed):
        _offer(staff, paid_request, lines=[{"description": "轴承", "quantity": 0, "unit_price": "1"}])
    with pytest.raises(ValidationFailed):
        _offer(staff, paid_request, labour_hours=D("-1"))
    with pytest.raises(Conflict):
        _offer(staff, paid_request, expected_version=version - 1)
    free = new_request()  # in warranty: charging type C
    with pytest.raises(Conflict) as exc:
        quote_offer(actor=staff["team_lead"], number=free.number, labour_hours=D("1"), lines=[])
    assert exc.value.code == "not_chargeable"
    assert not Quote.objects.exists()
    after = ServiceRequest.objects.get(pk=paid_request.pk)
    assert (after.state, after.version) == ("on_site", version)
    assert not Event.objects.filter(action="quote.offered").exists()


def test_b1_a_new_offer_supersedes_the_waiting_one(staff, fee, paid_request):
    first = _offer(staff, paid_request)
    second = _offer(staff, paid_request, labour_hours=D("1"), lines=[])
    first.refresh_from_db()
    assert (first.state, first.decline_reason) == ("declined", f"已被 {second.number} 取代")
    assert (second.state, second.total) == ("offered", D("300.00"))
    request = ServiceRequest.objects.get(pk=paid_request.pk)
    assert (request.state, request.resume_state) == ("quoted", "on_site")
    assert Quote.objects.filter(request=request, state="offered").count() == 1


# --- B1 decision ------------------------------------------------------------------------------------


def test_b1_customer_accepts_on_the_portal_and_work_resumes(staff, fee, paid_request, portal_user):
    quote = _offer(staff, paid_request)
    accepted = quote_accept(
        actor=portal_user,
        number=paid_request.number,
        decided_by_name="",
        via="onsite",  # forced to "portal"
        payment_date=dt.date(2026, 12, 31),
    )
    assert accepted.pk == quote.pk
    assert (accepted.state, accepted.decided_via, accepted.decided_by_name) == ("accepted", "portal", "王科长")
    assert (accepted.agreed_price, accepted.payment_date) == (D("583.35"), dt.date(2026, 12, 31))
    request = ServiceRequest.objects.get(pk=paid_request.pk)
    assert (request.state, request.resume_state) == ("on_site", "")
    assert _clock_states(request)["solve"] == "running"
    decided = Event.objects.get(action="quote.decided")
    assert decided.data["via"] == "portal"
    assert decided.actor_id == portal_user.pk


def test_b1_accept_signed_on_site_needs_the_signature(staff, fee, paid_request):
    quote = _offer(staff, paid_request)
    with pytest.raises(ValidationFailed) as exc:
        quote_accept(actor=staff["engineer"], number=quote.number, decided_by_name="王工", via="onsite")
    assert "signature" in exc.value.fields
    assert Quote.objects.get(pk=quote.pk).state == "offered"
    accepted = quote_accept(
        actor=staff["engineer"],
        number=quote.number,
        decided_by_name="王工",
        via="onsite",
        agreed_price=D("550.00"),
        signature=_png(),
    )
    assert (accepted.agreed_price, accepted.decided_via, bytes(accepted.signature_png[:4])) == (
        D("550.00"),
        "onsite",
        b"\x89PNG",
    )


def test_b1_accept_refusals_change_nothing(staff, fee, paid_request, make_user, actor_of, city):
    from tests.installed_base.factories import CustomerFactory

    quote = _offer(staff, paid_request)
    other = actor_of(make_user("customer", username="other", customer_id=CustomerFactory(region=city).pk))
    with pytest.raises(NotFound):
        quote_accept(actor=other, number=paid_request.number, decided_by_name="x", via="portal")
    with pytest.raises(NotFound):
        quote_accept(actor=other, number=quote.number, decided_by_name="x", via="portal")
    with pytest.raises(PermissionDenied):
        quote_accept(actor=staff["agent"], number=paid_request.number, decided_by_name="x", via="phone")
    with pytest.raises(ValidationFailed):
        quote_accept(actor=staff["engineer"], number=paid_request.number, decided_by_name="x", via="portal")
    with pytest.raises(ValidationFailed):
        quote_accept(actor=staff["engineer"], number=paid_request.number, decided_by_name="", via="phone")
    assert Quote.objects.get(pk=quote.pk).state == "offered"
    assert ServiceRequest.objects.get(pk=paid_request.pk).state == "quoted"
    assert not Event.objects.filter(action="quote.decided").exists()


def test_b1_decline_ends_the_request_and_stops_every_clock(staff, fee, paid_request):
    quote = _offer(staff, paid_request)
    declined = quote_decline(
        actor=staff["engineer"], number=paid_request.number, reason="价格太高", decided_by_name="王工"
    )
    assert (declined.state, declined.decline_reason, declined.decided_via) == ("declined", "价格太高", "phone")
    request = ServiceRequest.objects.get(pk=paid_request.pk)
    assert (request.state, request.open, request.end_reason) == ("declined", False, "价格太高")
    assert set(_clock_states(request).values()) == {"stopped"}
    with pytest.raises(Conflict):
        quote_accept(actor=staff["engineer"], number=quote.number, decided_by_name="王工", via="phone")
    with pytest.raises(Conflict):
        quote_payment_record(actor=staff["cs_manager"], number=quote.number, state="collected", amount=D("1"))
    assert Quote.objects.get(pk=quote.pk).payment_state == "due"


def test_b1_decline_needs_a_reason_and_an_offer(staff, fee, paid_request):
    with pytest.raises(Conflict) as exc:
        quote_decline(actor=staff["engineer"], number=paid_request.number, reason="贵")
    assert exc.value.code == "quote_not_offered"
    _offer(staff, paid_request)
    with pytest.raises(ValidationFailed):
        quote_decline(actor=staff["engineer"], number=paid_request.number, reason=" ")
    assert ServiceRequest.objects.get(pk=paid_request.pk).state == "quoted"


# --- B1 fee ------------------------------------------------------------------------------------------


def test_b1_fee_collected_then_invoiced_by_finance(staff, fee, paid_request, make_user, actor_of):
    quote = _offer(staff, paid_request)
    quote_accept(actor=staff["engineer"], number=quote.number, decided_by_name="王工", via="phone")
    finance = actor_of(make_user("finance"))
    with pytest.raises(ValidationFailed) as exc:
        quote_payment_record(actor=finance, number=paid_request.number, state="invoiced", amount=D("583.35"))
    assert "invoice_number" in exc.value.fields
    collected = quote_payment_record(actor=finance, number=paid_request.number, state="collected", amount=D("583.35"))
    assert (collected.payment_state, collected.collected_amount) == ("collected", D("583.35"))
    invoiced = quote_payment_record(
        actor=finance, number=quote.number, state="invoiced", amount=D("583.35"), invoice_number="FP20261123001"
    )
    assert (invoiced.payment_state, invoiced.invoice_number) == ("invoiced", "FP20261123001")
    with pytest.raises(Conflict) as exc:
        quote_payment_record(actor=finance, number=quote.number, state="collected", amount=D("1"))
    assert exc.value.code == "payment_already_recorded"
    paid = list(Event.objects.filter(action="quote.paid").values_list("data__payment_state", flat=True))
    assert paid == [["due", "collected"], ["collected", "invoiced"]]


def test_b1_fee_refusals_change_nothing(staff, fee, paid_request):
    quote = _offer(staff, paid_request)
    with pytest.raises(Conflict) as exc:  # offered, not accepted yet
        quote_payment_record(actor=staff["cs_manager"], number=quote.number, state="collected", amount=D("10"))
    assert exc.value.code == "quote_not_accepted"
    quote_accept(actor=staff["engineer"], number=quote.number, decided_by_name="王工", via="phone")
    with pytest.raises(PermissionDenied):
        quote_payment_record(actor=staff["engineer"], number=quote.number, state="collected", amount=D("10"))
    with pytest.raises(ValidationFailed):
        quote_payment_record(actor=staff["cs_manager"], number=quote.number, state="collected", amount=D("0"))
    with pytest.raises(ValidationFailed):
        quote_payment_record(actor=staff["cs_manager"], number=quote.number, state="waived", amount=D("10"))
    assert Quote.objects.get(pk=quote.pk).payment_state == "due"
    assert not Event.objects.filter(action="quote.paid").exists()


def test_b1_paid_case_end_to_end(staff, fee, paid_request, portal_user):
    with pytest.raises(Conflict) as exc:
        services.service_request_complete(
            actor=staff["engineer"],
            number=paid_request.number,
            resolution="on_site",
            work_summary="x",
            self_check_passed=True,
        )
    assert exc.value.code == "quote_required"
    _offer(staff, paid_request)
    quote_accept(actor=portal_user, number=paid_request.number, decided_by_name="王科长", via="portal")
    done = services.service_request_complete(
        actor=staff["engineer"],
        number=paid_request.number,
        resolution="on_site",
        work_summary="更换主轴轴承，试机正常",
        self_check_passed=True,
    )
    assert done.state == "completed"
    quote = quote_payment_record(
        actor=staff["cs_manager"], number=paid_request.number, state="collected", amount=D("583.35")
    )
    assert quote.payment_state == "collected"


# --- pages ---------------------------------------------------------------------------------------------


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_b1_engineer_offers_on_the_request_page(staff, fee, paid_request):
    client = _client(staff["engineer"].user)
    url = f"/service/requests/{paid_request.number}/quote/offer/"
    response = client.post(
        url,
        {
            "offer-labour_hours": "1.5",
            "offer-note": "",
            "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "0",
            "lines-0-part_code": "BJ-6205",
            "lines-0-description": "主轴轴承 6205",
            "lines-0-quantity": "2",
            "lines-0-unit_price": "85.50",
            "lines-1-part_code": "",
            "lines-1-description": "",
            "lines-1-quantity": "",
            "lines-1-unit_price": "",
        },
    )
    assert response.status_code == 302
    quote = Quote.objects.get()
    assert quote.total == D("571.00")
    page = client.get(f"/service/requests/{paid_request.number}/quote/")
    assert page.status_code == 200
    assert quote.number in page.content.decode()


def test_b1_offer_page_shows_the_error_and_changes_nothing(staff, paid_request):
    client = _client(staff["engineer"].user)
    response = client.post(
        f"/service/requests/{paid_request.number}/quote/offer/",
        {"offer-labour_hours": "1", "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200
    assert "fee standard" in response.content.decode() or "收费标准" in response.content.decode()
    assert not Quote.objects.exists()


def test_b1_record_decision_and_fee_pages(staff, fee, paid_request, make_user):
    quote = _offer(staff, paid_request)
    client = _client(staff["engineer"].user)
    response = client.post(
        f"/service/requests/{paid_request.number}/quote/accept/",
        {
            "accept-decided_by_name": "王工",
            "accept-via": "phone",
            "accept-agreed_price": "",
            "accept-payment_date": "2026-12-31",
            "accept-signature": "",
        },
    )
    assert response.status_code == 302
    quote.refresh_from_db()
    assert (quote.state, quote.payment_date) == ("accepted", dt.date(2026, 12, 31))
    finance = _client(make_user("finance"))
    response = finance.post(
        f"/service/requests/{paid_request.number}/quote/payment/",
        {"payment-state": "invoiced", "payment-amount": "583.35", "payment-invoice_number": ""},
    )
    assert response.status_code == 200  # the form again, with the error
    assert Quote.objects.get(pk=quote.pk).payment_state == "due"
    response = finance.post(
        f"/service/requests/{paid_request.number}/quote/payment/",
        {"payment-state": "invoiced", "payment-amount": "583.35", "payment-invoice_number": "FP001"},
    )
    assert response.status_code == 302
    assert Quote.objects.get(pk=quote.pk).payment_state == "invoiced"


def test_b1_decline_page(staff, fee, paid_request):
    _offer(staff, paid_request)
    client = _client(staff["engineer"].user)
    response = client.post(
        f"/service/requests/{paid_request.number}/quote/decline/",
        {"decline-reason": "价格太高", "decline-decided_by_name": "王工", "decline-via": "phone"},
    )
    assert response.status_code == 302
    assert ServiceRequest.objects.get(pk=paid_request.pk).state == "declined"


def test_b2_fee_standard_page_drafted_by_one_approved_by_the_manager(staff, make_user):
    finance = _client(make_user("finance"))
    assert finance.get("/service/fee-standards/").status_code == 200
    response = finance.post("/service/fee-standards/", {"labour_rate": "200.00", "callout_fee": "100.00", "note": ""})
    assert response.status_code == 302
    assert finance.post("/service/fee-standards/1/approve/").status_code == 403
    manager = _client(staff["cs_manager"].user)
    assert manager.get("/service/fee-standards/").status_code == 200
    assert manager.post("/service/fee-standards/1/approve/").status_code == 302
    assert FeeStandard.objects.get(version=1).approved_by_id == staff["cs_manager"].pk
    # B2: the manager's own draft is not approved by himself; the page says why and nothing changes
    manager.post("/service/fee-standards/", {"labour_rate": "210.00", "callout_fee": "100.00", "note": ""})
    page = manager.post("/service/fee-standards/2/approve/", follow=True).content.decode()
    assert "不能审批自己提出的申请。" in page
    assert FeeStandard.objects.get(version=2).approved_at is None
    engineer = _client(staff["engineer"].user)
    assert engineer.get("/service/fee-standards/").status_code == 403
    assert engineer.post("/service/fee-standards/", {"labour_rate": "1", "callout_fee": "1"}).status_code == 403
    assert FeeStandard.objects.count() == 2


def test_b1_request_page_shows_the_panel_with_the_forms_for_the_user(staff, fee, paid_request, make_user):
    engineer = _client(staff["engineer"].user).get(f"/service/requests/{paid_request.number}/").content.decode()
    assert 'id="quote-panel"' in engineer
    assert 'id="quote-offer-form"' in engineer
    assert 'id="quote-payment-form"' not in engineer
    agent = _client(staff["agent"].user).get(f"/service/requests/{paid_request.number}/").content.decode()
    assert 'id="quote-panel"' in agent
    assert 'id="quote-offer-form"' not in agent  # the hotline does not quote
    quote = _offer(staff, paid_request)
    engineer = _client(staff["engineer"].user).get(f"/service/requests/{paid_request.number}/").content.decode()
    assert quote.number in engineer
    assert 'id="quote-accept-form"' in engineer
    quote_accept(actor=staff["engineer"], number=quote.number, decided_by_name="王工", via="phone")
    finance = _client(make_user("finance")).get(f"/service/requests/{paid_request.number}/quote/").content.decode()
    assert 'id="quote-payment-form"' in finance
    assert 'id="quote-offer-form"' not in finance


def test_b1_accept_signed_on_site_through_the_page(staff, fee, paid_request):
    quote = _offer(staff, paid_request)
    client = _client(staff["engineer"].user)
    response = client.post(
        f"/service/requests/{paid_request.number}/quote/accept/",
        {"accept-decided_by_name": "王工", "accept-via": "onsite", "accept-signature": ""},
    )
    assert response.status_code == 200  # the signature is missing: the page again with the error
    assert Quote.objects.get(pk=quote.pk).state == "offered"
    response = client.post(
        f"/service/requests/{paid_request.number}/quote/accept/",
        {"accept-decided_by_name": "王工", "accept-via": "onsite", "accept-signature": _png()},
    )
    assert response.status_code == 302
    assert Quote.objects.get(pk=quote.pk).decided_via == "onsite"


def test_b1_portal_users_and_other_engineers_do_not_use_the_staff_pages(staff, fee, paid_request, make_user, customer):
    portal = _client(make_user("customer", username="kehu2", customer_id=customer.pk))
    assert portal.get(f"/service/requests/{paid_request.number}/quote/").status_code == 403
    other = _client(staff["engineer2"].user)
    assert other.get(f"/service/requests/{paid_request.number}/quote/").status_code == 404
    response = other.post(
        f"/service/requests/{paid_request.number}/quote/offer/",
        {"offer-labour_hours": "1", "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 404
    assert not Quote.objects.exists()


def test_b1_a_refused_offer_shows_why_on_the_page(staff, fee, new_request):
    free = new_request()  # in warranty: charging type C, nothing to quote
    services.service_request_dispatch(actor=staff["team_lead"], number=free.number, engineer="eng1")
    client = _client(staff["engineer"].user)
    assert 'id="quote-offer-form"' not in client.get(f"/service/requests/{free.number}/quote/").content.decode()
    response = client.post(
        f"/service/requests/{free.number}/quote/offer/",
        {"offer-labour_hours": "1", "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200
    assert "S4" in response.content.decode()  # "… change the charging type first (S4)."
    assert not Quote.objects.exists()


@pytest.mark.parametrize(
    ("hours", "lines", "field"),
    [
        (D("1e30"), [], "labour_hours"),
        (D("1.234"), [], "labour_hours"),
        (D("1"), [{"description": "轴承", "quantity": 1, "unit_price": D("1e30")}], "lines"),
        (D("1"), [{"description": "轴承", "quantity": 10**9, "unit_price": D("9999")}], "lines"),
        (D("1"), [{"description": "轴承", "quantity": 1, "unit_price": "abc"}], "lines"),
    ],
)
def test_b1_offer_rejects_amounts_that_do_not_fit(staff, fee, paid_request, hours, lines, field):
    with pytest.raises(ValidationFailed) as exc:
        _offer(staff, paid_request, labour_hours=hours, lines=lines)
    assert list(exc.value.fields) == [field]
    assert not Quote.objects.exists()
