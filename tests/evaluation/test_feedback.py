from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from palabre.evaluation import services
from palabre.evaluation.models import FeedbackAnswer
from palabre.evaluation.selectors import evaluation_record, feedback_results
from palabre.processes.models import Phase

from ..budgets.conftest import move_to_phase
from ..conftest import login
from ..factories import UserFactory

ANSWER = {"felt_heard": 1, "learned": 2, "will_change": 3, "satisfaction": 4}


def test_the_survey_opens_with_the_restitution_and_counts_one_answer_each(
    published_a, citizen, client
):
    with pytest.raises(ValidationError):
        services.feedback_submit(process=published_a, respondent=citizen, **ANSWER)
    move_to_phase(published_a, Phase.Kind.RESTITUTION)
    services.feedback_submit(process=published_a, respondent=citizen, **ANSWER)
    services.feedback_submit(
        process=published_a, respondent=citizen, **{**ANSWER, "satisfaction": 5}
    )
    assert FeedbackAnswer.objects.get().satisfaction == 5
    login(client, citizen)
    url = reverse(
        "process_feedback",
        kwargs={"org": published_a.organization.slug, "slug": published_a.slug},
    )
    page = client.get(url).content.decode()
    assert "Vous êtes-vous senti" in page or "senti·e" in page or "entendu" in page
    assert client.post(url, {**ANSWER, "comment": ""}).status_code == 302


def test_results_are_shown_from_ten_answers_and_go_into_the_record(published_a):
    move_to_phase(published_a, Phase.Kind.RESTITUTION)
    for i in range(9):
        services.feedback_submit(
            process=published_a, respondent=UserFactory(), **{**ANSWER, "felt_heard": 1 + i % 2}
        )
    assert feedback_results(process=published_a)["questions"] is None
    services.feedback_submit(process=published_a, respondent=UserFactory(), **ANSWER)
    results = feedback_results(process=published_a)
    assert results["respondents"] == 10
    assert results["questions"]["felt_heard"] == {"yes": 0.6, "partly": 0.4, "no": 0.0}
    record = evaluation_record(process=published_a)
    assert record["feedback"]["felt_heard"] == 0.6 and record["feedback"]["satisfaction"] == 4
