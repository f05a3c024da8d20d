from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "aftersales.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisation")

    def ready(self) -> None:
        # Roles are groups whose permissions come from permissions.ROLE_PERMISSIONS; they are
        # brought in line after every migrate, when all permission rows exist.
        from aftersales.accounts import events  # noqa: F401 — registers the timeline labels
        from aftersales.accounts.services import roles_sync_after_migrate

        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="aftersales.roles_sync")
