"""Reports by anyone, the moderation queue, hide with a public reason, restore, audit log."""

import pytest
from django.urls import reverse

from palabre.contributions.services import comment_add, idea_submit
from palabre.moderation.models import ModerationAction, Report
from palabre.organizations.roles import Role
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def idea(published_a):
    return idea_submit(
        process=published_a, author=UserFactory(), title="Idée", body="Texte injurieux"
    )


def report_url(idea):
    return reverse(
        "contribution_report",
        kwargs={"org": idea.process.organization.slug, "slug": idea.process.slug, "pk": idea.pk},
    )


def test_report_then_hide_then_restore_with_an_audit_log(client, org_a, idea):
    reporter = UserFactory()
    client.force_login(reporter)
    assert client.get(report_url(idea)).status_code == 200
    client.post(report_url(idea), {"reason": "insult", "details": "injure"})
    client.post(report_url(idea), {"reason": "insult"})  # twice: one report
    assert Report.objects.filter(contribution=idea).count() == 1
    moderator = make_member(org_a, Role.MODERATOR)
    client.force_login(moderator)
    queue = client.get(
        reverse("backoffice:moderation", kwargs={"org": org_a.slug})
    ).content.decode()
    assert "Texte injurieux" in queue and "1 signalement" in queue
    act = reverse("backoffice:moderation_act", kwargs={"org": org_a.slug, "pk": idea.pk})
    client.post(act, {"action": "hide", "public_reason": ""})
    idea.refresh_from_db()
    assert not idea.is_hidden  # a public reason is required
    client.post(act, {"action": "hide", "public_reason": "Propos injurieux"})
    idea.refresh_from_db()
    assert idea.is_hidden and idea.public_reason == "Propos injurieux"
    public = client.get(
        reverse("idea_detail", kwargs={"org": org_a.slug, "slug": idea.process.slug, "pk": idea.pk})
    )
    html = public.content.decode()
    assert "Masquée par la modération : Propos injurieux" in html and "Texte injurieux" not in html
    client.post(act, {"action": "restore"})
    idea.refresh_from_db()
    assert not idea.is_hidden
    assert list(ModerationAction.objects.values_list("kind", flat=True).order_by("pk")) == [
        "hide",
        "restore",
    ]
    log = client.get(reverse("backoffice:moderation", kwargs={"org": org_a.slug})).content.decode()
    assert "Propos injurieux" in log


def test_only_moderators_of_the_organisation_moderate(client, org_a, org_b, idea, agent_b):
    act = reverse("backoffice:moderation_act", kwargs={"org": org_a.slug, "pk": idea.pk})
    for user in (UserFactory(), make_member(org_a, Role.ANALYST), agent_b):
        client.force_login(user)
        assert client.post(act, {"action": "hide", "public_reason": "x"}).status_code == 403
    client.force_login(make_member(org_b, Role.MODERATOR))
    other_act = reverse("backoffice:moderation_act", kwargs={"org": org_b.slug, "pk": idea.pk})
    assert client.post(other_act, {"action": "hide", "public_reason": "x"}).status_code == 404
    idea.refresh_from_db()
    assert not idea.is_hidden and not ModerationAction.objects.exists()


def test_comments_can_be_reported_too(client, idea):
    comment = comment_add(idea=idea, author=UserFactory(), body="Commentaire", stance="against")
    client.force_login(UserFactory())
    url = reverse(
        "contribution_report",
        kwargs={"org": idea.process.organization.slug, "slug": idea.process.slug, "pk": comment.pk},
    )
    response = client.post(url, {"reason": "spam"})
    assert response.status_code == 302 and str(idea.pk) in response["Location"]
    assert Report.objects.filter(contribution=comment).exists()
    response = client.post(url, {"reason": "pas une raison"})
    assert response.status_code == 200 and "Il y a un problème" in response.content.decode()


def test_public_moderation_statistics(client, org_a, idea):
    from palabre.moderation.services import contribution_hide, report_create

    report_create(contribution=idea, reporter=UserFactory(), reason="insult")
    report_create(contribution=idea, reporter=UserFactory(), reason="spam")
    contribution_hide(
        contribution=idea, moderator=make_member(org_a, Role.MODERATOR), public_reason="Injure"
    )
    html = client.get(
        reverse("process_detail", kwargs={"org": org_a.slug, "slug": idea.process.slug})
    ).content.decode()
    assert "1 contribution masquée par la modération" in html
    assert "2 signalements reçus" in html and "0 en attente de décision" in html
