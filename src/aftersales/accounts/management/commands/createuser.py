"""aftersales createuser --username U --password P --role ROLE [--customer ID]: a user with a role, for scripts.

The password passes Django's validators (AUTH_PASSWORD_VALIDATORS) or nothing is created.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aftersales.accounts.choices import Role
from aftersales.accounts.services import user_create
from aftersales.core.errors import DomainError


class Command(BaseCommand):
    help = "Create a user holding one role (roles: " + ", ".join(Role.values) + ")."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--display-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--customer", type=int, default=None, help="customer id, for role 'customer'")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = user_create(
                actor=None,
                username=options["username"],
                password=options["password"],
                role=options["role"],
                display_name=options["display_name"],
                email=options["email"],
                customer_id=options["customer"],
            )
        except DomainError as exc:
            # Every validator's message (a weak password may fail several), nothing created.
            details = [str(m) for messages in exc.as_dict()["fields"].values() for m in messages]
            raise CommandError(" ".join(dict.fromkeys([str(exc.message), *details]))) from exc
        self.stdout.write(f"created user {user.username} (id {user.pk}) with role {options['role']}")
