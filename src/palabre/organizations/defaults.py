"""Default texts for a new organisation's legal pages (agents edit them afterwards)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import LegalPage, Organization


def legal_pages(organization: Organization) -> list[tuple[str, str, str]]:
    name = organization.name
    return [
        (
            LegalPage.Kind.LEGAL_NOTICE,
            _("Legal notice"),
            _(
                "This participation site is published by %(name)s.\n\n"
                "Publication director: the head of the local government.\n\n"
                "Software: Palabre, free software (AGPL-3.0)."
            )
            % {"name": name},
        ),
        (
            LegalPage.Kind.PERSONAL_DATA,
            _("Personal data"),
            _(
                "%(name)s processes your personal data to run its participation processes. "
                "Only what is needed is collected: your e-mail address to sign in, and the "
                "public pseudonym you choose. Your contributions are shown under your "
                "pseudonym only.\n\n"
                "You can download all your data or delete your account at any time from "
                "your account page. When you delete your account, your contributions stay "
                "online without your name, so the debate remains readable.\n\n"
                "No advertising or tracking cookie is used."
            )
            % {"name": name},
        ),
        (
            LegalPage.Kind.ACCESSIBILITY,
            _("Accessibility"),
            _(
                "%(name)s is committed to making this site accessible under the RGAA 4 "
                "(WCAG 2.1 level AA). Compliance status: partially compliant, pending audit.\n\n"
                "If you cannot access a content or a service, contact us so that we can "
                "give you an alternative or the content in another form."
            )
            % {"name": name},
        ),
    ]
