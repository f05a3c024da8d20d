"""Printable forms of a complaint as A4 PDFs (K4–K11), rendered with WeasyPrint.

客户投诉处理表 (the internal handling form: registration, clocks and whether they were met, the
decision, the K7 approval with its explanation, responsibility, signature lines) and 客户答复函
(the reply letter: the public reply only, never the internal handling, K11); for the K8 review
人事公布单 (sanction list) and 奖罚通知单 (reward/penalty notice). Drawn in the active
language (Chinese by default) with the company header, like the service forms.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from aftersales.approvals.selectors import approvals_for
from aftersales.approvals.services import approval_level, role_label
from aftersales.clocks.selectors import clock_list_for, clock_status
from aftersales.complaints.models import Complaint, ResponsibilityReview
from aftersales.core.documents import render_pdf

CENT = Decimal("0.01")


def money(value: Decimal | None) -> str:
    return "" if value is None else f"¥{Decimal(value).quantize(CENT):,}"


def _status_label(status: str) -> str:
    return {
        "ok": _("On time"),
        "warning": _("Due soon"),
        "breached": _("Overdue"),
        "paused": _("Paused"),
        "met": _("Met"),
        "missed": _("Missed"),
    }.get(status, _("Calendar data missing"))


def _clocks(complaint: Complaint) -> list[dict[str, Any]]:
    rows = []
    for clock in clock_list_for(complaint):
        status = clock_status(clock)
        rows.append({"clock": clock, "status": status, "status_label": _status_label(status)})
    return rows


def handling_form_pdf(complaint: Complaint) -> bytes:
    """客户投诉处理表: every registration field, clocks, decision, approvals, responsibility (internal)."""
    claimed_role, claimed = approval_level(complaint.amount_claimed)
    granted = approval_level(complaint.decision_amount)[1] if complaint.decision_amount else None
    approvals = [
        {"approval": a, "role": role_label(a.required_role), "amount": money(a.amount)}
        for a in approvals_for(complaint)
    ]
    return render_pdf(
        "complaints/pdf/handling_form.html",
        {
            "c": complaint,
            "clocks": _clocks(complaint),
            "claimed": claimed,
            "granted": granted,
            "approvals": approvals,
            "amount_claimed": money(complaint.amount_claimed),
            "loss_amount": money(complaint.loss_amount),
            "decision_amount": money(complaint.decision_amount),
        },
    )


def reply_letter_pdf(complaint: Complaint) -> bytes:
    """客户答复函: the reply to the customer and nothing of the internal handling (K11)."""
    return render_pdf("complaints/pdf/reply_letter.html", {"c": complaint})


# --- K8 monthly responsibility review -----------------------------------------------------------


def review_lines_display(review: ResponsibilityReview) -> list[dict[str, Any]]:
    """The frozen review lines with the loss as money."""
    return [
        {
            **line,
            "loss": money(Decimal(line.get("loss_amount") or 0)),
            "deduction_text": money(Decimal(line["deduction"])) if "deduction" in line else "",
        }
        for line in review.lines
    ]


def loss_standard_text(review: ResponsibilityReview) -> str:
    """The plain-language rule of the deductions on the reward/penalty notice (K8.loss_standard as applied
    when the review was prepared); "" for a review prepared before the standard was recorded."""
    standard = review.loss_standard or {}
    if "share_percent" not in standard:
        return ""
    return _(
        "How the deduction is computed: for each case the responsible person pays %(share)s%% of the customer's "
        "loss they are accountable for, at most %(cap)s yuan a case, besides %(points)s penalty points a case "
        "(penalty standard for customer complaint losses, version %(version)s; K8)."
    ) % {
        "share": standard["share_percent"],
        "cap": standard["cap_yuan"],
        "points": standard.get("points", ""),
        "version": standard.get("policy_version", ""),
    }


def _review_context(review: ResponsibilityReview) -> dict[str, Any]:
    return {
        "review": review,
        "lines": review_lines_display(review),
        "sanctions": review.sanctions,
        "notices": [
            {
                **n,
                "loss_text": money(Decimal(n.get("loss") or 0)) if "loss" in n else "",
                "deduction_text": money(Decimal(n.get("deduction") or 0)),
            }
            for n in review.notices
        ],
        "total_deductions": money(review.total_deductions),
        "standard_text": loss_standard_text(review),
    }


def sanction_list_pdf(review: ResponsibilityReview) -> bytes:
    """人事公布单: penalty points per responsible person, with the VP's approval (K8)."""
    return render_pdf("complaints/pdf/sanction_list.html", _review_context(review))


def notice_pdf(review: ResponsibilityReview) -> bytes:
    """奖罚通知单: the loss amounts deducted per responsible person, with the GM's approval (K8)."""
    return render_pdf("complaints/pdf/notice.html", _review_context(review))
