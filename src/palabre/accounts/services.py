"""Accounts: the profile a person edits; personal data: export everything about a person, and
anonymise an account on deletion."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from palabre.organizations.models import AuditEvent, Membership

from .models import User


def user_profile_update(*, user: User, pseudonym: str, participant_type: str) -> User:
    """Change what the account shows of itself: its pseudonym and participant type."""
    user.pseudonym = pseudonym
    user.participant_type = participant_type
    user.save(update_fields=["pseudonym", "participant_type"])
    return user


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
        "audit_events": [  # what the person did in the agents' space, as the audit log says
            {
                "organization": e.organization.name,
                "role": e.actor_role,
                "action": e.action,
                "target": {"type": e.target_type, "id": e.target_id, "label": e.target_label},
                "old": e.old,
                "new": e.new,
                "at": e.created_at.isoformat(),
            }
            for e in AuditEvent.objects.filter(actor=user)
            .select_related("organization")
            .order_by("created_at", "pk")
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
    """Close the account and anonymise it. Contributions stay, attributed to nobody; so do
    the audit events of what the person did as staff (their actor is the anonymised account,
    and they never held an e-mail or a name)."""
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
