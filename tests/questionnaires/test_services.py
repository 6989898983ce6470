from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError

from palabre.contributions.models import Contribution
from palabre.contributions.selectors import corpus_rows
from palabre.contributions.services import ActivityClosed
from palabre.organizations.roles import Role
from palabre.processes.services import process_set_status
from palabre.questionnaires import services
from palabre.questionnaires.models import Response
from palabre.questionnaires.selectors import questionnaire_results

from ..factories import UserFactory, make_member


def choice(question, label):
    return question.choices.get(label=label).pk


def full_answers(q):
    return {
        q["mode"].pk: choice(q["mode"], "À vélo"),
        q["needs"].pk: [choice(q["needs"], "Des bancs"), choice(q["needs"], "De l'ombre")],
        q["satisfaction"].pk: 4,
        q["priorities"].pk: [
            choice(q["priorities"], "Verdure"),
            choice(q["priorities"], "Sécurité"),
        ],
        q["open"].pk: "Plus d'arbres et moins de voitures sur la place.",
    }


def test_answers_are_stored_per_respondent_and_open_ones_join_the_corpus(questionnaire_a, citizen):
    process, q = questionnaire_a
    response = services.response_submit(
        process=process, answers=full_answers(q), respondent=citizen
    )
    assert response.answers.count() == 5
    ranked = response.answers.get(question=q["priorities"]).selections.order_by("rank")
    assert [s.choice.label for s in ranked] == ["Verdure", "Sécurité"]
    answer = Contribution.objects.get(process=process, kind=Contribution.Kind.ANSWER)
    assert answer.question == "Que changeriez-vous en priorité ?"
    assert answer.author == citizen and answer.channel == "online"
    assert answer.phase is not None and answer.phase.kind == "contribution"
    rows = list(corpus_rows(user=citizen, process=process))
    assert [r["question"] for r in rows] == ["Que changeriez-vous en priorité ?"]


def test_required_and_invalid_answers_are_refused_with_nothing_saved(questionnaire_a, citizen):
    process, q = questionnaire_a
    answers = full_answers(q)
    del answers[q["mode"].pk]
    answers[q["satisfaction"].pk] = 9
    with pytest.raises(ValidationError) as error:
        services.response_submit(process=process, answers=answers, respondent=citizen)
    assert set(error.value.message_dict) == {q["mode"].field_name, q["satisfaction"].field_name}
    too_many = full_answers(q)
    too_many[q["needs"].pk] = [c.pk for c in q["needs"].choices.all()]
    with pytest.raises(ValidationError):
        services.response_submit(process=process, answers=too_many, respondent=citizen)
    foreign = full_answers(q)
    foreign[q["mode"].pk] = choice(q["needs"], "Des bancs")
    with pytest.raises(ValidationError):
        services.response_submit(process=process, answers=foreign, respondent=citizen)
    assert Response.objects.count() == 0 and Contribution.objects.count() == 0


def test_one_response_per_person_and_double_submit_is_idempotent(questionnaire_a, citizen):
    process, q = questionnaire_a
    token = uuid.uuid4()
    first = services.response_submit(
        process=process, answers=full_answers(q), respondent=citizen, token=token
    )
    again = services.response_submit(
        process=process, answers=full_answers(q), respondent=citizen, token=token
    )
    assert again == first
    with pytest.raises(ValidationError, match="déjà répondu"):
        services.response_submit(process=process, answers=full_answers(q), respondent=citizen)
    assert Response.objects.count() == 1
    assert Contribution.objects.filter(kind="answer").count() == 1


def test_answers_close_with_the_phase_but_paper_can_still_be_typed_in(questionnaire_a, org_a):
    process, q = questionnaire_a
    process = process_set_status(process=process, status="closed")
    with pytest.raises(ActivityClosed):
        services.response_submit(process=process, answers=full_answers(q), respondent=UserFactory())
    mediator = make_member(org_a, Role.MEDIATOR)
    response = services.response_submit(
        process=process,
        answers=full_answers(q),
        channel="paper",
        entered_by=mediator,
        source_ref="P-0042",
        neighbourhood=org_a.neighbourhoods.get(name="Nord"),
    )
    assert response.entered_by == mediator and response.respondent is None
    answer = Contribution.objects.get(kind="answer")
    assert answer.channel == "paper" and answer.neighbourhood.name == "Nord"
    with pytest.raises(ValidationError) as error:
        services.response_submit(
            process=process,
            answers=full_answers(q),
            channel="paper",
            entered_by=mediator,
            source_ref="P-0042",
        )
    assert "source_ref" in error.value.message_dict


