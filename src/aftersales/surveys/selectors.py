"""Reads of the satisfaction survey (V4) and its analysis report (V5), scoped to the actor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core import signing
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.access import Actor
from aftersales.core.errors import NotFound
from aftersales.installed_base.models import Unit
from aftersales.policies.selectors import policy_get
from aftersales.surveys.models import AnalysisReport, Campaign, Recipient, Response
from aftersales.surveys.scoring import Result, Rules, campaign_result, response_score
from aftersales.training.selectors import customer_attended_training

LINK_SALT = "aftersales.surveys.answer"
MAX_ID = 2**31 - 1
VIEW_PERM = "surveys.view_campaign"


def campaign_scope(actor: Actor) -> QuerySet[Campaign]:
    if actor.has_perm(VIEW_PERM):
        return Campaign.objects.all()
    return Campaign.objects.none()


def campaign_list(actor: Actor) -> QuerySet[Campaign]:
    return campaign_scope(actor).select_related("created_by").order_by("-created_at", "-id")


def access_campaign(actor: Actor, campaign_id: int) -> Campaign:
    campaign = campaign_scope(actor).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound()
    return campaign


def campaign_rules(campaign: Campaign) -> Rules:
    return Rules.from_json(campaign.rules)


def result_for(campaign: Campaign) -> Result:
    """V4: each response's S recomputed exactly from its answers under the campaign's rules, then the means."""
    rules = campaign_rules(campaign)
    rows = Response.objects.filter(campaign=campaign).values_list("answers", "products")
    return campaign_result(
        sent=campaign.sent,
        responses=((response_score(answers, rules).value, products) for answers, products in rows),
        rules=rules,
    )


def result_explanation(campaign: Campaign, result: Result) -> list[str]:
    """Every figure of the result in words: weights, rescaling, counts, the validity share, the bounds."""
    rules = campaign_rules(campaign)
    weights = "，".join(_("item %(n)s λ=%(w)s") % {"n": item["number"], "w": item["weight"]} for item in rules.scored)
    lines = [
        _("Each response: S = Σ λ·s over the scored items (%(weights)s).") % {"weights": weights},
        _("Points per answer: satisfied %(s)s, fairly satisfied %(f)s, average %(a)s, dissatisfied %(d)s.")
        % {
            "s": rules.answer_scores["satisfied"],
            "f": rules.answer_scores["fairly_satisfied"],
            "a": rules.answer_scores["average"],
            "d": rules.answer_scores["dissatisfied"],
        },
        _("An item answered “did not attend” is left out and the other weights are rescaled to sum to 1."),
        _("Returned %(r)s of %(s)s sent (%(rate)s %%); valid from %(share)s %%: %(valid)s.")
        % {
            "r": result.returned,
            "s": result.sent,
            "rate": (result.return_rate * 100).quantize(Decimal("0.1")),
            "share": Decimal(str(rules.valid_share * 100)).normalize(),
            "valid": _("valid") if result.valid else _("not valid"),
        },
        _("The campaign's S is the mean of its %(n)s responses; per product, of the responses naming it.")
        % {"n": result.returned},
        _(
            "Grades: satisfied from %(s)s, fairly satisfied from %(f)s, somewhat satisfied from %(m)s, below it dissatisfied."
        )
        % {
            "s": rules.grade_bounds["satisfied"],
            "f": rules.grade_bounds["fairly_satisfied"],
            "m": rules.grade_bounds["somewhat_satisfied"],
        },
        _("Policy version %(v)s, as in force when the survey was sent.") % {"v": rules.policy_version},
    ]
    return lines


def response_list(campaign: Campaign) -> QuerySet[Response]:
    return Response.objects.filter(campaign=campaign).select_related("customer").order_by("customer__code")


def recipient_list(campaign: Campaign) -> QuerySet[Recipient]:
    return Recipient.objects.filter(campaign=campaign).select_related("customer").order_by("customer__code")


def recipient_token(recipient: Recipient) -> str:
    """The answer link's token: the recipient's id, signed (no login; dead once answered)."""
    return signing.dumps({"r": recipient.pk}, salt=LINK_SALT, compress=True)


def recipient_for_token(token: str) -> Recipient:
    """The recipient a link names. Raises: NotFound (a tampered or unknown token)."""
    try:
        data = signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature:
        raise NotFound(_("This survey link is not valid.")) from None
    recipient = Recipient.objects.select_related("campaign", "customer").filter(pk=int(data.get("r", 0) or 0)).first()
    if recipient is None:
        raise NotFound(_("This survey link is not valid."))
    return recipient


def recipient_answered(recipient: Recipient) -> bool:
    """Answered once, whether or not the answer is still kept (Q6 may have archived it)."""
    if recipient.answered_at is not None:
        return True
    return Response.objects.filter(campaign_id=recipient.campaign_id, customer_id=recipient.customer_id).exists()


def attended_training(campaign: Campaign, customer_id: int) -> bool:
    """T2 → V4 item 6: did the customer attend a customer training held in the T2.training_lookback_days
    (default 365; the value in force when the campaign was sent) up to its sending (docs/decisions/0035)?
    If not, the training question starts at 未参加."""
    sent_on = timezone.localdate(campaign.created_at)
    days = int(policy_get("T2.training_lookback_days", at=campaign.created_at).value)  # as when it was sent
    return customer_attended_training(customer_id, date_from=sent_on - dt.timedelta(days=days), date_to=sent_on)


def customer_product_models(customer_id: int) -> list[str]:
    """Question 1: the models of the customer's units (offered ticked on the form)."""
    rows = Unit.objects.filter(customer_id=customer_id).values_list("product__model", flat=True).distinct()
    return sorted(str(model) for model in rows if model)


def report_list(actor: Actor) -> QuerySet[AnalysisReport]:
    if not actor.has_perm("surveys.view_analysisreport"):
        return AnalysisReport.objects.none()
    return AnalysisReport.objects.select_related("campaign").order_by("-month", "-id")


def access_report(actor: Actor, report_id: int) -> AnalysisReport:
    report = report_list(actor).filter(pk=report_id).first()
    if report is None:
        raise NotFound()
    return report


def report_previous(report: AnalysisReport) -> AnalysisReport | None:
    return AnalysisReport.objects.filter(month__lt=report.month).order_by("-month", "-id").first()


def result_as_dict(result: Result) -> dict[str, Any]:
    def score(value: Decimal | None) -> float | None:
        return float(value.quantize(Decimal("0.01"))) if value is not None else None

    return {
        "sent": result.sent,
        "returned": result.returned,
        "return_rate": float(result.return_rate.quantize(Decimal("0.0001"))),
        "valid": result.valid,
        "score": score(result.overall.score),
        "grade": result.overall.grade,
        "by_product": [
            {"product": product, "score": score(group.score), "grade": group.grade, "responses": group.responses}
            for product, group in result.by_product.items()
        ],
    }


def campaign_audience(*, key_accounts: bool = False, product: str = "", region_id: int | None = None) -> QuerySet[Any]:
    """V4: the customers a new survey goes to, chosen by filters (key accounts, a product model they use,
    their region), as a queryset of customer ids in code order (the campaign page previews its count)."""
    from aftersales.customers.models import Customer

    qs = Customer.objects.all()
    if key_accounts:
        qs = qs.filter(key_account=True)
    if region_id is not None:
        qs = qs.filter(region_id=region_id)
    if product:
        qs = qs.filter(pk__in=Unit.objects.filter(product__model=product).values("customer_id"))
    return qs.order_by("code").values_list("pk", flat=True)
