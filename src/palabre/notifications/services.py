"""Writes for following and notifications. E-mails go through background tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.contributions.models import Contribution
from palabre.core.tasks import enqueue_on_commit
from palabre.processes.models import Phase, Process, Theme

from .models import Follow, Notification, Preference

UNSUBSCRIBE_SALT = "palabre.notifications.unsubscribe"


def _target(target: Any) -> dict[str, Any]:
    if isinstance(target, Process):
        return {"process": target}
    if isinstance(target, Theme):
        return {"theme": target}
    if isinstance(target, Contribution) and target.kind == Contribution.Kind.IDEA:
        return {"idea": target}
    raise ValidationError(_("Only a process, a theme or an idea can be followed."))


def follow_set(*, user: Any, target: Any, following: bool) -> bool:
    """Follow or stop following; returns whether `user` now follows `target`."""
    lookup = _target(target)
    if following:
        try:
            with transaction.atomic():
                Follow.objects.get_or_create(user=user, **lookup)
        except IntegrityError:
            pass  # a parallel click
    else:
        Follow.objects.filter(user=user, **lookup).delete()
    return following


def preference_set(*, user: Any, email_frequency: str) -> Preference:
    if email_frequency not in Preference.Frequency.values:
        raise ValidationError({"email_frequency": _("Unknown choice.")})
    preference, _created = Preference.objects.update_or_create(
        user=user, defaults={"email_frequency": email_frequency}
    )
    return preference


def frequency_of(user: Any) -> str:
    preference = Preference.objects.filter(user=user).first()
    return preference.email_frequency if preference else Preference.Frequency.IMMEDIATE


def unsubscribe_token(user: Any) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def unsubscribe(*, token: str) -> Any:
    """Stop all notification e-mails for the person the token was made for (no login)."""
    from django.contrib.auth import get_user_model

    try:
        user_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise ValidationError(_("This unsubscribe link is not valid.")) from None
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise ValidationError(_("This unsubscribe link is not valid."))
    preference_set(user=user, email_frequency=Preference.Frequency.NEVER)
    return user


def notify(
    *,
    recipients: dict[int, str],
    process: Process,
    contribution: Contribution | None = None,
    phase: Phase | None = None,
) -> list[Notification]:
    """Create one notification per recipient (user id → kind) and send the immediate e-mails
    once the transaction commits."""
    from django.contrib.auth import get_user_model

    if not recipients:
        return []
    active = set(
        get_user_model()
        .objects.filter(pk__in=recipients, is_active=True, anonymised_at__isnull=True)
        .values_list("pk", flat=True)
    )
    created = Notification.objects.bulk_create(
        [
            Notification(
                user_id=user_id,
                kind=kind,
                process=process,
                contribution=contribution,
                phase=phase,
            )
            for user_id, kind in recipients.items()
            if user_id in active
        ]
    )
    daily_or_never = set(
        Preference.objects.filter(user__in=active)
        .exclude(email_frequency=Preference.Frequency.IMMEDIATE)
        .values_list("user_id", flat=True)
    )
    from .tasks import send_notification_email

    for notification in created:
        if notification.user_id not in daily_or_never:
            enqueue_on_commit(send_notification_email, notification.pk)
    return created


def _followers(**lookups: Any) -> set[int]:
    query = Q()
    for field, value in lookups.items():
        if value is not None:
            query |= Q(**{field: value})
    if not query:
        return set()
    return set(Follow.objects.filter(query).values_list("user_id", flat=True))


def on_contribution_published(sender: Any, contribution: Contribution, **kwargs: Any) -> None:
    """Who hears about a new idea or comment. Each person gets at most one notification per
    contribution, the most personal one; nobody is notified of their own contribution."""
    recipients: dict[int, str] = {}
    if contribution.kind == Contribution.Kind.IDEA:
        for user_id in _followers(process=contribution.process_id, theme=contribution.theme_id):
            recipients[user_id] = Notification.Kind.NEW_IDEA
    elif contribution.kind == Contribution.Kind.COMMENT and contribution.parent is not None:
        parent = contribution.parent
        idea = parent.idea
        if idea is not None:
            for user_id in _followers(idea=idea.pk):
                recipients[user_id] = Notification.Kind.COMMENT_ON_FOLLOWED
            if idea.author_id:
                recipients[idea.author_id] = Notification.Kind.COMMENT_ON_MY_IDEA
        if parent.kind == Contribution.Kind.COMMENT and parent.author_id:
            recipients[parent.author_id] = Notification.Kind.REPLY_TO_MY_COMMENT
    recipients.pop(contribution.author_id or 0, None)
    notify(recipients=recipients, process=contribution.process, contribution=contribution)


@transaction.atomic
def phases_announce(*, today: dt.date | None = None) -> int:
    """Tell followers of a published process that a phase began. Run daily (cron or the demo
    runner); a phase is announced once. Phases that began more than a week ago are marked
    without notifying (a first run on an old database sends no backlog)."""
    today = today or timezone.localdate()
    phases = Phase.objects.select_for_update().filter(
        announced_at__isnull=True,
        start_date__lte=today,
        process__status=Process.Status.PUBLISHED,
    )
    sent = 0
    now = timezone.now()
    for phase in phases.select_related("process"):
        if phase.start_date >= today - dt.timedelta(days=7) and phase.end_date >= today:
            followers = _followers(process=phase.process_id)
            sent += len(
                notify(
                    recipients=dict.fromkeys(followers, Notification.Kind.NEW_PHASE),
                    process=phase.process,
                    phase=phase,
                )
            )
        phase.announced_at = now
        phase.save(update_fields=["announced_at"])
    return sent


def notifications_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def digest_send(*, now: dt.datetime | None = None) -> int:
    """Send one e-mail per person who chose the daily digest and has notifications not yet
    e-mailed. Returns the number of e-mails sent."""
    from .tasks import send_digest_email

    now = now or timezone.now()
    users = (
        Notification.objects.filter(
            emailed_at__isnull=True,
            created_at__lte=now,
            user__notification_preference__email_frequency=Preference.Frequency.DAILY,
        )
        .order_by()
        .values_list("user_id", flat=True)
        .distinct()
    )
    count = 0
    for user_id in users:
        send_digest_email.enqueue(user_id, now.isoformat())
        count += 1
    return count


def _outcome_emails(contributions: Any, kind: str) -> None:
    """Paper and assisted contributions whose author left an e-mail address for the follow-up."""
    from palabre.contributions.models import FollowUpContact

    from .tasks import send_outcome_email

    for contact_id in FollowUpContact.objects.filter(contribution__in=contributions).values_list(
        "pk", flat=True
    ):
        enqueue_on_commit(send_outcome_email, contact_id, kind)


def on_synthesis_published(sender: Any, synthesis: Any, **kwargs: Any) -> None:
    """Every contributor of the process hears that the synthesis is out, with a link to what
    became of their own contributions; paper and assisted contributors who left an address get
    an e-mail."""
    published = Contribution.objects.filter(
        process=synthesis.process_id, is_hidden=False, withdrawn_at__isnull=True
    )
    authors = set(
        published.filter(author__isnull=False).values_list("author", flat=True).distinct()
    )
    with transaction.atomic():
        notify(
            recipients=dict.fromkeys(authors, Notification.Kind.SYNTHESIS_PUBLISHED),
            process=synthesis.process,
        )
        _outcome_emails(published, Notification.Kind.SYNTHESIS_PUBLISHED)


def on_answer_given(sender: Any, answer: Any, **kwargs: Any) -> None:
    """The authors concerned hear about an answer: the proposal's author (and its followers),
    or the authors of every contribution in the topic."""
    from palabre.synthesis.selectors import contributions_of_topic

    if answer.contribution_id:
        concerned = Contribution.objects.filter(pk=answer.contribution_id)
        recipients = _followers(idea=answer.contribution_id)
    else:
        concerned = contributions_of_topic(topic=answer.topic)
        recipients = set()
    recipients |= set(
        concerned.filter(author__isnull=False).values_list("author", flat=True).distinct()
    )
    with transaction.atomic():
        notify(
            recipients=dict.fromkeys(recipients, Notification.Kind.ANSWER_GIVEN),
            process=answer.process,
            contribution=answer.contribution,
        )
        _outcome_emails(concerned, Notification.Kind.ANSWER_GIVEN)
