from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "aftersales.reports"
    label = "reports"
    verbose_name = _("Statistics and reports")

    def ready(self) -> None:
        from aftersales.reports.maintain import connect_signals

        # Q1/Q4: the per-request facts and day counts follow every change of a request, its parts
        # and its clocks inside the writing transaction (docs/decisions/0031).
        connect_signals()
        # Q1/Q2/Q5 period reports (docs/decisions/0037): the approvals kind and the background job kind.
        from django.urls import reverse

        from aftersales.approvals.services import Approval, ApprovalKind, register_approval_kind
        from aftersales.reports import period_jobs
        from aftersales.reports.models import PeriodReport
        from aftersales.reports.period_reports import report_approval_decided

        def _link(approval: Approval) -> str:
            report = PeriodReport.objects.filter(pk=approval.subject_id).first()
            return reverse("reports:period_report", args=[report.kind, report.period]) if report else ""

        register_approval_kind(ApprovalKind.PERIOD_REPORT, handler=report_approval_decided, link=_link)
        period_jobs.register()
