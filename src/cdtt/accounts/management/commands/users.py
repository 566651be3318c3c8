"""cdtt users add NAME --role ROLE --unit CODE (password from CDTT_PASSWORD or asked)."""

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cdtt.accounts.services import user_create
from cdtt.core.roles import Role
from cdtt.geo.selectors import unit_by_code


class Command(BaseCommand):
    help = "Manage users."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="create a user")
        add.add_argument("name")
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument("--unit", required=True, help="code of the scope unit")
        add.add_argument("--full-name", default="")

    def handle(self, *args, **opts):
        unit = unit_by_code(opts["unit"])  # the unit in force: codes are reused across 2025
        if unit is None:
            raise CommandError(f"unknown unit code {opts['unit']!r}; load units first")
        password = os.environ.get("CDTT_PASSWORD") or getpass.getpass("Password: ")
        try:
            user = user_create(
                actor=None,
                username=opts["name"],
                password=password,
                role=opts["role"],
                scope_unit=unit,
                full_name=opts["full_name"] or opts["name"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(
            f"created {user.username} ({user.role}) scoped to {unit.code} {unit.full_name}"
        )
