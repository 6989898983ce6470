"""Background work of the organisations app."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from .models import Membership


@task()
def send_membership_granted_email(membership_id: int) -> None:
    """Tell a person they were given a role (the task takes an ID, never a model)."""
    membership = (
        Membership.objects.select_related("organization", "user").filter(pk=membership_id).first()
    )
    if membership is None or not membership.user.is_active:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {"membership": membership, "organization": membership.organization}
        subject = render_to_string("organizations/email/role_granted_subject.txt", context).strip()
        body = render_to_string("organizations/email/role_granted_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [membership.user.email])
