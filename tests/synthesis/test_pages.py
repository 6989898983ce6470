"""The synthesis as agents and the public use it: analysis, workspace, writing with evidence,
publication with versions, PDF, answers, the contributor's page and the draft's comments."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from palabre.organizations.roles import Role
from palabre.synthesis import restitution
from palabre.synthesis.models import Answer, Assignment, Statement, Synthesis, Topic

from ..factories import make_contribution, make_member

pytestmark = pytest.mark.django_db


def _bo(name, process, **kwargs):
    return reverse(
        f"backoffice:{name}",
        kwargs={"org": process.organization.slug, "slug": process.slug, **kwargs},
    )


def _public(name, process):
    return reverse(name, kwargs={"org": process.organization.slug, "slug": process.slug})


@pytest.fixture
def elected_a(org_a):
    return make_member(org_a, Role.ELECTED, email="maire@ville-a.fr")


def test_backoffice_pages_are_for_analysts_only(client, as_user, published_a, citizen, analyst_a):
    url = _bo("synthesis_workspace", published_a)
    assert client.get(url).status_code == 302  # to sign in
    assert as_user(citizen).get(url).status_code == 403
    assert as_user(analyst_a).get(url).status_code == 200
    assert client.get(_bo("synthesis_answers", published_a)).status_code == 403  # no ANSWER


def test_analyst_runs_the_analysis_and_edits_topics_in_the_browser_forms(
    as_user, published_a, analyst_a, corpus_a, django_capture_on_commit_callbacks
):
    client = as_user(analyst_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_bo("synthesis_runs", published_a), {"random_state": 0})
    assert response.status_code == 302
    page = client.get(_bo("synthesis_runs", published_a)).content.decode()
    assert "Terminée" in page or "Done" in page
    run = published_a.analysis_runs.get()
    detail = client.get(_bo("synthesis_run", published_a, run_id=run.pk)).content.decode()
    assert run.engine_version in detail and "36" in detail
    workspace = client.get(_bo("synthesis_workspace", published_a)).content.decode()
    topic = Topic.objects.filter(process=published_a, parent=None).first()
    assert topic.label in workspace
    url = _bo("synthesis_topic", published_a, pk=topic.pk)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"what": "rename", "label": "Mobilités douces", "version": topic.version}
    )
    assert response.status_code == 302
    # a stale form (someone renamed meanwhile) is refused with the current name
    stale = client.post(url, {"what": "rename", "label": "Autre", "version": topic.version})
    assert stale.status_code == 200 and "Mobilités douces" in stale.content.decode()
    idea = corpus_a["bruit"][0]
    response = client.post(
        url, {"what": "act", "action": "move", "target": topic.pk, "ids": [idea.pk]}
    )
    assert response.status_code == 302
    assert Assignment.objects.get(contribution=idea).topic == topic


def test_writing_publishing_and_reading_the_synthesis(
    as_user, client, published_a, analyst_a, corpus_a, analyse, citizen
):
    analyse(published_a, analyst_a)
    paper = make_contribution(
        published_a, body="Sur papier : des pistes cyclables vers la gare", channel="paper"
    )
    topic = Topic.objects.filter(process=published_a, parent=None).first()
    staff = as_user(analyst_a)
    write = _bo("synthesis_write", published_a)
    assert staff.get(write).status_code == 200
    assert not Synthesis.objects.exists()  # a GET writes nothing: the agent starts a draft
    assert staff.post(write, {"what": "start"}).status_code == 302
    staff.post(
        write,
        {
            "what": "section",
            "section-kind": "topic",
            "section-topic": topic.pk,
            "section-title": "",
        },
    )
    section = Synthesis.objects.get(process=published_a).sections.get()
    assert section.title == topic.label
    evidence = [corpus_a["velo"][0].pk, corpus_a["velo"][1].pk]
    response = staff.post(
        write,
        {
            "what": f"statement-{section.pk}",
            f"s{section.pk}-text": "Les habitants demandent des pistes cyclables continues.",
            f"s{section.pk}-evidence": [],
            f"s{section.pk}-other_evidence": ", ".join(str(pk) for pk in [*evidence, paper.pk]),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    statement = Statement.objects.get()
    assert statement.evidence.count() == 3
    # a bad number is refused with a clear message, nothing is added
    response = staff.post(
        write,
        {
            "what": f"statement-{section.pk}",
            f"s{section.pk}-text": "Autre énoncé",
            f"s{section.pk}-other_evidence": "999999",
        },
    )
    assert response.status_code == 200 and "999999" in response.content.decode()
    assert Statement.objects.count() == 1
    response = staff.post(write, {"what": "publish"})
    assert response.status_code == 302
    page = client.get(_public("synthesis_public", published_a)).content.decode()
    assert "Les habitants demandent des pistes cyclables continues." in page
    assert "3 contributions" in page and "Papier : 1" in page
    assert "Sur papier : des pistes cyclables vers la gare" in page
    # a new draft copies the published version; editing it leaves version 1 untouched
    assert "Commencer un brouillon" in staff.get(write).content.decode()
    staff.post(write, {"what": "start"})
    draft = Synthesis.objects.get(process=published_a, status="draft")
    assert draft.version == 2 and draft.sections.get().statements.count() == 1
    # with its evidence (the copy used to lose every link: issue 16)
    copied = draft.sections.get().statements.get()
    published = Statement.objects.get(section__synthesis__version=1)
    assert (
        set(copied.evidence.values_list("pk", flat=True))
        == set(published.evidence.values_list("pk", flat=True))
        and copied.evidence.count() == 3
    )
    Statement.objects.filter(section__synthesis=draft).update(text="Texte modifié")
    assert (
        "Texte modifié" not in client.get(_public("synthesis_public", published_a)).content.decode()
    )
    # the PDF is a real PDF with the statement in it
    pdf = client.get(_public("synthesis_pdf", published_a))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert len(pdf.content) > 5000


def test_answers_history_and_contributors_page(
    as_user,
    client,
    published_a,
    analyst_a,
    elected_a,
    corpus_a,
    analyse,
    django_capture_on_commit_callbacks,
):
    analyse(published_a, analyst_a)
    idea = corpus_a["velo"][0]
    topic = Assignment.objects.get(contribution=idea).topic
    staff = as_user(elected_a)
    url = _bo("synthesis_answers", published_a)
    assert staff.get(url).status_code == 200
    response = staff.post(
        url,
        {
            "subject": f"t{topic.pk}",
            "status": "not_adopted",
            "text": "Non.",
            "signed_as": "Le maire",
        },
    )
    assert response.status_code == 200  # a refusal must give its reason
    assert not Answer.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            url,
            {
                "subject": f"t{topic.pk}",
                "status": "under_study",
                "text": "Nous étudions le tracé.",
                "signed_as": "Service voirie",
            },
        )
        staff.post(
            url,
            {
                "subject": f"t{topic.pk}",
                "status": "adopted",
                "text": "Trois pistes seront faites.",
                "signed_as": "Le maire",
                "progress": 20,
            },
        )
    page = client.get(_public("decisions", published_a)).content.decode()
    assert "Trois pistes seront faites." in page and "Le maire" in page
    assert "Nous étudions le tracé." in page  # the history stays
    # the author of an idea in that topic sees what became of it
    author_client = as_user(idea.author)
    mine = author_client.get(reverse("accounts:contributions")).content.decode()
    assert topic.label in mine and "Trois pistes seront faites." in mine


def test_draft_open_for_comments(as_user, client, published_a, analyst_a, corpus_a, citizen):
    draft = restitution.draft_get_or_create(process=published_a)
    section = restitution.section_add(synthesis=draft, title="Vélo")
    statement = restitution.statement_save(
        section=section, text="Des pistes partout.", evidence_ids=[corpus_a["velo"][0].pk]
    )
    url = _public("synthesis_draft", published_a)
    assert client.get(url).status_code == 404  # not open for comments
    restitution.synthesis_update(
        synthesis=draft, comments_until=timezone.localdate() + dt.timedelta(days=7)
    )
    assert "Des pistes partout." in client.get(url).content.decode()
    response = as_user(citizen).post(url, {"statement": statement.pk, "body": "Et les trottoirs ?"})
    assert response.status_code == 302
    staff_page = as_user(analyst_a).get(_bo("synthesis_write", published_a)).content.decode()
    assert "Et les trottoirs ?" in staff_page
    restitution.synthesis_update(
        synthesis=draft, comments_until=timezone.localdate() - dt.timedelta(days=1)
    )
    assert client.get(url).status_code == 404


def test_deleting_an_account_keeps_the_evidence_anonymised(
    client, published_a, analyst_a, corpus_a, citizen
):
    from palabre.accounts.services import user_delete_account, user_export_data

    idea = corpus_a["velo"][0]
    draft = restitution.draft_get_or_create(process=published_a)
    section = restitution.section_add(synthesis=draft, title="Vélo")
    statement = restitution.statement_save(
        section=section, text="Des pistes partout.", evidence_ids=[idea.pk]
    )
    restitution.synthesis_update(
        synthesis=draft, comments_until=timezone.localdate() + dt.timedelta(days=3)
    )
    restitution.draft_comment_add(statement=statement, user=citizen, body="Et les trottoirs ?")
    exported = user_export_data(user=citizen)
    assert any(
        row.get("comment") == "Et les trottoirs ?"
        for rows in exported.values()
        if isinstance(rows, list)
        for row in rows
        if isinstance(row, dict)
    )
    restitution.synthesis_publish(synthesis=draft, user=analyst_a)
    author = idea.author
    pseudonym = author.pseudonym
    user_delete_account(user=author)
    page = client.get(_public("synthesis_public", published_a)).content.decode()
    assert "1 contribution" in page and "Des pistes cyclables sécurisées pour aller" in page
    assert pseudonym not in page
    idea.refresh_from_db()
    assert idea.author_id == author.pk  # the contribution stays, tied to an anonymised row


def test_unclassified_contributions_can_form_a_new_topic(
    as_user, published_a, analyst_a, corpus_a, analyse
):
    from palabre.synthesis import services

    analyse(published_a, analyst_a)
    idea = corpus_a["bruit"][2]
    services.contributions_move(
        process=published_a, contribution_ids=[idea.pk], target=None, user=analyst_a
    )
    url = _bo("synthesis_unclassified", published_a)
    client = as_user(analyst_a)
    assert str(idea.pk) in client.get(url).content.decode()
    response = client.post(
        url, {"what": "act", "action": "split", "label": "Nuisances", "ids": [idea.pk]}
    )
    assert response.status_code == 302
    assert Assignment.objects.get(contribution=idea).topic.label == "Nuisances"


def test_the_idea_page_says_what_became_of_it(
    as_user, client, published_a, elected_a, corpus_a, analyst_a
):
    idea = corpus_a["velo"][0]
    url = reverse(
        "idea_detail",
        kwargs={"org": published_a.organization.slug, "slug": published_a.slug, "pk": idea.pk},
    )
    assert "est devenue cette idée" not in client.get(url).content.decode()
    draft = restitution.draft_get_or_create(process=published_a)
    section = restitution.section_add(synthesis=draft, title="Vélo")
    restitution.statement_save(section=section, text="Des pistes partout.", evidence_ids=[idea.pk])
    restitution.synthesis_publish(synthesis=draft, user=analyst_a)
    for status, text in (("under_study", "Nous regardons."), ("adopted", "Adoptée au conseil.")):
        restitution.answer_give(
            process=published_a,
            contribution=idea,
            status=status,
            text=text,
            signed_as="Le maire",
            user=elected_a,
        )
    page = client.get(url).content.decode()
    assert "est devenue cette idée" in page
    assert "Retenue" in page and "Adoptée au conseil." in page and "Nous regardons." in page
    assert "Des pistes partout." in page
    staff_page = as_user(elected_a).get(url).content.decode()
    answer_url = _bo("synthesis_answers", published_a) + f"?sujet=c{idea.pk}"
    assert answer_url in staff_page.replace("&amp;", "&")
    form = as_user(elected_a).get(answer_url).content.decode()
    assert f'value="c{idea.pk}" selected' in form


def test_held_contributions_never_reach_the_public_through_the_restitution(
    client, published_a, elected_a, corpus_a
):
    """Finding 7: a contribution held for review (word list) could be cited as evidence and
    read by anyone on the draft page, and answered so that its title showed on the public
    decisions page."""
    from django.core.exceptions import ValidationError

    held = make_contribution(
        published_a, title="Texte retenu par la liste de mots", body="Un texte à relire"
    )
    held.held_at, held.held_terms = timezone.now(), "mot"
    held.save(update_fields=["held_at", "held_terms"])
    draft = restitution.draft_get_or_create(process=published_a)
    restitution.synthesis_update(
        synthesis=draft, comments_until=timezone.localdate() + dt.timedelta(days=7)
    )
    section = restitution.section_add(synthesis=draft, title="Vélo")
    with pytest.raises(ValidationError, match=str(held.pk)):
        restitution.statement_save(section=section, text="Citée", evidence_ids=[held.pk])
    answer = {"status": "received", "text": "Reçu.", "signed_as": "Le maire", "user": elected_a}
    with pytest.raises(ValidationError):
        restitution.answer_give(process=published_a, contribution=held, **answer)
    # cited and answered while published, then held (or hidden) later: gone from public pages
    cited = corpus_a["velo"][0]
    restitution.statement_save(section=section, text="Des pistes.", evidence_ids=[cited.pk])
    restitution.answer_give(process=published_a, contribution=cited, **answer)
    decisions = _public("decisions", published_a)
    assert cited.title in client.get(decisions).content.decode()
    cited.held_at, cited.held_terms = timezone.now(), "mot"
    cited.save(update_fields=["held_at", "held_terms"])
    page = client.get(_public("synthesis_draft", published_a)).content.decode()
    assert "Des pistes." in page and cited.body not in page
    assert cited.title not in client.get(decisions).content.decode()


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _tables_scroll_in_their_own_region(page: str) -> int:
    """Every data table sits in a focusable region named by a label on the page, which
    scrolls on its own on a phone (the page never scrolls sideways, WCAG 1.4.10)."""
    tables = re.findall(r'(<[^<>]*>)\s*<table class="data-table"', page)
    assert tables and len(tables) == page.count('<table class="data-table"')
    for wrapper in tables:
        assert 'class="data-table-wrap"' in wrapper and 'role="region"' in wrapper, wrapper
        assert 'tabindex="0"' in wrapper, wrapper
        (label,) = re.findall(r'aria-labelledby="([^"]+)"', wrapper)
        assert page.count(f'id="{label}"') == 1, label
    return len(tables)


def test_back_office_tables_scroll_on_their_own_on_a_phone(
    as_user, published_a, analyst_a, corpus_a, analyse
):
    analyse(published_a, analyst_a)
    run = analyse(published_a, analyst_a, n_topics=4)  # a proposal, compared with the first
    assert run.comparison and run.applied_at is None
    client = as_user(analyst_a)
    dashboard = reverse("backoffice:dashboard", kwargs={"org": published_a.organization.slug})
    counts = {
        url: _tables_scroll_in_their_own_region(client.get(url).content.decode())
        for url in (
            dashboard,
            _bo("synthesis_runs", published_a),
            _bo("synthesis_run", published_a, run_id=run.pk),
            _bo("synthesis_workspace", published_a),
        )
    }
    assert counts[_bo("synthesis_run", published_a, run_id=run.pk)] == 2  # proposal, comparison


def test_the_reading_room_labels_read_well(as_user, published_a, analyst_a, corpus_a, analyse):
    analyse(published_a, analyst_a)
    topic = Topic.objects.filter(process=published_a, parent=None).first()
    first = (
        Assignment.objects.filter(topic__in=[topic, *topic.children.all()])
        .order_by("-pinned", "-score", "contribution_id")
        .first()
    )
    client = _english(as_user(analyst_a))
    url = _bo("synthesis_topic", published_a, pk=topic.pk)
    page = client.get(url).content.decode()
    # the rename form's version travels hidden, without a label of its own
    assert 'type="hidden" name="version"' in page and ">Version" not in page
    # the filters: no "(optional)" after each, an empty choice that says what it means
    filters = page[page.index('class="reading-filters"') : page.index('class="reading-room"')]
    assert "optional" not in filters
    assert '<option value="" selected>All channels</option>' in filters
    assert ">All<" not in filters
    # the bulk action's select is not a second copy of its fieldset's legend
    assert re.search(r'<label for="id_action">\s*Action\s*</label>', page)
    # the panel, below the list on a phone, leads back to the contribution's row
    assert 'class="back-to-list"' not in page  # nothing shown yet
    shown = client.get(f"{url}?voir={first.contribution_id}").content.decode()
    assert f'id="item-{first.contribution_id}"' in shown
    assert f'<a href="#item-{first.contribution_id}">Back to the list</a>' in shown


def test_the_journal_says_how_many_contributions_each_edit_touched(
    as_user, published_a, analyst_a, corpus_a, analyse
):
    from palabre.synthesis import services

    analyse(published_a, analyst_a)
    topic = Topic.objects.filter(process=published_a, parent=None).first()
    ids = [corpus_a["bruit"][0].pk, corpus_a["bruit"][1].pk, corpus_a["bruit"][2].pk]
    services.contributions_move(process=published_a, contribution_ids=ids, target=topic, user=None)
    services.contributions_move(
        process=published_a, contribution_ids=ids[:1], target=None, user=None
    )
    services.quotes_pin(process=published_a, contribution_ids=ids[1:], pinned=True, user=None)
    before = topic.label
    services.topic_rename(topic=topic, label="Nuisances", version=topic.version, user=None)
    client = _english(as_user(analyst_a))
    text = re.sub(r"\s+", " ", client.get(_bo("synthesis_workspace", published_a)).content.decode())
    assert "Contributions moved (3 contributions to “Nuisances”)" in text
    assert "Contributions moved (1 contribution, now unclassified)" in text
    assert "Quote pinned (2 contributions)" in text
    assert f"Renamed (“{before}” → “Nuisances”)" in text


def test_the_writing_page_promises_only_what_it_does(as_user, published_a, analyst_a, corpus_a):
    draft = restitution.draft_get_or_create(process=published_a)
    section = restitution.section_add(synthesis=draft, title="Vélo")
    evidence = [corpus_a["velo"][0].pk, corpus_a["velo"][1].pk]
    restitution.statement_save(section=section, text="Des pistes.", evidence_ids=evidence)
    client = _english(as_user(analyst_a))
    text = re.sub(r"\s+", " ", client.get(_bo("synthesis_write", published_a)).content.decode())
    # the colon is part of the message (French puts a space before it)
    assert f"Backed by 2 contributions: n° {evidence[0]}, n° {evidence[1]}" in text
    # a statement is deleted, never edited: the page does not offer to reword one
    assert "reword" not in text and "edit-statement" not in text


def test_progress_reads_as_a_percentage(client, published_a, elected_a, corpus_a):
    idea = corpus_a["velo"][0]
    restitution.answer_give(
        process=published_a,
        contribution=idea,
        status="adopted",
        text="Adoptée.",
        signed_as="Le maire",
        user=elected_a,
        progress=50,
    )
    page = _english(client).get(_public("decisions", published_a)).content.decode()
    assert "progress: 50&nbsp;%" in page and "percent" not in page
