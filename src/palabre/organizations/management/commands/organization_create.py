"""Create a local government and, optionally, give its first administrator role."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from palabre.organizations.models import Organization
from palabre.organizations.roles import Role
from palabre.organizations.services import membership_grant, organization_create


class Command(BaseCommand):
    help = (
        "Create a local government (collectivité) with its neighbourhoods and first administrator."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", required=True, choices=Organization.Kind.values)
        parser.add_argument("--slug", default="")
        parser.add_argument("--population", type=int, default=None)
        parser.add_argument("--neighbourhood", action="append", default=[], dest="neighbourhoods")
        parser.add_argument(
            "--admin-email", default="", help="an existing account to make administrator"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        admin = None
        if options["admin_email"]:
            admin = get_user_model().objects.filter(email__iexact=options["admin_email"]).first()
            if admin is None:
                raise CommandError(f"No account uses {options['admin_email']}: create it first.")
        try:
            organization = organization_create(
                name=options["name"],
                kind=options["kind"],
                slug=options["slug"],
                population=options["population"],
                neighbourhoods=options["neighbourhoods"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        if admin is not None:
            membership_grant(organization=organization, user=admin, role=Role.ADMIN)
        self.stdout.write(f"Created {organization.name} at /{organization.slug}/")
