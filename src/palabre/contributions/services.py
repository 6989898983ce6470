"""Writes for contributions: one entry point, whatever the channel."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.core.models import Channel
from palabre.core.text import without_bidi_controls
from palabre.processes.models import Process

from .models import Contribution
from .signals import announce_published

# besides the body, what a contribution shows to others (bidi controls dropped)
SHOWN_TEXT_FIELDS = ("title", "image_alt", "address")


def contribution_create(
    *,
    process: Process,
    kind: str,
    body: str,
    author: Any = None,
    channel: str = Channel.ONLINE,
    **fields: Any,
) -> Contribution:
    body = without_bidi_controls(body)
    for name in SHOWN_TEXT_FIELDS:
        if isinstance(fields.get(name), str):
            fields[name] = without_bidi_controls(fields[name])
    if not body.strip():
        raise ValidationError({"body": _("The text cannot be empty.")})
    held = []
    if channel == Channel.ONLINE and process.organization.held_words:
        from .wordlist import held_terms

        held = held_terms(f"{fields.get('title', '')}\n{body}", process.organization.held_words)
    if held:
        fields["held_at"], fields["held_terms"] = timezone.now(), ", ".join(held)[:300]
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
        row.title, row.body = without_bidi_controls(row.title), without_bidi_controls(row.body)
    Contribution.objects.bulk_create(fresh, batch_size=500)
    return len(fresh)


class ActivityClosed(ValidationError):
    """The calendar does not allow this now; the message says why, in French."""


def activity_check(process: Process, activity: Any) -> None:
    """Raise ActivityClosed, with its French reason, unless `activity` is open now."""
    from .rules import activity_closed_reason

    reason = activity_closed_reason(process, activity)
    if reason:
        raise ActivityClosed(reason)


def existing_submission(process: Process, token: Any) -> Contribution | None:
    if token is None:
        return None
    return Contribution.objects.filter(process=process, submission_token=token).first()


Service = TypeVar("Service", bound=Callable[..., Any])


def submitted_once(
    duplicate: Callable[[Contribution], Any] = lambda existing: existing,
) -> Callable[[Service], Service]:
    """A service that saves a contribution with the form's `token`: the same form sent twice
    returns what the first made (`duplicate(existing)`), also when both arrive at the same
    instant. The second then waits at the database's unique constraint for the first to
    commit, gets an IntegrityError in its savepoint and returns the first's contribution.
    The service takes `process=` or `idea=` (whose process is the token's)."""

    def decorate(service: Service) -> Service:
        @functools.wraps(service)
        def wrapper(*args: Any, token: Any = None, **kwargs: Any) -> Any:
            process = kwargs["process"] if "process" in kwargs else kwargs["idea"].process
            existing = existing_submission(process, token)
            if existing is not None:
                return duplicate(existing)
            try:
                with transaction.atomic():
                    return service(*args, token=token, **kwargs)
            except IntegrityError:
                existing = existing_submission(process, token)
                if existing is None:
                    raise
                return duplicate(existing)

        return wrapper  # type: ignore[return-value]

    return decorate


def _check_place(latitude: Any, longitude: Any) -> tuple[Any, Any]:
    from decimal import Decimal, InvalidOperation

    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    try:
        lat = Decimal(str(latitude)).quantize(Decimal("0.000001"))
        lon = Decimal(str(longitude)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"latitude": _("This point on the map is not valid.")}) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError({"latitude": _("This point on the map is not valid.")})
    return lat, lon


@submitted_once()
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
    image: Any = None,
    image_alt: str = "",
    address: str = "",
    latitude: Any = None,
    longitude: Any = None,
) -> Contribution:
    """Submit an idea. Submitting the same form twice (same `token`) returns the first idea.

    `image` is re-encoded (no EXIF, no GPS position) and needs its description; a point on
    the map needs both coordinates, within the valid ranges."""
    from .rules import Activity

    activity_check(process, Activity.SUBMIT_IDEA)
    if theme is not None and theme.organization_id != process.organization_id:
        raise ValidationError({"theme": _("This theme belongs to another local government.")})
    if neighbourhood is not None and neighbourhood.organization_id != process.organization_id:
        raise ValidationError(
            {"neighbourhood": _("This neighbourhood belongs to another local government.")}
        )
    title, image_alt = without_bidi_controls(title), without_bidi_controls(image_alt)
    if not title.strip():
        raise ValidationError({"title": _("Give your idea a title.")})
    place = _check_place(latitude, longitude)
    clean_image = None
    if image:
        from palabre.core.images import clean_image as _clean

        if not image_alt.strip():
            raise ValidationError({"image_alt": _("Describe the image in a few words.")})
        clean_image = _clean(image)
    idea = contribution_create(
        process=process,
        kind=Contribution.Kind.IDEA,
        title=title.strip(),
        body=body,
        author=author,
        channel=channel,
        theme=theme,
        neighbourhood=neighbourhood,
        submission_token=token,
        address=address.strip()[:200],
        latitude=place[0],
        longitude=place[1],
        image=clean_image,
        image_alt=image_alt.strip()[:250] if clean_image else "",
    )
    announce_published(idea)
    return idea


