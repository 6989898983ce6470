"""Ideas over HTTP: submit, double submit, closed phases, comment, support, filters, escaping."""

import uuid

import pytest
from django.urls import reverse

from palabre.contributions.models import Contribution, Support
from palabre.contributions.services import idea_submit, idea_withdraw
from tests.factories import UserFactory, make_process

pytestmark = pytest.mark.django_db


def url(name, process, **kwargs):
    return reverse(name, kwargs={"org": process.organization.slug, "slug": process.slug, **kwargs})


def test_submit_an_idea_and_a_double_submit(client, published_a, citizen):
    assert client.get(url("idea_create", published_a)).status_code == 302  # login first
    client.force_login(citizen)
    page = client.get(url("idea_create", published_a)).content.decode()
    assert "Proposer une idée" in page and 'name="token"' in page
    data = {"title": "Des bancs", "body": "Place du marché", "token": str(uuid.uuid4())}
    first = client.post(url("idea_create", published_a), data)
    second = client.post(url("idea_create", published_a), data)
    assert (
        first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    )
    assert Contribution.objects.filter(kind="idea").count() == 1
    detail = client.get(first["Location"]).content.decode()
    assert "Des bancs" in detail and "Habitant" in detail


def test_invalid_idea_shows_errors_and_saves_nothing(client, published_a, citizen):
    client.force_login(citizen)
    response = client.post(
        url("idea_create", published_a), {"title": "", "body": "", "token": str(uuid.uuid4())}
    )
    assert response.status_code == 200 and "Il y a un problème" in response.content.decode()
    assert not Contribution.objects.exists()


def test_closed_phase_is_explained_and_refused(client, org_a, citizen):
    closed = make_process(org_a, title="Finie", status="closed")
    client.force_login(citizen)
    page = client.get(url("process_detail", closed)).content.decode()
    assert "clôturée" in page and "Proposer une idée" not in page
    response = client.post(
        url("idea_create", closed), {"title": "x", "body": "y", "token": str(uuid.uuid4())}
    )
    assert response.status_code == 403 and not Contribution.objects.exists()


def test_comment_with_stance_and_support(client, published_a, citizen):
    idea = idea_submit(
        process=published_a, author=UserFactory(), title="Des arbres", body="Rue Haute"
    )
    client.force_login(citizen)
    response = client.post(
        url("idea_comment", published_a, pk=idea.pk),
        {"body": "Bonne idée", "stance": "for", "token": str(uuid.uuid4())},
    )
    assert response.status_code == 302
    detail = client.get(url("idea_detail", published_a, pk=idea.pk)).content.decode()
    assert "Bonne idée" in detail and "Pour" in detail
    client.post(url("idea_support", published_a, pk=idea.pk), {"supported": "1"})
    client.post(url("idea_support", published_a, pk=idea.pk), {"supported": "1"})
    assert Support.objects.filter(contribution=idea).count() == 1
    assert (
        "1 personne soutient cette idée."
        in client.get(url("idea_detail", published_a, pk=idea.pk)).content.decode()
    )
    client.post(url("idea_support", published_a, pk=idea.pk), {"supported": "0"})
    assert not Support.objects.exists()
    assert client.get(url("idea_support", published_a, pk=idea.pk)).status_code == 405


def test_script_injection_is_escaped(client, published_a, citizen):
    idea = idea_submit(
        process=published_a,
        author=citizen,
        title="<script>alert(1)</script>",
        body="<img src=x onerror=alert(2)>",
    )
    html = client.get(url("idea_detail", published_a, pk=idea.pk)).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html


def test_filters_and_sorts(client, org_a, published_a):
    author = UserFactory()
    bike = idea_submit(
        process=published_a, author=author, title="Pistes cyclables", body="Plus de pistes"
    )
    idea_submit(process=published_a, author=author, title="Bancs", body="Sur la place")
    for _ in range(3):
        Support.objects.create(contribution=bike, user=UserFactory())
    page = client.get(url("process_detail", published_a), {"q": "pistes"}).content.decode()
    assert "Pistes cyclables" in page and "Sur la place" not in page
    page = client.get(url("process_detail", published_a), {"sort": "supported"}).content.decode()
    assert page.index("Pistes cyclables") < page.index("Bancs")
    assert (
        client.get(
            url("process_detail", published_a), {"sort": "n'importe quoi", "theme": "x"}
        ).status_code
        == 200
    )
    idea_withdraw(idea=bike, user=author)
    page = client.get(url("process_detail", published_a), {"status": "withdrawn"}).content.decode()
    assert "Pistes cyclables" in page and "Sur la place" not in page
    page = client.get(url("process_detail", published_a), {"status": "active"}).content.decode()
    assert "Pistes cyclables" not in page and "Sur la place" in page
    Contribution.objects.filter(title="Bancs").update(channel="paper")
    page = client.get(url("process_detail", published_a), {"channel": "paper"}).content.decode()
    assert "Pistes cyclables" not in page and "Sur la place" in page


def test_ideas_of_a_hidden_process_are_404(client, org_b, draft_b, agent_a):
    idea = Contribution.objects.create(
        process=draft_b, kind="idea", title="t", body="b", created_at="2026-01-01T00:00:00Z"
    )
    client.force_login(agent_a)
    assert client.get(url("idea_detail", draft_b, pk=idea.pk)).status_code == 404
    assert (
        client.post(url("idea_support", draft_b, pk=idea.pk), {"supported": "1"}).status_code == 404
    )


