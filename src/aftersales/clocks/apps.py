from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClocksConfig(AppConfig):
    name = "aftersales.clocks"
    label = "clocks"
    verbose_name = _("Deadline clocks")

    def ready(self) -> None:
        from aftersales.clocks import events  # noqa: F401  (registers the timeline labels)
        from aftersales.clocks.policy_impact import clocks_policy_preview, clocks_recompute_for_policy_version
        from aftersales.policies.impacts import register_clock_impact

        # A policy change may recompute running clocks; the policy page previews what it would move.
        register_clock_impact(preview=clocks_policy_preview, recompute=clocks_recompute_for_policy_version)