def _comment_create(
    *, process: Process, author: Any, body: str, stance: str, parent: Any, token: Any
) -> Contribution:
    if stance and stance not in Contribution.Stance.values:
        raise ValidationError({"stance": _("Unknown stance.")})
    comment = contribution_create(
        process=process,
        kind=Contribution.Kind.COMMENT,
        body=body,
        stance=stance,
        author=author,
        parent=parent,
        submission_token=token,
    )
    announce_published(comment)
    return comment


@submitted_once()
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

    activity_check(idea.process, Activity.COMMENT)
    parent = idea
    if reply_to is not None:
        if reply_to.process_id != idea.process_id:
            raise ValidationError(_("This comment belongs to another idea."))
        parent = reply_to if reply_to.kind == Contribution.Kind.COMMENT else idea
        if parent.parent_id and parent.parent_id != idea.pk:
            parent = parent.parent or idea
    return _comment_create(
        process=idea.process, author=author, body=body, stance=stance, parent=parent, token=token
    )


@submitted_once()
@transaction.atomic
def process_comment_add(
    *,
    process: Process,
    author: Any,
    body: str,
    stance: str = "",
    reply_to: Contribution | None = None,
    token: Any = None,
) -> Contribution:
    """Comment on the process itself (the debate under its question), with a stance;
    replies are one level deep, like comments on ideas."""
    from .rules import Activity

    activity_check(process, Activity.DEBATE)
    parent = None
    if reply_to is not None:
        if reply_to.process_id != process.pk or reply_to.kind != Contribution.Kind.COMMENT:
            raise ValidationError(_("This comment belongs to another process."))
        parent = reply_to.parent if reply_to.parent_id else reply_to
        if parent is not None and parent.kind != Contribution.Kind.COMMENT:
            raise ValidationError(_("This comment belongs to an idea."))
    return _comment_create(
        process=process, author=author, body=body, stance=stance, parent=parent, token=token
    )


def support_set(*, idea: Contribution, user: Any, supported: bool) -> int:
    """Support (or withdraw support from) an idea; one per person. Returns the exact count.

    Safe under concurrent clicks: the database's unique constraint decides, never a count
    kept in Python."""
    from django.db import IntegrityError

    from .models import Support
    from .rules import Activity

    activity_check(idea.process, Activity.SUPPORT)
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


def idea_viewed(*, idea: Contribution, user: Any, address: str, user_agent: str) -> None:
    """Count an opening of an idea's page, once per person (signed in) or browser (address
    and user agent) and day, never by its author or a robot. It measures how many people had
    the chance to support the idea (the "most supported" ranking divides by it), so
    reloading a rival's page must not push it down. Kept as a keyed hash of the day, the
    idea and the viewer in its own row (an insert that ignores a duplicate: no lock on the
    idea), summed up and deleted daily (`idea_views_roll_up`)."""
    from django.utils.crypto import salted_hmac

    from palabre.core.http import is_robot

    from .models import IdeaViewer

    if getattr(user, "pk", None) is not None and user.pk == idea.author_id:
        return
    if is_robot(user_agent):
        return
    day = timezone.localdate()
    who = f"u{user.pk}" if getattr(user, "is_authenticated", False) else f"a{address}|{user_agent}"
    viewer = salted_hmac(
        "palabre.idea_viewer", f"{day}|{idea.pk}|{who}", algorithm="sha256"
    ).hexdigest()
    IdeaViewer.objects.bulk_create(
        [IdeaViewer(idea_id=idea.pk, day=day, viewer=viewer)], ignore_conflicts=True
    )


