"""Reporting and moderating contributions; every action is logged (who, when, why)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.contributions.models import Contribution
from palabre.contributions.signals import announce_published
from palabre.core.text import without_bidi_controls
from palabre.organizations.audit import audit_record
from palabre.organizations.models import AuditEvent
from palabre.organizations.permissions import organization_user_can
from palabre.organizations.roles import Action

from .models import ModerationAction, Report


def report_create(
    *, contribution: Contribution, reporter: Any, reason: str, details: str = ""
) -> Report | None:
    """Anyone signed in may report; a second report by the same person changes nothing."""
    if reason not in Report.Reason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    try:
        with transaction.atomic():
            return Report.objects.create(
                contribution=contribution,
                reporter=reporter,
                reason=reason,
                details=without_bidi_controls(details)[:500],
            )
    except IntegrityError:
        return None


def _require_moderator(user: Any, contribution: Contribution) -> None:
    if not organization_user_can(user, contribution.process.organization, Action.MODERATE):
        raise PermissionDenied(_("Only the moderators of this local government can do this."))


def _resolve_reports(contribution: Contribution) -> None:
    Report.objects.filter(contribution=contribution, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )


# Moderation actions go to the moderators' own log (ModerationAction, on the moderation
# page) and to the organisation's audit log that administrators read.
_AUDIT_KINDS = {
    ModerationAction.Kind.HIDE: AuditEvent.Kind.CONTRIBUTION_HIDE,
    ModerationAction.Kind.RESTORE: AuditEvent.Kind.CONTRIBUTION_RESTORE,
    ModerationAction.Kind.DISMISS: AuditEvent.Kind.REPORTS_DISMISS,
    ModerationAction.Kind.RELEASE: AuditEvent.Kind.CONTRIBUTION_RELEASE,
}


def _log(contribution: Contribution, moderator: Any, kind: str, reason: str) -> None:
    ModerationAction.objects.create(
        contribution=contribution, moderator=moderator, kind=kind, reason=reason
    )
    audit_record(
        organization=contribution.process.organization,
        actor=moderator,
        action=_AUDIT_KINDS[ModerationAction.Kind(kind)],
        target=contribution,  # its id and its process: never its text or its author
        label=contribution.process.title,
        new={"reason": reason} if reason else None,
    )


@transaction.atomic
def contribution_hide(*, contribution: Contribution, moderator: Any, public_reason: str) -> None:
    _require_moderator(moderator, contribution)
    if not public_reason.strip():
        raise ValidationError(
            {"public_reason": _("Give the public reason shown in place of the text.")}
        )
    contribution.is_hidden, contribution.public_reason = True, public_reason.strip()[:300]
    contribution.held_at = None  # reviewed: it is now shown as hidden, with its reason
    contribution.save(update_fields=["is_hidden", "public_reason", "held_at"])
    _resolve_reports(contribution)
    _log(contribution, moderator, ModerationAction.Kind.HIDE, contribution.public_reason)


@transaction.atomic
def contribution_restore(*, contribution: Contribution, moderator: Any, reason: str = "") -> None:
    _require_moderator(moderator, contribution)
    contribution.is_hidden, contribution.public_reason = False, ""
    contribution.save(update_fields=["is_hidden", "public_reason"])
    _log(contribution, moderator, ModerationAction.Kind.RESTORE, reason)


@transaction.atomic
def reports_dismiss(*, contribution: Contribution, moderator: Any, reason: str = "") -> None:
    _require_moderator(moderator, contribution)
    _resolve_reports(contribution)
    _log(contribution, moderator, ModerationAction.Kind.DISMISS, reason)


@transaction.atomic
def contribution_release(*, contribution: Contribution, moderator: Any, reason: str = "") -> None:
    """Publish a contribution held by the word list, after review."""
    _require_moderator(moderator, contribution)
    if contribution.held_at is None:
        return
    contribution.held_at = None
    contribution.save(update_fields=["held_at"])
    announce_published(contribution)
    _log(contribution, moderator, ModerationAction.Kind.RELEASE, reason or contribution.held_terms)
