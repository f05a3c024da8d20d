"""Writes of the satisfaction survey (V4): send a campaign, record a response (link, paper, API)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.core.access import SYSTEM, Actor
from aftersales.core.errors import Conflict, NotFound, ValidationFailed
from aftersales.core.events import event_record
from aftersales.customers.models import Contact, Customer
from aftersales.installed_base.models import Product
from aftersales.policies.selectors import policy_snapshot
from aftersales.surveys import events
from aftersales.surveys.choices import Grade, ResponseChannel
from aftersales.surveys.errors import SurveyErrorCode
from aftersales.surveys.models import Campaign, Recipient, Response
from aftersales.surveys.scoring import AnswersInvalid, Rules, grade_for, response_score
from aftersales.surveys.selectors import campaign_rules, recipient_for_token, recipient_token
from aftersales.surveys.signals import low_score

MAX_CUSTOMERS = 20_000


def rules_in_force() -> Rules:
    """The survey's policies now, as a campaign keeps them."""
    snap = policy_snapshot()
    keys = ("V4.form", "V4.answer_scores", "V4.valid_share", "V4.grade_bounds")
    return Rules(
        items=snap.get("V4.form").value["items"],
        answer_scores=snap.get("V4.answer_scores").value,
        valid_share=snap.get("V4.valid_share").value,
        grade_bounds=snap.get("V4.grade_bounds").value,
        policy_version=max(snap.get(key).version for key in keys),
    )


def _field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def _send_links(campaign: Campaign, recipients: Sequence[Recipient]) -> None:
    """E-mail each customer's primary contact (with an address) their answer link, after commit."""
    by_customer = {r.customer_id: r for r in recipients}
    contacts = Contact.objects.filter(customer_id__in=by_customer, is_primary=True).exclude(email="")
    base = getattr(settings, "AFTERSALES_SITE_URL", "").rstrip("/")
    messages = []
    for contact in contacts:
        link = base + reverse("portal:survey_answer", args=[recipient_token(by_customer[contact.customer_id])])
        body = _("Please tell us how satisfied you are with our products and service: %(link)s") % {"link": link}
        messages.append((campaign.title, body, settings.DEFAULT_FROM_EMAIL, [contact.email]))
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))