@transaction.atomic
def idea_views_roll_up(*, today: Any = None) -> int:
    """Add the finished days' distinct viewers to each idea's `views` and delete their rows
    (run daily by `evaluation_daily`). Returns the number of ideas updated."""
    from django.db.models import Count, F

    from .models import IdeaViewer

    today = today or timezone.localdate()
    finished = IdeaViewer.objects.filter(day__lt=today)
    rows = finished.values("idea_id").annotate(n=Count("pk")).order_by("idea_id")
    updated = 0
    for row in rows:
        updated += Contribution.objects.filter(pk=row["idea_id"]).update(
            views=F("views") + row["n"]
        )
    finished.delete()
    return updated


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
    title, body = without_bidi_controls(title), without_bidi_controls(body)
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


# --- paper, meeting and assisted entry ---------------------------------------------------


def staff_entry_check(*, process: Process, entered_by: Any) -> None:
    """Paper, meeting and assisted entries: only the organisation's agents and mediators,
    for a published or closed process (paper comes back after the close)."""
    from palabre.organizations.permissions import organization_user_can
    from palabre.organizations.roles import Action

    if entered_by is None or not organization_user_can(
        entered_by, process.organization, Action.ASSISTED_ENTRY
    ):
        raise ValidationError(
            _("Only an agent or a mediator of this local government can enter contributions.")
        )
    if process.status not in {Process.Status.PUBLISHED, Process.Status.CLOSED}:
        raise ActivityClosed(
            _("Contributions can only be entered for a published or closed process.")
        )


def _split_blocks(text: str) -> list[str]:
    """Contributions typed one after another, separated by an empty line."""
    blocks, current = [], []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def _title_and_body(block: str) -> tuple[str, str]:
    first, _sep, rest = block.partition("\n")
    if rest.strip() and len(first) <= 150:
        return first, rest.strip()
    title = first if len(first) <= 80 else first[:80].rsplit(" ", 1)[0] + "…"
    return title, block


MAX_BULK = 500


@submitted_once(duplicate=lambda existing: [])
@transaction.atomic
def contributions_enter(
    *,
    process: Process,
    entered_by: Any,
    text: str,
    kind: str = Contribution.Kind.IDEA,
    channel: str = Channel.MEETING,
    meeting: Any = None,
    theme: Any = None,
    neighbourhood: Any = None,
    token: Any = None,
) -> list[Contribution]:
    """Type in contributions gathered at a meeting or on paper, several at once: one per
    block of lines (an empty line between two). For ideas, the first line of a block is its
    title. All are saved or none; the same form sent twice saves nothing more."""
    staff_entry_check(process=process, entered_by=entered_by)
    if channel not in {Channel.MEETING, Channel.PAPER}:
        raise ValidationError({"channel": _("Choose “meeting” or “paper”.")})
    if kind not in {Contribution.Kind.IDEA, Contribution.Kind.MEETING_NOTE}:
        raise ValidationError({"kind": _("Unknown kind of contribution.")})
    if meeting is not None and meeting.process_id != process.pk:
        raise ValidationError({"meeting": _("This meeting belongs to another process.")})
    for value, field in ((theme, "theme"), (neighbourhood, "neighbourhood")):
        if value is not None and value.organization_id != process.organization_id:
            raise ValidationError({field: _("This belongs to another local government.")})
    blocks = _split_blocks(text)
    if not blocks:
        raise ValidationError({"text": _("The text cannot be empty.")})
    if len(blocks) > MAX_BULK:
        raise ValidationError({"text": _("At most %(n)d contributions at once.") % {"n": MAX_BULK}})
    created = []
    for i, block in enumerate(blocks):
        title, body = ("", block)
        if kind == Contribution.Kind.IDEA:
            title, body = _title_and_body(block)
        created.append(
            contribution_create(
                process=process,
                kind=kind,
                title=title,
                body=body,
                channel=channel,
                meeting=meeting,
                theme=theme,
                neighbourhood=neighbourhood or (meeting.neighbourhood if meeting else None),
                entered_by=entered_by,
                submission_token=token if i == 0 else None,
            )
        )
    return created


def mediation_start(*, organization: Any, mediator: Any, place: str) -> Any:
    from palabre.organizations.permissions import organization_user_can
    from palabre.organizations.roles import Action

    from .models import MediationSession

    if not organization_user_can(mediator, organization, Action.ASSISTED_ENTRY):
        raise ValidationError(_("Only a mediator of this local government can start a session."))
    if not place.strip():
        raise ValidationError({"place": _("Say where you are (market, library, street…).")})
    return MediationSession.objects.create(
        organization=organization, mediator=mediator, place=place.strip()
    )


