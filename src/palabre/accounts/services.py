"""Personal data: export everything about a person, and anonymise an account on deletion."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from palabre.organizations.models import Membership

from .models import User


def user_export_data(*, user: User) -> dict[str, Any]:
    """Everything Palabre holds about `user`, as JSON-ready data (GDPR art. 15 and 20)."""
    from allauth.account.models import EmailAddress

    from .signals import personal_data_export

    data: dict[str, Any] = {
        "format": "palabre-personal-data/1",
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "pseudonym": user.pseudonym,
            "participant_type": user.participant_type,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
        "roles": [
            {
                "organization": m.organization.name,
                "role": m.role,
                "since": m.created_at.isoformat(),
            }
            for m in Membership.objects.filter(user=user).select_related("organization")
        ],
        "contributions": [
            {
                "process": c.process.title,
                "organization": c.process.organization.name,
                "kind": c.kind,
                "title": c.title,
                "body": c.body,
                "stance": c.stance,
                "channel": c.channel,
                "created_at": c.created_at.isoformat(),
            }
            for c in user.contributions.select_related("process__organization").order_by("pk")
        ],
    }
    sections: list[tuple[Any, Any]] = personal_data_export.send(sender=User, user=user)
    for _receiver, section in sections:
        if section:
            name, value = section
            data[name] = value
    return data


@transaction.atomic
def user_delete_account(*, user: User) -> None:
    """Close the account and anonymise it. Contributions stay, attributed to nobody."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from .signals import account_anonymised

    account_anonymised.send(sender=User, user=user)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    Membership.objects.filter(user=user).delete()
    user.email = f"deleted-{uuid.uuid4().hex}@invalid.palabre"
    user.pseudonym = ""
    user.participant_type = User.ParticipantType.OTHER
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.anonymised_at = timezone.now()
    user.set_unusable_password()
    user.save()
