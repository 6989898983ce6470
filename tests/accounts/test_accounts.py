"""Sign-up, verification, login by password and by e-mailed code, reset, rate limits,
personal data export and account deletion, through the real allauth views."""

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from palabre.accounts.models import User
from palabre.organizations.models import Membership
from palabre.organizations.roles import Role
from tests.factories import PASSWORD, UserFactory, make_contribution

pytestmark = pytest.mark.django_db


def test_signup_asks_pseudonym_and_participant_type_then_verifies_the_email(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "nouvelle@exemple.fr",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "pseudonym": "Nouvelle habitante",
            "participant_type": "association",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@exemple.fr")
    assert (user.pseudonym, user.participant_type) == ("Nouvelle habitante", "association")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/comptes/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    client.post(path)
    assert EmailAddress.objects.get(user=user).verified


def test_unverified_email_cannot_sign_in(client):
    user = UserFactory(verified=False)
    EmailAddress.objects.filter(user=user).update(verified=False)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302 and "confirm-email" in response["Location"]


def test_password_login_and_logout(client, citizen):
    response = client.post(reverse("account_login"), {"login": citizen.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_login_by_emailed_code(client, citizen):
    client.post(reverse("account_request_login_code"), {"email": citizen.email})
    assert len(mail.outbox) == 1
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[0].body, re.M).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_password_reset_sends_a_link(client, citizen):
    client.post(reverse("account_reset_password"), {"email": citizen.email})
    assert len(mail.outbox) == 1
    assert "/comptes/password/reset/key/" in mail.outbox[0].body


def test_failed_logins_are_rate_limited(client, citizen):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": citizen.email, "password": "mauvais"})
    response = client.post(reverse("account_login"), {"login": citizen.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_mfa_is_available(client, citizen):
    client.post(reverse("account_login"), {"login": citizen.email, "password": PASSWORD})
    page = client.get(reverse("mfa_index"))
    assert page.status_code == 200
    assert reverse("mfa_activate_totp") in page.content.decode()
    # Activation asks to confirm the password first (allauth's reauthentication).
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code in (200, 302)


def test_personal_data_export_contains_everything_about_me(client, citizen, published_a):
    make_contribution(published_a, body="Mon idée à moi", author=citizen)
    client.force_login(citizen)
    assert client.get(reverse("accounts:data_export")).status_code == 200
    response = client.post(reverse("accounts:data_export"))
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == citizen.email
    assert [c["body"] for c in data["contributions"]] == ["Mon idée à moi"]


def test_account_deletion_anonymises_and_keeps_contributions(client, citizen, published_a, org_a):
    contribution = make_contribution(published_a, body="Je reste en ligne", author=citizen)
    Membership.objects.create(organization=org_a, user=citizen, role=Role.MODERATOR)
    client.force_login(citizen)
    response = client.post(reverse("accounts:delete"), {})
    assert response.status_code == 200  # confirmation box not ticked: nothing happens
    assert User.objects.get(pk=citizen.pk).is_active
    response = client.post(reverse("accounts:delete"), {"confirm": "on"})
    assert response.status_code == 302
    gone = User.objects.get(pk=citizen.pk)
    assert not gone.is_active and gone.anonymised_at
    assert "habitant" not in gone.email and gone.pseudonym == ""
    assert not gone.has_usable_password()
    assert not EmailAddress.objects.filter(email=citizen.email).exists()
    assert not Membership.objects.filter(user=gone).exists()
    contribution.refresh_from_db()
    assert contribution.author == gone and contribution.body == "Je reste en ligne"
    page = client.get(reverse("process_detail", args=[org_a.slug, published_a.slug]))
    assert "Habitant" not in page.content.decode()
    assert "Ancien·ne participant·e" in page.content.decode()
    # The old address can sign up again as a new person.
    assert not User.objects.filter(email=citizen.email).exists()


def test_account_pages_need_login(client):
    for name in ("accounts:profile", "accounts:data_export", "accounts:delete"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/comptes/login/" in response["Location"]


def test_export_and_deletion_cover_meetings_questionnaires_and_follows(citizen, org_a):
    import datetime as dt

    from django.utils import timezone

    from palabre.accounts.services import user_delete_account, user_export_data
    from palabre.notifications.models import Follow
    from palabre.notifications.services import follow_set, preference_set
    from palabre.processes.models import MeetingRegistration
    from palabre.processes.services import meeting_register, meeting_save
    from palabre.questionnaires.models import Response
    from palabre.questionnaires.services import question_create, response_submit

    from ..factories import make_process

    box = make_process(org_a, title="Idées")
    start = timezone.now() + dt.timedelta(days=3)
    meeting = meeting_save(
        process=box, title="Atelier", starts_at=start, ends_at=start, place="Salle"
    )
    meeting_register(meeting=meeting, user=citizen)
    survey = make_process(org_a, title="Enquête", template="questionnaire")
    q = question_create(process=survey, kind="single", text="Oui ?", choices=["Oui", "Non"])
    response_submit(
        process=survey, answers={q.pk: q.choices.get(label="Non").pk}, respondent=citizen
    )
    follow_set(user=citizen, target=box, following=True)
    preference_set(user=citizen, email_frequency="daily")
    data = user_export_data(user=citizen)
    assert data["meeting_registrations"][0]["meeting"] == "Atelier"
    assert data["questionnaire_responses"][0]["answers"][0]["choices"] == ["Non"]
    assert data["notifications"]["email_frequency"] == "daily"
    assert data["notifications"]["follows"][0]["process"] == "Idées"
    user_delete_account(user=citizen)
    assert not MeetingRegistration.objects.exists() and not Follow.objects.exists()
    response = Response.objects.get()
    assert response.respondent is None and response.answers.count() == 1
