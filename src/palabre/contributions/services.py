"""Writes for contributions: one entry point, whatever the channel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.core.models import Channel
from palabre.processes.models import Process

from .models import Contribution


def contribution_create(
    *,
    process: Process,
    kind: str,
    body: str,
    author: Any = None,
    channel: str = Channel.ONLINE,
    **fields: Any,
) -> Contribution:
    if not body.strip():
        raise ValidationError({"body": _("The text cannot be empty.")})
    contribution = Contribution(
        process=process,
        kind=kind,
        body=body.strip(),
        author=author,
        channel=channel,
        created_at=fields.pop("created_at", None) or timezone.now(),
        phase=fields.pop("phase", None) or process.current_phase(),
        **fields,
    )
    contribution.full_clean(exclude=["parent", "submission_token"])
    contribution.save()
    return contribution


@transaction.atomic
def contributions_import(*, process: Process, rows: Iterable[Contribution]) -> int:
    """Insert prepared contributions in one transaction; rows whose `source_ref` is already
    there are skipped, so an import can be re-run without duplicating anything."""
    rows = list(rows)
    refs = {r.source_ref for r in rows if r.source_ref}
    existing = set(
        Contribution.objects.filter(process=process, source_ref__in=refs).values_list(
            "source_ref", flat=True
        )
    )
    fresh = [r for r in rows if not r.source_ref or r.source_ref not in existing]
    for row in fresh:
        row.process = process
    Contribution.objects.bulk_create(fresh, batch_size=500)
    return len(fresh)


class ActivityClosed(ValidationError):
    """The calendar does not allow this now; the message says why, in French."""


def _check_open(process: Process, activity: Any) -> None:
    from .rules import activity_closed_reason

    reason = activity_closed_reason(process, activity)
    if reason:
        raise ActivityClosed(reason)


def _existing_submission(process: Process, token: Any) -> Contribution | None:
    if token is None:
        return None
    return Contribution.objects.filter(process=process, submission_token=token).first()


@transaction.atomic
def idea_submit(
    *,
    process: Process,
    author: Any,
    title: str,
    body: str,
    theme: Any = None,
    neighbourhood: Any = None,
    token: Any = None,
    channel: str = Channel.ONLINE,
) -> Contribution:
    """Submit an idea. Submitting the same form twice (same `token`) returns the first idea."""
    from .rules import Activity

    existing = _existing_submission(process, token)
    if existing is not None:
        return existing
    _check_open(process, Activity.SUBMIT_IDEA)
    if theme is not None and theme.organization_id != process.organization_id:
        raise ValidationError({"theme": _("This theme belongs to another local government.")})
    if neighbourhood is not None and neighbourhood.organization_id != process.organization_id:
        raise ValidationError(
            {"neighbourhood": _("This neighbourhood belongs to another local government.")}
        )
    if not title.strip():
        raise ValidationError({"title": _("Give your idea a title.")})
    return contribution_create(
        process=process,
        kind=Contribution.Kind.IDEA,
        title=title.strip(),
        body=body,
        author=author,
        channel=channel,
        theme=theme,
        neighbourhood=neighbourhood,
        submission_token=token,
    )


@transaction.atomic
def comment_add(
    *,
    idea: Contribution,
    author: Any,
    body: str,
    stance: str = "",
    reply_to: Contribution | None = None,
    token: Any = None,
) -> Contribution:
    """Comment an idea with a stance; replies are one level deep (a reply to a reply is
    attached to the same comment)."""
    from .rules import Activity

    existing = _existing_submission(idea.process, token)
    if existing is not None:
        return existing
    _check_open(idea.process, Activity.COMMENT)
    parent = idea
    if reply_to is not None:
        if reply_to.process_id != idea.process_id:
            raise ValidationError(_("This comment belongs to another idea."))
        parent = reply_to if reply_to.kind == Contribution.Kind.COMMENT else idea
        if parent.parent_id and parent.parent_id != idea.pk:
            parent = parent.parent or idea
    if stance and stance not in Contribution.Stance.values:
        raise ValidationError({"stance": _("Unknown stance.")})
    return contribution_create(
        process=idea.process,
        kind=Contribution.Kind.COMMENT,
        body=body,
        stance=stance,
        author=author,
        parent=parent,
        submission_token=token,
    )


def support_set(*, idea: Contribution, user: Any, supported: bool) -> int:
    """Support (or withdraw support from) an idea; one per person. Returns the exact count.

    Safe under concurrent clicks: the database's unique constraint decides, never a count
    kept in Python."""
    from django.db import IntegrityError

    from .models import Support
    from .rules import Activity

    _check_open(idea.process, Activity.SUPPORT)
    if supported and idea.withdrawn_at is not None:
        raise ActivityClosed(_("This idea was withdrawn by its author."))
    if supported:
        try:
            with transaction.atomic():
                Support.objects.get_or_create(contribution=idea, user=user)
        except IntegrityError:
            pass  # a parallel click got there first: still one support
    else:
        Support.objects.filter(contribution=idea, user=user).delete()
    return Support.objects.filter(contribution=idea).count()


EDIT_DELAY = dt.timedelta(minutes=30)


def idea_can_edit(*, idea: Contribution, user: Any) -> bool:
    """Its author may edit an idea within 30 minutes, while ideas are still collected."""
    from .rules import Activity, activity_closed_reason

    return bool(
        user.is_authenticated
        and idea.author_id == user.pk
        and idea.withdrawn_at is None
        and not idea.is_hidden
        and timezone.now() - idea.created_at <= EDIT_DELAY
        and activity_closed_reason(idea.process, Activity.SUBMIT_IDEA) is None
    )


@transaction.atomic
def idea_edit(*, idea: Contribution, user: Any, title: str, body: str) -> Contribution:
    if not idea_can_edit(idea=idea, user=user):
        raise ValidationError(
            _("An idea can only be edited by its author, within 30 minutes of publication.")
        )
    if not title.strip() or not body.strip():
        raise ValidationError(_("The title and the text cannot be empty."))
    idea.title, idea.body, idea.edited_at = title.strip(), body.strip(), timezone.now()
    idea.save(update_fields=["title", "body", "edited_at"])
    return idea


@transaction.atomic
def idea_withdraw(*, idea: Contribution, user: Any) -> Contribution:
    """The author withdraws an idea: it stays listed as withdrawn (its comments remain
    readable) and can no longer be supported."""
    if not user.is_authenticated or idea.author_id != user.pk:
        raise ValidationError(_("Only the author can withdraw an idea."))
    if idea.withdrawn_at is None:
        idea.withdrawn_at = timezone.now()
        idea.save(update_fields=["withdrawn_at"])
    return idea