@transaction.atomic
def campaign_create(*, actor: Actor, title: str, period: str, customers: Sequence[int]) -> Campaign:
    """Send the survey (用户满意度调查表) to these customers; the campaign keeps the rules in force.

    Rule: V4. Raises: PermissionDenied, ValidationFailed. Events: survey.created.
    """
    actor.require_perm("surveys.add_campaign")
    title, period = (title or "").strip(), (period or "").strip()
    if not title:
        raise _field_error("title", _("Give the survey a title."))
    if not period:
        raise _field_error("period", _("Give the period the survey is about."))
    ids = sorted(set(customers))
    if not ids:
        raise _field_error("customers", _("Choose at least one customer."))
    if len(ids) > MAX_CUSTOMERS:
        raise _field_error("customers", _("At most %(n)s customers per survey.") % {"n": MAX_CUSTOMERS})
    found = set(Customer.objects.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [i for i in ids if i not in found]
    if missing:
        raise _field_error("customers", _("Unknown customers: %(ids)s") % {"ids": ", ".join(map(str, missing[:10]))})
    rules = rules_in_force()
    campaign = Campaign.objects.create(
        title=title[:120],
        period=period[:32],
        rules=rules.as_json(),
        policy_version=rules.policy_version,
        sent=len(ids),
        created_by=actor.user,
    )
    recipients = Recipient.objects.bulk_create([Recipient(campaign=campaign, customer_id=i) for i in ids])
    event_record(
        subject=campaign,
        action=events.CAMPAIGN_CREATED,
        actor=actor,
        rule="V4",
        policy_version=rules.policy_version,
        data={"title": campaign.title, "period": campaign.period, "sent": campaign.sent},
    )
    _send_links(campaign, recipients)
    return campaign


def _answers_clean(answers: Mapping[str, Any], rules: Rules) -> dict[str, str]:
    clean = {str(k): str(v) for k, v in (answers or {}).items() if v not in (None, "")}
    try:
        response_score(clean, rules)
    except AnswersInvalid as exc:
        fields = {
            f"answers.{number}": [
                _("Answer this question.") if problem == "missing" else _("Choose one of the answers offered.")
            ]
            for number, problem in exc.fields.items()
        }
        raise ValidationFailed(
            _("Answer every question from 2 on with one of the answers offered."), fields=fields
        ) from None
    return clean


def _products_clean(products: Sequence[str]) -> list[str]:
    models = sorted({str(p).strip() for p in products or [] if str(p).strip()})
    known = set(Product.objects.filter(model__in=models).values_list("model", flat=True))
    unknown = [m for m in models if m not in known]
    if unknown:
        raise _field_error("products", _("Unknown products: %(models)s") % {"models": ", ".join(unknown[:10])})
    return models


def _record(
    *,
    campaign: Campaign,
    customer_id: int,
    products: Sequence[str],
    answers: Mapping[str, Any],
    channel: str,
    actor: Actor,
    respondent_name: str = "",
    comment: str = "",
) -> Response:
    rules = campaign_rules(campaign)
    clean = _answers_clean(answers, rules)
    models = _products_clean(products)
    recipient = Recipient.objects.select_for_update().filter(campaign=campaign, customer_id=customer_id).first()
    if recipient is None:
        raise _field_error("customer", _("This customer was not sent this survey."))
    if (
        recipient.answered_at is not None
        or Response.objects.filter(campaign=campaign, customer_id=customer_id).exists()
    ):
        raise Conflict(_("This customer has already answered this survey."), code=SurveyErrorCode.ALREADY_ANSWERED)
    score = response_score(clean, rules)
    grade = grade_for(score.value, rules.grade_bounds)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                campaign=campaign,
                customer_id=customer_id,
                products=models,
                answers=clean,
                score=score.value.quantize(score.value.__class__("0.000001")),
                grade=grade,
                channel=channel,
                respondent_name=(respondent_name or "").strip()[:64],
                comment=(comment or "").strip()[:4000],
                recorded_by=actor.user if actor.is_authenticated else None,
            )
            recipient.answered_at = response.created_at
            recipient.save(update_fields=["answered_at", "updated_at"])
    except IntegrityError:  # a concurrent second answer: the constraint decides
        raise Conflict(
            _("This customer has already answered this survey."), code=SurveyErrorCode.ALREADY_ANSWERED
        ) from None
    event_record(
        subject=campaign,
        action=events.RESPONSE_RECORDED,
        actor=actor,
        rule="V4",
        policy_version=rules.policy_version,
        data={
            "response": response.pk,
            "customer": customer_id,
            "channel": channel,
            "score": str(score.rounded),
            "grade": grade,
            "left_out": score.left_out,
        },
    )
    if grade == Grade.DISSATISFIED:
        note = _("Survey “%(title)s” graded dissatisfied (S = %(score)s).") % {
            "title": campaign.title,
            "score": score.rounded,
        }
        if response.comment:
            note += "\n" + response.comment
        low_score.send(
            sender=Response, source="survey", customer_id=customer_id, subject=response, note=note, actor=actor
        )
    return response


@transaction.atomic
def response_record(
    *,
    actor: Actor,
    campaign_id: int,
    customer_id: int,
    products: Sequence[str],
    answers: Mapping[str, Any],
    respondent_name: str = "",
    comment: str = "",
) -> Response:
    """Staff type in a response from the paper form (or send it through the API).

    Rule: V4. Raises: PermissionDenied, NotFound, ValidationFailed (items 2–8 required),
    Conflict(already_answered). Events: survey.response_recorded.
    """
    actor.require_perm("surveys.answer_campaign")
    campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound()
    return _record(
        campaign=campaign,
        customer_id=customer_id,
        products=products,
        answers=answers,
        channel=ResponseChannel.PAPER,
        actor=actor,
        respondent_name=respondent_name,
        comment=comment,
    )


@transaction.atomic
def response_by_link(
    *, token: str, products: Sequence[str], answers: Mapping[str, Any], respondent_name: str = "", comment: str = ""
) -> Response:
    """The customer answers through their link, without logging in; the link works once.

    Rule: V4. Raises: NotFound (bad link), ValidationFailed, Conflict(already_answered).
    """
    recipient = recipient_for_token(token)
    Campaign.objects.select_for_update().filter(pk=recipient.campaign_id).first()
    return _record(
        campaign=recipient.campaign,
        customer_id=recipient.customer_id,
        products=products,
        answers=answers,
        channel=ResponseChannel.PORTAL,
        actor=SYSTEM,
        respondent_name=respondent_name,
        comment=comment,
    )
