from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstalledBaseConfig(AppConfig):
    name = "aftersales.installed_base"
    label = "installed_base"
    verbose_name = _("Installed base")

    def ready(self) -> None:
        from aftersales.installed_base import (
            events,  # noqa: F401 — registers the timeline labels
            jobs,
        )

        jobs.register()  # the unit import runs as a background job (core.jobs)
