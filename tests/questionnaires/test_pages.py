from __future__ import annotations

import pytest

from palabre.organizations.roles import Role
from palabre.processes.services import process_set_status
from palabre.questionnaires.models import Question, Response

from ..factories import make_member


def url(process, name="questionnaire_answer"):
    from django.urls import reverse

    return reverse(name, kwargs={"org": process.organization.slug, "slug": process.slug})


def form_data(q, **extra):
    c = lambda key, label: str(q[key].choices.get(label=label).pk)  # noqa: E731
    data = {
        q["mode"].field_name: c("mode", "En bus"),
        q["needs"].field_name: [c("needs", "Des toilettes")],
        q["satisfaction"].field_name: "5",
        f"{q['priorities'].field_name}_c{c('priorities', 'Commerces')}": "1",
        f"{q['priorities'].field_name}_c{c('priorities', 'Sécurité')}": "2",
        q["open"].field_name: "Un marché <script>alert(1)</script> couvert.",
    }
    data.update(extra)
    return data


def test_a_participant_answers_without_javascript(client, as_user, questionnaire_a, citizen):
    process, q = questionnaire_a
    page = client.get(url(process))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Vos déplacements" in html and "Classez ces priorités" in html
    assert "se connecter" in html.lower() or "connecter" in html
    as_user(citizen)
    response = client.post(url(process), form_data(q))
    assert response.status_code == 302
    saved = Response.objects.get(respondent=citizen)
    ranking = saved.answers.get(question=q["priorities"]).selections.order_by("rank")
    assert [s.choice.label for s in ranking] == ["Commerces", "Sécurité"]
    again = client.get(url(process))
    assert "Vous avez répondu" in again.content.decode()
    assert client.post(url(process), form_data(q)).status_code == 403
    detail = client.get(url(process, "process_detail")).content.decode()
    assert "&lt;script&gt;" in detail and "<script>alert" not in detail


def test_errors_are_shown_and_nothing_is_saved(client, as_user, questionnaire_a, citizen):
    process, q = questionnaire_a
    as_user(citizen)
    data = form_data(q)
    del data[q["mode"].field_name]
    pid = q["priorities"].field_name
    for key in list(data):
        if key.startswith(pid):
            data[key] = "1"
    page = client.post(url(process), data)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Il y a un problème" in html
    assert "donnez chaque rang à un seul choix" in html.lower()
    assert Response.objects.count() == 0


def test_anonymous_post_goes_to_login(client, questionnaire_a):
    process, q = questionnaire_a
    response = client.post(url(process), form_data(q))
    assert response.status_code == 302 and "/comptes/" in response["Location"]
    assert Response.objects.count() == 0


def test_results_are_public_after_closing_and_staff_see_them_live(
    client, as_user, questionnaire_a, citizen, agent_a
):
    process, q = questionnaire_a
    as_user(citizen)
    client.post(url(process), form_data(q))
    assert client.get(url(process, "questionnaire_results")).status_code == 403
    as_user(agent_a)
    page = client.get(url(process, "questionnaire_results"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "1 répondant" in html and "<table" in html and "<svg" in html
    client.logout()
    process_set_status(process=process, status="closed")
    page = client.get(url(process, "questionnaire_results"))
    assert page.status_code == 200
    assert "En bus" in page.content.decode()


@pytest.mark.parametrize("template", ["questionnaire", "idea_box"])
def test_paper_form_is_a_pdf(client, org_a, template):
    from ..factories import make_process
    from .conftest import build_questionnaire

    process = make_process(org_a, title="Formulaire", template=template)
    if template == "questionnaire":
        build_questionnaire(process)
    response = client.get(url(process, "paper_form"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 1500


def test_agent_builds_the_questionnaire(client, as_user, questionnaire_a, agent_a):
    from django.urls import reverse

    process, _q = questionnaire_a
    as_user(agent_a)
    edit = reverse("backoffice:questionnaire_edit", kwargs={"org": "ville-a", "slug": process.slug})
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "what": "question",
            "question-kind": "multiple",
            "question-text": "Quels jours venez-vous ?",
            "question-choices": "Lundi\nMercredi\n\nSamedi",
            "question-scale_min": "1",
            "question-scale_max": "5",
        },
    )
    assert response.status_code == 302
    added = Question.objects.get(text="Quels jours venez-vous ?")
    assert list(added.choices.values_list("label", flat=True)) == ["Lundi", "Mercredi", "Samedi"]
    bad = client.post(
        edit,
        {
            "what": "question",
            "question-kind": "single",
            "question-text": "Oui ?",
            "question-choices": "Oui",
            "question-scale_min": "1",
            "question-scale_max": "5",
        },
    )
    assert bad.status_code == 200 and "au moins deux choix" in bad.content.decode()
    change = reverse(
        "backoffice:question_change",
        kwargs={"org": "ville-a", "slug": process.slug, "pk": added.pk},
    )
    client.post(change, {"action": "up"})
    assert list(process.questions.values_list("pk", flat=True))[-2] == added.pk
    client.post(change, {"action": "delete"})
    assert not Question.objects.filter(pk=added.pk).exists()


def test_mediator_types_in_paper_answers_one_after_another(client, as_user, questionnaire_a, org_a):
    from django.urls import reverse

    process, q = questionnaire_a
    mediator = make_member(org_a, Role.MEDIATOR)
    as_user(mediator)
    entry = reverse("backoffice:response_entry", kwargs={"org": "ville-a", "slug": process.slug})
    assert client.get(entry).status_code == 200
    nord = org_a.neighbourhoods.get(name="Nord").pk
    data = form_data(q, channel="paper", source_ref="A-1", neighbourhood=str(nord))
    assert client.post(entry, data).status_code == 302
    page = client.get(entry)
    html = page.content.decode()
    assert "réponse n°" in html and "1 réponse" in html
    duplicate = client.post(entry, form_data(q, channel="paper", source_ref="A-1"))
    assert duplicate.status_code == 200
    assert "déjà été saisie" in duplicate.content.decode()
    assert Response.objects.filter(channel="paper", entered_by=mediator).count() == 1
    citizen_page = as_user(make_member(org_a, Role.CITIZEN)).get(entry)
    assert citizen_page.status_code == 403
