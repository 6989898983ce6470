"""Finding 3: the Django admin's own sign-in bypassed the sign-in limits and the second
factor. Defence: staff roles and superusers must have a second factor before they reach the
agents' space or the admin, and the admin signs in through allauth only."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from palabre.organizations.models import Membership
from palabre.organizations.roles import Role

from ..factories import PASSWORD, UserFactory, enrol_totp, make_member, totp_code


def test_the_admin_sign_in_goes_through_allauth_and_its_second_factor(db):
    root = UserFactory(is_superuser=True, is_staff=True, email="racine@exemple.fr")
    enrol_totp(root)
    client = Client()
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    # the admin's own form is gone: posting credentials to it signs nobody in
    client.post("/admin/login/", {"username": root.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    # allauth's sign-in asks for the authenticator's code before any session exists
    response = client.post(reverse("account_login"), {"login": root.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert client.session["_auth_user_id"] == str(root.pk)
    assert client.get("/admin/").status_code == 200


def test_wrong_passwords_on_the_admin_are_limited_like_any_sign_in(db):
    root = UserFactory(is_superuser=True, is_staff=True)
    enrol_totp(root)
    client = Client()
    for _ in range(6):
        client.post(reverse("account_login"), {"login": root.email, "password": "mauvais"})
    response = client.post(reverse("account_login"), {"login": root.email, "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_staff_without_a_second_factor_are_sent_to_set_one_up(db, org_a):
    dashboard = reverse("backoffice:dashboard", kwargs={"org": org_a.slug})
    agent = UserFactory()
    Membership.objects.create(organization=org_a, user=agent, role=Role.AGENT)
    client = Client()
    client.force_login(agent)
    response = client.get(dashboard)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    enrol_totp(agent)
    assert client.get(dashboard).status_code == 200
    # a mediator (often a volunteer at a market stall) is not asked
    mediator = UserFactory()
    Membership.objects.create(organization=org_a, user=mediator, role=Role.MEDIATOR)
    client.force_login(mediator)
    entry = client.get(dashboard)
    assert entry.status_code in (200, 403)
    assert entry.get("Location") != reverse("mfa_activate_totp")


def test_a_staff_member_signs_in_with_the_code(db, org_a):
    moderator = make_member(org_a, Role.MODERATOR)
    client = Client()
    client.post(reverse("account_login"), {"login": moderator.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert client.session["_auth_user_id"] == str(moderator.pk)
