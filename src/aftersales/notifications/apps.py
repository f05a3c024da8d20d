from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "aftersales.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from aftersales.core.jobs import job_finished
        from aftersales.notifications import events  # noqa: F401 — registers the timeline labels
        from aftersales.notifications.services import job_finished_notify

        job_finished.connect(job_finished_notify, dispatch_uid="notifications.job_finished")
