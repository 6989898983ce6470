"""Notification e-mails, sent by the task worker. Tasks take IDs, never models."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from .models import Notification


def _absolute(path: str) -> str:
    return f"{settings.PALABRE_BASE_URL}{path}"


def notification_url(notification: Notification) -> str:
    process = notification.process
    org = process.organization.slug
    if notification.kind in (
        Notification.Kind.SYNTHESIS_PUBLISHED,
        Notification.Kind.ANSWER_GIVEN,
    ):
        return reverse("accounts:contributions")
    contribution = notification.contribution
    idea = contribution.idea if contribution is not None else None
    if idea is not None:
        return reverse("idea_detail", kwargs={"org": org, "slug": process.slug, "pk": idea.pk})
    return reverse("process_detail", kwargs={"org": org, "slug": process.slug})


def _send(user: object, subject: str, body: str) -> None:
    from .services import unsubscribe_token

    unsubscribe = _absolute(reverse("notifications:unsubscribe", args=[unsubscribe_token(user)]))
    body = (
        body
        + "\n\n"
        + render_to_string("notifications/email/footer.txt", {"unsubscribe_url": unsubscribe})
    )
    message = EmailMultiAlternatives(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],  # type: ignore[attr-defined]
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.send()


@task()
def send_notification_email(notification_id: int) -> None:
    notification = (
        Notification.objects.select_related(
            "user", "process__organization", "contribution__parent__parent", "phase"
        )
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None or not notification.user.is_active:
        return
    with translation.override(settings.LANGUAGE_CODE):
        process = notification.process
        context = {
            "n": notification,
            "url": _absolute(notification_url(notification)),
            "organization": process.organization,
            "feedback_url": _absolute(
                reverse(
                    "process_feedback",
                    kwargs={"org": process.organization.slug, "slug": process.slug},
                )
            ),
        }
        subject = render_to_string("notifications/email/notification_subject.txt", context)
        body = render_to_string("notifications/email/notification_body.txt", context)
        _send(notification.user, " ".join(subject.split()), body)
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


@task()
def send_digest_email(user_id: int, until: str) -> None:
    notifications = list(
        Notification.objects.select_related(
            "user", "process__organization", "contribution__parent__parent", "phase"
        ).filter(
            user_id=user_id,
            emailed_at__isnull=True,
            created_at__lte=dt.datetime.fromisoformat(until),
        )
    )
    if not notifications or not notifications[0].user.is_active:
        return
    with translation.override(settings.LANGUAGE_CODE):
        items = [{"n": n, "url": _absolute(notification_url(n))} for n in notifications]
        context = {"items": items, "count": len(items)}
        subject = render_to_string("notifications/email/digest_subject.txt", context)
        body = render_to_string("notifications/email/digest_body.txt", context)
        _send(notifications[0].user, " ".join(subject.split()), body)
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        emailed_at=timezone.now()
    )


@task()
def send_outcome_email(contact_id: int, kind: str) -> None:
    """Tell a person who contributed on paper or with a mediator, and left an e-mail address
    for that, what became of their contribution (no account: no unsubscribe link needed, the
    address is used for this process only and deleted when it is archived)."""
    from palabre.contributions.models import Contribution, FollowUpContact
    from palabre.synthesis.selectors import outcomes_of

    contact = (
        FollowUpContact.objects.select_related("contribution__process__organization")
        .filter(pk=contact_id)
        .first()
    )
    if contact is None:
        return
    contribution = contact.contribution
    outcome = outcomes_of(Contribution.objects.filter(pk=contribution.pk))[0]
    process = contribution.process
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "kind": kind,
            "outcome": outcome,
            "process": process,
            "organization": process.organization,
            "url": _absolute(
                reverse(
                    "synthesis_public"
                    if kind == Notification.Kind.SYNTHESIS_PUBLISHED
                    else "decisions",
                    kwargs={"org": process.organization.slug, "slug": process.slug},
                )
            ),
        }
        subject = render_to_string("notifications/email/outcome_subject.txt", context)
        body = render_to_string("notifications/email/outcome_body.txt", context)
    EmailMultiAlternatives(
        " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [contact.email]
    ).send()
