"""T2 through the API and services: customer trainings planned and recorded (survey item 6 asks whether a
customer attended), staff assessments with certificates, expiry notices, certified engineers first (S7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from aftersales.accounts.models import Department
from aftersales.notifications.models import Notification
from aftersales.policies.services import policy_set
from aftersales.service import selectors as service_selectors
from aftersales.training.models import Certificate
from aftersales.training.selectors import customer_attended_training, customers_attended_training
from aftersales.training.services import assessment_record, certificates_expiry_notify
from tests.installed_base.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_plan_record_and_the_survey_item_6_selector(api_as, make_user, customer) -> None:
    trainer = api_as(make_user("trainer"))
    other = CustomerFactory()
    absent = CustomerFactory()
    planned = trainer.post(
        "training/customer-trainings",
        {
            "course": "数控系统操作培训",
            "planned_on": "2026-05-10",
            "trainer": "张工",
            "customers": [{"customer": customer.pk}, {"customer": other.pk}, {"customer": absent.pk}],
        },
    )
    training = planned.json()
    may = {"date_from": dt.date(2026, 5, 1), "date_to": dt.date(2026, 5, 31)}
    assert customer_attended_training(customer.pk, **may) is False  # planned is not attended

    held = trainer.post(
        f"training/customer-trainings/{training['id']}/record",
        {
            "held_on": "2026-05-12",
            "feedback": "学员反映讲解清楚",
            "attendance": [{"customer": customer.pk, "attendees": "王工、李工"}, {"customer": other.pk}],
            "version": 1,
        },
    )
    again = trainer.post(f"training/customer-trainings/{training['id']}/record", {"held_on": "2026-05-13"})

    assert planned.status_code == 201, planned.content
    assert held.status_code == 200, held.content
    assert held.json()["state"] == "held"
    assert [a["attendees"] for a in held.json()["attendance"]] == ["王工、李工", ""]
    assert again.status_code == 409
    assert customers_attended_training([customer.pk, other.pk, absent.pk], **may) == {customer.pk, other.pk}
    june = {"date_from": dt.date(2026, 6, 1), "date_to": dt.date(2026, 6, 30)}
    assert customer_attended_training(customer.pk, **june) is False
    answer = api_as("cs_manager").get(
        "training/attended", customer=customer.pk, date_from="2026-05-01", date_to="2026-05-31"
    )
    assert answer.json()["attended"] is True
    assert api_as("engineer").get("training/customer-trainings").status_code == 403


def test_unknown_customers_and_cancel(api_as, make_user) -> None:
    trainer = api_as(make_user("trainer"))
    unknown = trainer.post(
        "training/customer-trainings",
        {"course": "培训", "planned_on": "2026-05-10", "trainer": "张工", "customers": [{"customer": 999999}]},
    )
    created = trainer.post(
        "training/customer-trainings", {"course": "培训", "planned_on": "2026-05-10", "trainer": "张工"}
    )
    stale = trainer.post(f"training/customer-trainings/{created.json()['id']}/cancel", {"version": 3})
    cancelled = trainer.post(f"training/customer-trainings/{created.json()['id']}/cancel", {"reason": "客户改期"})

    assert unknown.status_code == 422
    assert unknown.json()["code"] == "unknown_customer"
    assert stale.status_code == 409
    assert cancelled.json()["state"] == "cancelled"


def test_assessment_pass_issues_a_certificate_per_policy(api_as, make_user, actor_of) -> None:
    engineer = make_user("engineer", username="eng_wu")
    trainer = api_as(make_user("trainer"))
    policy_set(actor=actor_of(make_user("admin")), key="T2.certificate_months", value=12)

    passed = trainer.post(
        "training/assessments",
        {
            "user": engineer.pk,
            "product_line": "数控机床",
            "taken_on": "2026-03-10",
            "theory": "80",
            "practice": 75,
            "simulated": "60",
        },
    )
    failed = trainer.post(
        "training/assessments",
        {
            "user": engineer.pk,
            "product_line": "激光切割机",
            "taken_on": "2026-03-10",
            "theory": 90,
            "practice": 59.5,
            "simulated": 90,
        },
    )
    out_of_range = trainer.post(
        "training/assessments",
        {
            "user": engineer.pk,
            "product_line": "激光切割机",
            "taken_on": "2026-03-10",
            "theory": 101,
            "practice": 1,
            "simulated": 1,
        },
    )

    assert passed.status_code == 201, passed.content
    assert passed.json()["passed"] is True
    assert passed.json()["certificate_expires_on"] == "2027-03-09"
    assert failed.json()["passed"] is False
    assert failed.json()["certificate_expires_on"] is None
    assert out_of_range.status_code == 422
    assert Notification.objects.filter(user=engineer, rule="T2").count() == 2
    own = api_as(engineer).get("training/certificates").json()
    assert [(c["product_line"], c["expires_on"]) for c in own] == [("数控机床", "2027-03-09")]
    assert api_as(make_user("engineer")).get("training/certificates").json() == []
    assert api_as("agent").post("training/assessments", {}).status_code in (403, 422)


def test_expiring_certificates_warn_the_engineer_and_their_manager_once(make_user, actor_of) -> None:
    head = make_user("cs_manager", username="head_zhou")
    department = Department.objects.create(code="SVC", name="服务部", head=head)
    engineer = make_user("engineer", username="eng_ma", department_id=department.pk)
    trainer = actor_of(make_user("trainer"))
    assessment_record(
        actor=trainer,
        user_id=engineer.pk,
        product_line="数控机床",
        taken_on=dt.date(2024, 6, 1),
        theory=80,
        practice=80,
        simulated=80,
    )
    certificate = Certificate.objects.get()
    assert certificate.expires_on == dt.date(2026, 5, 31)  # 24 months by default
    Notification.objects.all().delete()

    early = certificates_expiry_notify(today=dt.date(2026, 4, 30))  # 31 days ahead: not yet (30 days)
    due = certificates_expiry_notify(today=dt.date(2026, 5, 1))
    twice = certificates_expiry_notify(today=dt.date(2026, 5, 2))

    assert (early, due, twice) == (0, 1, 0)
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"eng_ma", "head_zhou"}
    call_command("notify_expiring_certificates", "--on", "2026-05-03")
    assert Notification.objects.count() == 2


def test_dispatch_suggestions_prefer_the_certified_engineer(staff, new_request, unit, make_user, actor_of) -> None:
    unit.product.category = "数控机床"
    unit.product.save()
    request = new_request()
    point = staff["engineer"].user.service_point_id
    rival = make_user("engineer", username="aaa_rival", service_point_id=point)  # sorts before eng1 by name
    assert [r["user"].username for r in service_selectors.engineer_suggestions(request)][:2] == ["aaa_rival", "eng1"]

    assessment_record(
        actor=actor_of(make_user("trainer")),
        user_id=staff["engineer"].user.pk,
        product_line="数控机床",
        taken_on=dt.date.today(),
        theory=90,
        practice=90,
        simulated=90,
    )
    ranked = service_selectors.engineer_suggestions(request)

    assert [r["user"].username for r in ranked][:2] == ["eng1", "aaa_rival"]
    assert ranked[0]["certified"] is True
    assert ranked[1]["score"] - ranked[0]["score"] == 50  # policy S7.certified_weight
    assert rival.pk == ranked[1]["user"].pk
