from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from palabre.accounts.models import User
from palabre.demo.loader import DEMO_PEOPLE, SUPERUSER, demo_totp_secret


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo staff account (demo only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        import time

        from allauth.mfa import app_settings
        from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

        if settings.PRODUCTION:
            raise CommandError("Demo accounts only: not in production.")
        emails = {email for email, *_rest in DEMO_PEOPLE} | {SUPERUSER[0]}
        user = User.objects.filter(email=options["email"]).first()
        if options["email"] not in emails or user is None:
            raise CommandError(f"Not a demo account: {options['email']}")
        secret = demo_totp_secret(user)
        counter = int(time.time()) // app_settings.TOTP_PERIOD
        self.stdout.write(format_hotp_value(hotp_value(secret, counter)))
