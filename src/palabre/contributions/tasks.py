"""Background e-mails of the contributions app (tasks take IDs, never models)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from .models import Coauthorship


@task()
def send_coauthor_invitation(coauthorship_id: int) -> None:
    coauthorship = (
        Coauthorship.objects.select_related("user", "idea__process__organization", "invited_by")
        .filter(pk=coauthorship_id, accepted_at__isnull=True)
        .first()
    )
    if coauthorship is None or not coauthorship.user.is_active:
        return
    idea = coauthorship.idea
    process = idea.process
    path = reverse(
        "idea_detail",
        kwargs={"org": process.organization.slug, "slug": process.slug, "pk": idea.pk},
    )
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "idea": idea,
            "inviter": coauthorship.invited_by.public_name if coauthorship.invited_by else "",
            "url": f"{settings.PALABRE_BASE_URL}{path}",
        }
        subject = render_to_string("contributions/email/coauthor_subject.txt", context)
        body = render_to_string("contributions/email/coauthor_body.txt", context)
    send_mail(
        " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [coauthorship.user.email]
    )