def test_only_staff_of_the_organisation_may_type_in_answers(questionnaire_a, citizen, agent_b):
    process, q = questionnaire_a
    for user in (citizen, agent_b, None):
        with pytest.raises(ValidationError, match="agent ou un médiateur"):
            services.response_submit(
                process=process, answers=full_answers(q), channel="assisted", entered_by=user
            )
    assert Response.objects.count() == 0


def test_results_count_choices_scale_and_ranking(questionnaire_a, org_a):
    process, q = questionnaire_a
    agent = make_member(org_a, Role.AGENT)
    services.response_submit(process=process, answers=full_answers(q), respondent=UserFactory())
    services.response_submit(
        process=process,
        answers={
            q["mode"].pk: choice(q["mode"], "À pied"),
            q["satisfaction"].pk: 2,
            q["priorities"].pk: [
                choice(q["priorities"], "Sécurité"),
                choice(q["priorities"], "Verdure"),
            ],
            q["needs"].pk: [choice(q["needs"], "Des bancs")],
        },
        channel="paper",
        entered_by=agent,
    )
    results = questionnaire_results(process=process)
    assert results.respondents == 2
    by_q = {r.question.pk: r for r in results.questions}
    needs = {c.label: (c.count, c.share) for c in by_q[q["needs"].pk].choices}
    assert needs == {"Des bancs": (2, 100.0), "De l'ombre": (1, 50.0), "Des toilettes": (0, 0.0)}
    assert by_q[q["satisfaction"].pk].mean == 3.0
    ranking = by_q[q["priorities"].pk].choices
    assert [(c.label, c.mean_rank) for c in ranking] == [
        ("Sécurité", 1.5),
        ("Verdure", 1.5),
        ("Commerces", None),
    ]
    assert by_q[q["open"].pk].open_answers == 1
    paper_only = questionnaire_results(process=process, channel="paper")
    assert paper_only.respondents == 1
    assert {c.label: c.count for c in paper_only.questions[0].choices}["À pied"] == 1


def test_answered_questions_keep_their_choices(questionnaire_a, citizen):
    process, q = questionnaire_a
    services.response_submit(process=process, answers=full_answers(q), respondent=citizen)
    with pytest.raises(ValidationError, match="déjà des réponses"):
        services.question_update(question=q["mode"], choices=["À pied", "À cheval"])
    with pytest.raises(ValidationError):
        services.question_delete(question=q["mode"])
    services.question_update(
        question=q["mode"],
        text="Comment venez-vous, le plus souvent ?",
        choices=["À pied", "À vélo", "En voiture", "En bus"],
    )
    q["mode"].refresh_from_db()
    assert q["mode"].text.startswith("Comment venez-vous, le plus")


def test_question_building_rules(questionnaire_a):
    process, q = questionnaire_a
    with pytest.raises(ValidationError):
        services.question_create(process=process, kind="single", text="Oui ?", choices=["Oui"])
    with pytest.raises(ValidationError):
        services.question_create(
            process=process, kind="scale", text="Note ?", scale_min=5, scale_max=1
        )
    services.question_move(question=q["open"], offset=-1)
    order = list(process.questions.values_list("kind", flat=True))
    assert order == ["single", "multiple", "scale", "open", "ranking"]


def test_assisted_answers_need_consent_and_belong_to_the_mediators_session(questionnaire_a, org_a):
    from palabre.contributions.services import mediation_start

    process, q = questionnaire_a
    mediator = make_member(org_a, Role.MEDIATOR)
    session = mediation_start(organization=org_a, mediator=mediator, place="Médiathèque")
    with pytest.raises(ValidationError) as error:
        services.response_submit(
            process=process, answers=full_answers(q), channel="assisted", entered_by=mediator
        )
    assert "consent" in error.value.message_dict
    response = services.response_submit(
        process=process,
        answers=full_answers(q),
        channel="assisted",
        entered_by=mediator,
        consent=True,
        mediation=session,
    )
    assert response.consent_at is not None and response.mediation == session
    answer = Contribution.objects.get(kind="answer")
    assert answer.mediation == session and answer.entered_by == mediator
    other = make_member(org_a, Role.MEDIATOR)
    with pytest.raises(ValidationError):
        services.response_submit(
            process=process,
            answers=full_answers(q),
            channel="assisted",
            entered_by=other,
            consent=True,
            mediation=session,
        )
