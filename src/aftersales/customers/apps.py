from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "aftersales.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from aftersales.customers import events  # noqa: F401 — registers the timeline labels
