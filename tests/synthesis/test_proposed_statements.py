"""Statements proposed by the analysis: what the engine found people propose inside each topic,
offered under the synthesis section of that topic, added as a statement with its evidence."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from palabre.synthesis import restitution, selectors
from palabre.synthesis.models import AnalysisRun, Section, Statement, Synthesis, Topic

from ..factories import UserFactory, make_contribution

pytestmark = pytest.mark.django_db

MAIRIE = [
    "Ouvrir la mairie le samedi matin.",
    "Il faudrait ouvrir la mairie le samedi matin, pour ceux qui travaillent.",
    "Ouvrir la mairie le samedi matin serait bien pratique.",
    "La mairie devrait ouvrir le samedi matin. Les horaires actuels ne conviennent pas.",
    "Horaires trop courts : ouvrir la mairie le samedi matin !",
]


def _write(process):
    return reverse(
        "backoffice:synthesis_write",
        kwargs={"org": process.organization.slug, "slug": process.slug},
    )


def _section(process, topic: Topic) -> Section:
    draft = restitution.draft_get_or_create(process=process)
    return restitution.section_add(synthesis=draft, title="", topic=topic)


@pytest.fixture
def mairie(published_a, corpus_a):
    """Five people ask, each in their own words, for the town hall to open on Saturdays."""
    return [
        make_contribution(
            published_a,
            body=text,
            author=UserFactory(email=f"mairie{n}@exemple.fr", pseudonym=f"mairie{n}"),
        )
        for n, text in enumerate(MAIRIE)
    ]


def _topic_of(contribution) -> Topic:
    topic = contribution.synthesis_assignment.topic
    return topic.parent or topic


def test_the_analysts_add_a_proposal_as_a_statement_with_its_evidence(
    as_user, published_a, analyst_a, mairie, analyse
):
    run = analyse(published_a, analyst_a)
    assert run.status == AnalysisRun.Status.DONE and run.applied_at is not None
    mairie[0].refresh_from_db()
    section = _section(published_a, _topic_of(mairie[0]))
    (proposal,) = [
        p for p in selectors.proposals_for_section(section=section) if "samedi" in p["text"]
    ]
    assert proposal["text"] == "Ouvrir la mairie le samedi matin."
    assert sorted(proposal["evidence"]) == sorted(c.pk for c in mairie)
    staff = as_user(analyst_a)
    page = staff.get(_write(published_a)).content.decode()
    assert "« Ouvrir la mairie le samedi matin. » — 5 contributions" in page
    assert f'name="proposal" value="{proposal["id"]}"' in page
    response = staff.post(
        _write(published_a),
        {"what": "proposal", "section": section.pk, "proposal": proposal["id"]},
    )
    assert response.status_code == 302
    statement = Statement.objects.get(section=section)
    assert statement.text == "Ouvrir la mairie le samedi matin."
    assert set(statement.evidence.values_list("pk", flat=True)) == {c.pk for c in mairie}
    # once a statement, it is no longer offered; a second click adds nothing
    assert all(p["id"] != proposal["id"] for p in selectors.proposals_for_section(section=section))
    again = staff.post(
        _write(published_a),
        {"what": "proposal", "section": section.pk, "proposal": proposal["id"]},
    )
    assert again.status_code == 200 and Statement.objects.count() == 1
    # the analyst deletes it as any statement: it is offered again
    staff.post(_write(published_a), {"what": "delete-statement", "pk": statement.pk})
    assert not Statement.objects.exists()
    assert any(p["id"] == proposal["id"] for p in selectors.proposals_for_section(section=section))


def test_evidence_keeps_only_readable_contributions(published_a, analyst_a, mairie, analyse):
    analyse(published_a, analyst_a)
    mairie[0].refresh_from_db()
    section = _section(published_a, _topic_of(mairie[0]))
    hidden, withdrawn = mairie[1], mairie[2]
    hidden.is_hidden = True
    hidden.save(update_fields=["is_hidden"])
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.save(update_fields=["withdrawn_at"])
    (proposal,) = [
        p for p in selectors.proposals_for_section(section=section) if "samedi" in p["text"]
    ]
    assert sorted(proposal["evidence"]) == sorted(c.pk for c in (mairie[0], *mairie[3:]))
    statement = restitution.statement_from_proposal(section=section, proposal_id=proposal["id"])
    assert statement.evidence.count() == 3


def _applied_run(process, proposals, *, applied=True, **fields):
    return AnalysisRun.objects.create(
        process=process,
        status=AnalysisRun.Status.DONE,
        result={"topics": [], "assignments": [], "proposals": proposals},
        applied_at=timezone.now() if applied else None,
        **fields,
    )


def _proposal(pid, topic, ids, subtopic=None, contributors=None):
    return {
        "id": pid,
        "topic": topic,
        "subtopic": subtopic,
        "text": f"Proposition {pid}",
        "contributors": contributors or len(ids),
        "evidence": [str(i) for i in ids],
    }


def test_each_section_gets_the_proposals_of_its_topic_subtopics_and_merged_topics(published_a):
    ideas = [make_contribution(published_a, body=f"Idée {n}") for n in range(8)]
    ids = [c.pk for c in ideas]
    parks = Topic.objects.create(process=published_a, label="Parcs", engine_key="T1")
    benches = Topic.objects.create(
        process=published_a, label="Bancs", engine_key="T1.2", parent=parks
    )
    Topic.objects.create(process=published_a, label="Jardins", engine_key="T2", merged_into=parks)
    buses = Topic.objects.create(process=published_a, label="Bus", engine_key="T3")
    _applied_run(published_a, [_proposal("T1.P1", "T1", ids[:2])])  # an older run: not read
    _applied_run(
        published_a,
        [
            _proposal("T1.P1", "T1", ids[:2]),
            _proposal("T1.P2", "T1", ids[2:5], subtopic="T1.2"),
            _proposal("T2.P1", "T2", ids[5:7], contributors=9),
            _proposal("T3.P1", "T3", ids[6:8]),
        ],
    )
    # a newer run nobody applied yet: its topic ids are not the workspace's
    _applied_run(published_a, [_proposal("T1.P1", "T9", ids[:2])], applied=False)
    # nor are a codebook run's
    _applied_run(published_a, [_proposal("T1.P1", "T9", ids[:2])], parameters={"codebook": True})
    on_parks = selectors.proposals_for_section(section=_section(published_a, parks))
    assert [p["id"] for p in on_parks] == ["T2.P1", "T1.P2", "T1.P1"]  # the most held first
    assert on_parks[1]["evidence"] == ids[2:5]
    on_benches = selectors.proposals_for_section(section=_section(published_a, benches))
    assert [p["id"] for p in on_benches] == ["T1.P2"]
    on_buses = selectors.proposals_for_section(section=_section(published_a, buses))
    assert [p["id"] for p in on_buses] == ["T3.P1"]
    draft = Synthesis.objects.get(process=published_a)
    no_topic = restitution.section_add(synthesis=draft, title="Autres avis", kind="other")
    assert selectors.proposals_for_section(section=no_topic) == []
    # a proposal about another section's topic, or unknown, is refused
    with pytest.raises(ValidationError):
        restitution.statement_from_proposal(section=no_topic, proposal_id="T3.P1")
    on_buses_section = draft.sections.get(topic=buses)
    with pytest.raises(ValidationError):
        restitution.statement_from_proposal(section=on_buses_section, proposal_id="T1.P1")
    with pytest.raises(ValidationError):
        restitution.statement_from_proposal(section=on_buses_section, proposal_id="?")
    assert not Statement.objects.exists()


def test_a_published_synthesis_takes_no_proposal(published_a, analyst_a):
    ideas = [make_contribution(published_a, body=f"Idée {n}") for n in range(2)]
    topic = Topic.objects.create(process=published_a, label="Parcs", engine_key="T1")
    _applied_run(published_a, [_proposal("T1.P1", "T1", [c.pk for c in ideas])])
    section = _section(published_a, topic)
    restitution.statement_from_proposal(section=section, proposal_id="T1.P1")
    restitution.synthesis_publish(synthesis=section.synthesis, user=analyst_a)
    Statement.objects.all().delete()  # even were the proposal offered again
    section.synthesis.refresh_from_db()
    with pytest.raises(ValidationError):
        restitution.statement_from_proposal(section=section, proposal_id="T1.P1")


def test_proposals_of_another_process_are_never_offered(published_a, org_a, analyst_a):
    from ..factories import make_process

    other = make_process(org_a, title="Autre concertation")
    ideas = [make_contribution(other, body=f"Idée {n}") for n in range(2)]
    Topic.objects.create(process=other, label="Parcs", engine_key="T1")
    _applied_run(other, [_proposal("T1.P1", "T1", [c.pk for c in ideas])])
    topic = Topic.objects.create(process=published_a, label="Parcs", engine_key="T1")
    _applied_run(published_a, [_proposal("T1.P1", "T1", [ideas[0].pk, ideas[1].pk])])
    # the ids are another process's contributions: no readable evidence here, nothing offered
    assert selectors.proposals_for_section(section=_section(published_a, topic)) == []