def mediation_session_check(*, session: Any, mediator: Any) -> None:
    """Entries go into a session only while it is open, and only its own mediator's."""
    if session.mediator_id != getattr(mediator, "pk", None) or session.ended_at is not None:
        raise ValidationError(_("This mediation session is not yours or has ended."))


def mediation_end(*, session: Any) -> Any:
    if session.ended_at is None:
        session.ended_at = timezone.now()
        session.save(update_fields=["ended_at"])
    return session


@submitted_once()
@transaction.atomic
def assisted_idea_record(
    *,
    session: Any,
    mediator: Any,
    process: Process,
    title: str,
    body: str,
    consent: bool,
    theme: Any = None,
    neighbourhood: Any = None,
    contact_email: str = "",
    token: Any = None,
) -> Contribution:
    """A mediator records a person's idea on their behalf (channel "assisted"), in the
    mediator's session, with the person's consent noted; their e-mail, if they want to hear
    what became of it, is kept apart from the contribution and never shown."""
    from .models import FollowUpContact
    from .rules import Activity

    mediation_session_check(session=session, mediator=mediator)
    if session.organization_id != process.organization_id:
        raise ValidationError(_("This process belongs to another local government."))
    staff_entry_check(process=process, entered_by=mediator)
    activity_check(process, Activity.SUBMIT_IDEA)
    if not consent:
        raise ValidationError(
            {"consent": _("Record a contribution only once the person has agreed to it.")}
        )
    if not title.strip():
        raise ValidationError({"title": _("Give the idea a title.")})
    for value, field in ((theme, "theme"), (neighbourhood, "neighbourhood")):
        if value is not None and value.organization_id != process.organization_id:
            raise ValidationError({field: _("This belongs to another local government.")})
    idea = contribution_create(
        process=process,
        kind=Contribution.Kind.IDEA,
        title=title.strip(),
        body=body,
        channel=Channel.ASSISTED,
        theme=theme,
        neighbourhood=neighbourhood,
        entered_by=mediator,
        mediation=session,
        consent_at=timezone.now(),
        submission_token=token,
    )
    if contact_email.strip():
        contact = FollowUpContact(contribution=idea, email=contact_email.strip())
        contact.full_clean(exclude=["contribution"])
        contact.save()
    return idea


# --- co-authoring by an association ------------------------------------------------------


@transaction.atomic
def coauthor_invite(*, idea: Contribution, inviter: Any, email: str) -> Any:
    """The author of an idea invites an association's account to co-sign it."""
    from django.contrib.auth import get_user_model

    from palabre.core.tasks import enqueue_on_commit

    from .models import Coauthorship
    from .tasks import send_coauthor_invitation

    if idea.kind != Contribution.Kind.IDEA or idea.author_id != getattr(inviter, "pk", None):
        raise ValidationError(_("Only the author of an idea can invite a co-author."))
    User = get_user_model()
    invitee = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if invitee is None or invitee.participant_type != User.ParticipantType.ASSOCIATION:
        raise ValidationError(
            {"email": _("No association account uses this e-mail address on this site.")}
        )
    if invitee.pk == inviter.pk:
        raise ValidationError({"email": _("You are already the author of this idea.")})
    coauthorship, created = Coauthorship.objects.get_or_create(
        idea=idea, user=invitee, defaults={"invited_by": inviter}
    )
    if created:
        enqueue_on_commit(send_coauthor_invitation, coauthorship.pk)
    return coauthorship


def coauthor_respond(*, idea: Contribution, user: Any, accept: bool) -> None:
    from .models import Coauthorship

    invitation = Coauthorship.objects.filter(idea=idea, user=user.pk).first()
    if invitation is None:
        raise ValidationError(_("You have no invitation for this idea."))
    if accept:
        if invitation.accepted_at is None:
            invitation.accepted_at = timezone.now()
            invitation.save(update_fields=["accepted_at"])
    else:
        invitation.delete()


def follow_up_contacts_forget(sender: Any, process: Process, **kwargs: Any) -> int:
    """Archiving a process deletes the e-mail addresses left by people who contributed on
    paper or with a mediator: they were kept only to tell them the outcome."""
    from .models import FollowUpContact

    deleted, _details = FollowUpContact.objects.filter(contribution__process=process).delete()
    return deleted
