"""Roles per organisation and what each may do. The only table of rights in Palabre."""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    AGENT = "agent", _("Participation agent")
    MODERATOR = "moderator", _("Moderator")
    ANALYST = "analyst", _("Analyst")
    ELECTED = "elected", _("Elected official")
    MEDIATOR = "mediator", _("Mediator")
    CITIZEN = "citizen", _("Participant")


class Action(StrEnum):
    """Organisation-level actions checked by `permissions.organization_user_can`."""

    VIEW_BACKOFFICE = "view_backoffice"
    MANAGE_ORGANIZATION = "manage_organization"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_PROCESSES = "manage_processes"
    VIEW_DRAFTS = "view_drafts"
    EDIT_LEGAL_PAGES = "edit_legal_pages"
    MODERATE = "moderate"
    ANALYSE = "analyse"
    ANSWER = "answer"
    ASSISTED_ENTRY = "assisted_entry"
    VIEW_RESTRICTED = "view_restricted"


_STAFF = {Action.VIEW_BACKOFFICE, Action.VIEW_DRAFTS, Action.VIEW_RESTRICTED}

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.AGENT: frozenset(
        _STAFF
        | {
            Action.MANAGE_PROCESSES,
            Action.EDIT_LEGAL_PAGES,
            Action.MODERATE,
            Action.ANALYSE,
            Action.ASSISTED_ENTRY,
        }
    ),
    Role.MODERATOR: frozenset(_STAFF | {Action.MODERATE}),
    Role.ANALYST: frozenset(_STAFF | {Action.ANALYSE}),
    Role.ELECTED: frozenset(_STAFF | {Action.ANSWER}),
    Role.MEDIATOR: frozenset(
        {Action.VIEW_BACKOFFICE, Action.ASSISTED_ENTRY, Action.VIEW_RESTRICTED}
    ),
    Role.CITIZEN: frozenset({Action.VIEW_RESTRICTED}),
}

STAFF_ROLES = frozenset(r for r in Role if r != Role.CITIZEN)