def test_idea_list_queries_do_not_grow_with_ideas(
    client, published_a, django_assert_max_num_queries
):
    author = UserFactory()
    for i in range(40):
        idea = idea_submit(process=published_a, author=author, title=f"Idée {i}", body="x")
        Support.objects.create(contribution=idea, user=author)
    client.force_login(author)
    with django_assert_max_num_queries(
        32
    ):  # constant: follows, unread count, debate, restitution links
        assert client.get(url("process_detail", published_a)).status_code == 200


def test_emails_and_phone_numbers_are_masked_in_public(client, published_a, citizen):
    idea = idea_submit(
        process=published_a,
        author=citizen,
        title="Appelez-moi au 06 12 34 56 78",
        body="Écrivez à jeanne.martin@exemple.fr pour le jardin",
    )
    from palabre.contributions.services import comment_add

    comment_add(idea=idea, author=citizen, body="Mon numéro : +33 1 23 45 67 89", stance="neutral")
    for page_url in (
        url("idea_detail", published_a, pk=idea.pk),
        url("process_detail", published_a),
    ):
        html = client.get(page_url).content.decode()
        assert "jeanne.martin" not in html and "06 12 34" not in html and "+33 1 23" not in html
    assert (
        "[e-mail masqué]"
        in client.get(url("idea_detail", published_a, pk=idea.pk)).content.decode()
    )
    idea.refresh_from_db()
    assert "jeanne.martin@exemple.fr" in idea.body  # stored as written


def test_author_edits_within_30_minutes_then_withdraws(client, published_a, citizen):
    import datetime as dt

    idea = idea_submit(
        process=published_a, author=citizen, title="Des bancs", body="Place du marché"
    )
    other = UserFactory()
    client.force_login(other)
    assert client.get(url("idea_edit", published_a, pk=idea.pk)).status_code == 403
    assert client.post(url("idea_withdraw", published_a, pk=idea.pk)).status_code == 403
    client.force_login(citizen)
    response = client.post(
        url("idea_edit", published_a, pk=idea.pk),
        {"title": "Des bancs ombragés", "body": "Place du marché, sous les arbres"},
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.title == "Des bancs ombragés" and idea.edited_at
    Contribution.objects.filter(pk=idea.pk).update(
        created_at=idea.created_at - dt.timedelta(minutes=31)
    )
    assert client.get(url("idea_edit", published_a, pk=idea.pk)).status_code == 403
    client.post(url("idea_withdraw", published_a, pk=idea.pk))
    idea.refresh_from_db()
    assert idea.withdrawn_at
    html = client.get(url("idea_detail", published_a, pk=idea.pk)).content.decode()
    assert "Retirée par son auteur ou autrice" in html and "Soutenir cette idée" not in html
    client.force_login(other)
    client.post(url("idea_support", published_a, pk=idea.pk), {"supported": "1"})
    assert not Support.objects.filter(contribution=idea).exists()


def test_debate_on_the_process_with_stances_and_one_level_of_replies(client, published_a):
    from palabre.processes.models import Process
    from palabre.processes.services import process_set_status

    from ..factories import make_process

    questionnaire = make_process(
        published_a.organization, title="Enquête", template=Process.Template.QUESTIONNAIRE
    )
    alice, bruno = UserFactory(pseudonym="Alice"), UserFactory(pseudonym="Bruno")
    client.force_login(alice)
    detail = url("process_detail", questionnaire)
    token = client.get(detail).context["comment_form"].initial["token"]
    post = reverse("process_comment", kwargs={"org": "ville-a", "slug": questionnaire.slug})
    client.post(post, {"token": token, "body": "Trop de questions", "stance": "against"})
    client.post(post, {"token": token, "body": "Trop de questions", "stance": "against"})
    top = Contribution.objects.get(kind="comment")
    assert top.parent is None and top.stance == "against"
    client.force_login(bruno)
    token = client.get(detail).context["comment_form"].initial["token"]
    client.post(post, {"token": token, "body": "Pas d'accord", "stance": "for", "reply_to": top.pk})
    reply = Contribution.objects.get(kind="comment", author=bruno)
    token = client.get(detail).context["comment_form"].initial["token"]
    client.post(post, {"token": token, "body": "Re", "stance": "neutral", "reply_to": reply.pk})
    assert Contribution.objects.filter(parent=top).count() == 2  # replies stay one level deep
    page = client.get(detail).content.decode()
    assert "Trop de questions" in page and "Pas d&#x27;accord" in page and "Contre" in page
    questionnaire = process_set_status(process=questionnaire, status="closed")
    token = client.get(detail).context["comment_form"].initial["token"]
    client.post(post, {"token": token, "body": "Trop tard", "stance": "neutral"})
    assert not Contribution.objects.filter(body="Trop tard").exists()


def test_long_threads_are_paginated_with_their_replies(client, published_a):
    from django.utils import timezone

    idea = idea_submit(process=published_a, author=UserFactory(), title="Débat", body="x")
    now = timezone.now()
    tops = Contribution.objects.bulk_create(
        [
            Contribution(
                process=published_a,
                kind="comment",
                parent=idea,
                body=f"Commentaire numéro {i:03d}",
                created_at=now,
            )
            for i in range(60)
        ]
    )
    Contribution.objects.create(
        process=published_a, kind="comment", parent=tops[55], body="Réponse tardive", created_at=now
    )
    detail = url("idea_detail", published_a, pk=idea.pk)
    first = client.get(detail).content.decode()
    assert "Commentaire numéro 049" in first and "Commentaire numéro 050" not in first
    assert "commentaires=2" in first
    second = client.get(detail, {"commentaires": 2}).content.decode()
    assert "Commentaire numéro 055" in second and "Réponse tardive" in second
