"""The analysis report's states (V5): draft → sent."""

from aftersales.surveys.choices import ReportState as S

REPORT_TRANSITIONS: dict[str, dict[str, str]] = {S.DRAFT: {S.SENT: "V5"}, S.SENT: {}}
