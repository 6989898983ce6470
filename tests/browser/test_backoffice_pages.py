"""The agents' space in Chromium: an agent signs in, creates and publishes a process; axe
finds no serious or critical violation on the back-office pages."""

from __future__ import annotations

import pytest

from palabre.organizations.roles import Role
from tests.factories import make_member, make_organization

from .conftest import axe_violations
from .test_ideas_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_creates_and_publishes_a_process_in_the_browser(live_server, page):
    org = make_organization("Ville de Test", slug="ville-de-test")
    agent = make_member(org, Role.ADMIN, email="agente@ville-de-test.fr")
    base = live_server.url
    sign_in(page, base, agent)
    page.goto(base + "/ville-de-test/espace/")
    assert "Espace agent" in page.content()
    assert axe_violations(page) == []
    page.click("text=Nouvelle démarche")
    assert axe_violations(page) == []
    page.check("input[value=questionnaire]")
    page.fill("#id_title", "Enquête sur les mobilités")
    page.fill("#id_question", "Comment vous déplacez-vous ?")
    page.fill("#id_start_date", "2027-01-04")
    page.click("main form button[type=submit]")
    assert "La démarche a été créée en brouillon." in page.content()
    assert axe_violations(page) == []
    page.click("text=Passer à « Publiée »")
    assert "Statut passé à « Publiée »." in page.content()
    for path in ("collectivite/", "membres/", "pages/", "pages/accessibilite/", "moderation/"):
        page.goto(f"{base}/ville-de-test/espace/{path}")
        violations = axe_violations(page)
        assert violations == [], f"{path}: " + "\n".join(violations)
    page.goto(base + "/ville-de-test/demarches/")
    assert "Enquête sur les mobilités" in page.content()


def test_consultation_pages_are_accessible(live_server, page):
    """axe on the questionnaire builder, typing-in screens, meetings, results, the meeting
    page and the notifications page, filled with a small consultation."""
    import datetime as dt

    from django.utils import timezone

    from palabre.contributions.services import idea_submit
    from palabre.processes.services import meeting_save
    from tests.factories import UserFactory, make_process
    from tests.questionnaires.conftest import build_questionnaire

    org = make_organization("Ville de Test", slug="ville-de-test", neighbourhoods=["Centre"])
    agent = make_member(org, Role.ADMIN, email="agente@ville-de-test.fr")
    survey = make_process(org, title="Enquête", template="questionnaire")
    build_questionnaire(survey)
    box = make_process(org, title="Idées")
    idea_submit(process=box, author=UserFactory(), title="Des bancs", body="Place du marché")
    start = timezone.now() + dt.timedelta(days=2)
    meeting = meeting_save(
        process=box,
        title="Atelier",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="Salle des fêtes",
        capacity=30,
    )
    from palabre.evaluation.services import profile_save, reference_save

    reference_save(organization=org, margins={"sexe": {"H": 48, "F": 52}}, source="test")
    for i in range(24):  # participants who described themselves: the tables are shown
        user = UserFactory()
        idea_submit(process=box, author=user, title=f"Idée {i}", body="Texte")
        profile_save(organization=org, user=user, consent=True, sex="H" if i % 3 else "F")
    from palabre.synthesis import coding
    from palabre.synthesis import services as synthesis_services
    from palabre.synthesis.models import AnalysisRun, CodebookCategory

    CodebookCategory.objects.create(organization=org, name="Mobilier urbain", keywords="banc")
    run = AnalysisRun.objects.create(process=box, started_by=agent)
    synthesis_services.run_execute(run_id=run.pk)
    sample = coding.sample_create(
        process=box,
        coder_a=agent,
        coder_b=make_member(org, Role.ANALYST, email="analyste@ville-de-test.fr"),
        size=10,
        user=agent,
    )
    base = live_server.url
    sign_in(page, base, agent)
    paths = [
        f"espace/demarches/{survey.slug}/questionnaire/",
        f"espace/demarches/{survey.slug}/questionnaire/saisie/",
        f"demarches/{survey.slug}/resultats/",
        f"demarches/{survey.slug}/questionnaire/",
        f"espace/demarches/{box.slug}/reunions/",
        f"espace/demarches/{box.slug}/reunions/{meeting.pk}/",
        f"espace/demarches/{box.slug}/saisie/",
        f"espace/demarches/{box.slug}/evaluation/",
        f"espace/demarches/{box.slug}/representativite/",
        f"espace/demarches/{box.slug}/evaluation/fiche/",
        f"espace/demarches/{box.slug}/evaluation/rapport/",
        "espace/chiffres/",
        "espace/grille-de-codage/",
        f"espace/demarches/{box.slug}/analyse/{run.pk}/",
        f"espace/demarches/{box.slug}/synthese/double-codage/",
        f"espace/demarches/{box.slug}/synthese/double-codage/{sample.pk}/",
        "qui-participe/",
        f"demarches/{box.slug}/reunions/{meeting.pk}/",
        f"demarches/{box.slug}/",
    ]
    for path in [*paths, "/mon-compte/notifications/"]:
        url = base + path if path.startswith("/") else f"{base}/ville-de-test/{path}"
        page.goto(url)
        violations = axe_violations(page)
        assert violations == [], f"{path}\n" + "\n".join(violations)
