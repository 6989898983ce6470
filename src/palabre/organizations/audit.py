"""The audit log ("journal d'audit"): every sensitive write of every app leaves an
`AuditEvent` through `audit_record`, in the transaction of the write itself.

What an event keeps, and what it never keeps:
- the acting account as a foreign key (SET_NULL) and the roles it held when it acted, as
  text, so that a later change of role does not rewrite history; no e-mail, no name;
- the target as a type, an id and a short label that the caller chooses not to be personal
  data (a process title, a topic name; a member is their user id, never their e-mail);
- old → new as small JSON objects; a value that must not be kept (a contact address, a
  file) is replaced by `NOT_RECORDED`, so the log still says that it changed.

Organisations are the lowest layer that can hold an organisation foreign key: every app
above may write here. Reads are in `selectors.audit_events_of`; `audit_rows` formats events
for the administrators' page.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from palabre.core.formats import thousands

from .models import AuditEvent, Membership, Organization
from .roles import Role

NOT_RECORDED = "<not recorded>"
"""Stands for a value that changed but is deliberately not kept in the log."""

SUPERUSER = "superuser"
"""`actor_role` of a site administrator (Django superuser), who needs no membership."""


def actor_roles(*, organization: Organization, actor: Any) -> str:
    """The roles `actor` holds in `organization` now, as stored text ("admin,agent"); read
    afresh from the database, not from a request's memo."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    held = set(
        Membership.objects.filter(organization=organization, user=actor).values_list(
            "role", flat=True
        )
    )
    roles = [role.value for role in Role if role in held]
    if getattr(actor, "is_superuser", False):
        roles.append(SUPERUSER)
    return ",".join(roles)


def _jsonable(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {key: _comparable(value) for key, value in values.items()}


def audit_record(
    *,
    organization: Organization,
    actor: Any,
    action: str,
    target: models.Model,
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
    label: str = "",
) -> AuditEvent:
    """Record that `actor` (None: Palabre itself, e.g. a task) did `action` on `target`.
    Call it inside the write's transaction, before deleting `target` (its id is read)."""
    account = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        organization=organization,
        actor=account,
        actor_role=actor_roles(organization=organization, actor=account),
        action=AuditEvent.Kind(action),
        target_type=target._meta.label_lower,
        target_id=target.pk,
        target_label=label[:200],
        old=_jsonable(old),
        new=_jsonable(new),
    )


def changed_fields(
    before: models.Model,
    after: models.Model,
    fields: Iterable[str],
    *,
    not_recorded: Iterable[str] = (),
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Old and new values of the `fields` that differ between two versions of an object;
    the values of `not_recorded` fields are replaced by `NOT_RECORDED`."""
    hidden = set(not_recorded)
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for name in fields:
        was, now = _comparable(getattr(before, name)), _comparable(getattr(after, name))
        if was != now:
            old[name] = NOT_RECORDED if name in hidden else was
            new[name] = NOT_RECORDED if name in hidden else now
    return old, new


def _comparable(value: Any) -> Any:
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, Decimal):  # 48.85 as typed is 48.850000 as stored
        return format(value.normalize(), "f")
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


# --- formatting for the administrators' page ---------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str
    recorded: bool = True  # False: it changed, its values are not kept


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    actor: str
    role: str
    target: str
    changes: list[Change]


def audit_rows(events: Iterable[AuditEvent]) -> list[AuditRow]:
    return [
        AuditRow(
            event=event,
            actor=_actor_label(event),
            role=_role_label(event.actor_role),
            target=_target_label(event),
            changes=_changes(event),
        )
        for event in events
    ]


def _actor_label(event: AuditEvent) -> str:
    """The account as the members' page shows it (read now, never copied into the event);
    an anonymised account shows as a former participant."""
    actor = event.actor
    if actor is not None:
        if getattr(actor, "anonymised_at", None):
            return str(actor.public_name)
        return f"{actor.public_name} ({actor.email})"
    if event.actor_role:
        return _("Deleted account")
    return _("Palabre (automatic)")


def _role_label(stored: str) -> str:
    labels = []
    for code in filter(None, stored.split(",")):
        if code == SUPERUSER:
            labels.append(_("Site administrator"))
        elif code in Role.values:
            labels.append(str(Role(code).label))
        else:
            labels.append(code)
    return ", ".join(labels) or "—"


def _model(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def _target_label(event: AuditEvent) -> str:
    model = _model(event.target_type)
    kind = capfirst(model._meta.verbose_name) if model else event.target_type
    text = _("%(kind)s no. %(id)s") % {"kind": kind, "id": event.target_id}
    return f"{text} — {event.target_label}" if event.target_label else text


def _changes(event: AuditEvent) -> list[Change]:
    old, new = event.old or {}, event.new or {}
    model = _model(event.target_type)
    return [
        Change(
            field=_field_label(model, key),
            old=_value_label(model, key, old.get(key)),
            new=_value_label(model, key, new.get(key)),
            recorded=NOT_RECORDED not in (old.get(key), new.get(key)),
        )
        for key in dict.fromkeys([*old, *new])
        # an answer without progress before or after: nothing to say ("— → —")
        if not (old.get(key) in (None, "") and new.get(key) in (None, ""))
    ]


def _field(model: type[models.Model] | None, key: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def _field_label(model: type[models.Model] | None, key: str) -> str:
    labels = {
        "role": _("role"),  # a member's role (the target is the member's account)
        "reason": _("reason"),  # a moderator's reason
        "ballots": _("ballots"),  # a count
        "files": _("files"),  # an open dataset
        "status": _("status"),
    }
    if key in labels:
        return labels[key]
    field = _field(model, key)
    return str(getattr(field, "verbose_name", key))


def _value_label(model: type[models.Model] | None, key: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if key == "role" and value in Role.values:
        return str(Role(value).label)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    choices = dict(getattr(_field(model, key), "flatchoices", None) or [])
    if value in choices:
        return str(choices[value])
    if isinstance(value, int):
        return thousands(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return Truncator(str(value)).chars(200)  # a long text is kept whole in the event
