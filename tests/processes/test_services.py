import datetime as dt
import itertools

import pytest
from django.core.exceptions import ValidationError

from palabre.processes.blueprints import BLUEPRINTS
from palabre.processes.models import Phase, Process
from palabre.processes.services import (
    phase_add,
    phase_update,
    process_create,
    process_set_status,
    process_update,
    theme_get_or_create,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("template", list(Process.Template))
def test_every_template_creates_a_draft_with_contiguous_phases(org_a, template):
    start = dt.date(2027, 1, 4)
    process = process_create(
        organization=org_a, template=template, title="Test", question="Q ?", start_date=start
    )
    phases = list(process.phases.all())
    assert process.status == Process.Status.DRAFT
    assert len(phases) == len(BLUEPRINTS[template].phases)
    assert phases[0].start_date == start
    for before, after in itertools.pairwise(phases):
        assert after.start_date == before.end_date + dt.timedelta(days=1)


def test_slugs_are_unique_per_organisation(org_a, org_b):
    first = process_create(organization=org_a, template="idea_box", title="Vélo", question="?")
    second = process_create(organization=org_a, template="idea_box", title="Vélo", question="?")
    other = process_create(organization=org_b, template="idea_box", title="Vélo", question="?")
    assert (first.slug, second.slug, other.slug) == ("velo", "velo-2", "velo")


def test_status_follows_the_lifecycle(org_a):
    process = process_create(organization=org_a, template="idea_box", title="Cycle", question="?")
    with pytest.raises(ValidationError):
        process_set_status(process=process, status=Process.Status.ARCHIVED)
    process = process_set_status(process=process, status=Process.Status.PUBLISHED)
    assert process.published_at is not None
    process = process_set_status(process=process, status=Process.Status.CLOSED)
    process = process_set_status(process=process, status=Process.Status.ARCHIVED)
    assert Process.objects.get(pk=process.pk).status == Process.Status.ARCHIVED


def test_a_process_without_phases_cannot_be_published(org_a):
    process = process_create(organization=org_a, template="idea_box", title="Vide", question="?")
    process.phases.all().delete()
    with pytest.raises(ValidationError):
        process_set_status(process=process, status=Process.Status.PUBLISHED)


def test_phase_dates_are_checked(org_a):
    process = process_create(organization=org_a, template="questionnaire", title="P", question="?")
    phase = process.phases.first()
    with pytest.raises(ValidationError):
        phase_update(
            phase=phase,
            title="x",
            kind=Phase.Kind.INFORMATION,
            start_date=dt.date(2027, 2, 1),
            end_date=dt.date(2027, 1, 1),
        )
    added = phase_add(
        process=process,
        title="Suivi",
        kind=Phase.Kind.FOLLOW_UP,
        start_date=dt.date(2028, 1, 1),
        end_date=dt.date(2028, 6, 1),
    )
    assert list(process.phases.all())[-1] == added


def test_themes_of_another_organisation_are_refused(org_a, org_b):
    process = process_create(organization=org_a, template="idea_box", title="T", question="?")
    foreign = theme_get_or_create(organization=org_b, name="Mobilités")
    with pytest.raises(ValidationError):
        process_update(process=process, themes=[foreign])


def test_current_phase(org_a):
    process = process_create(
        organization=org_a,
        template="idea_box",
        title="Now",
        question="?",
        start_date=dt.date.today() - dt.timedelta(days=20),
    )
    assert process.current_phase().kind == Phase.Kind.CONTRIBUTION


def test_default_phase_titles_are_stored_in_french_whatever_the_ui_language(org_a):
    from django.utils import translation

    with translation.override("en"):
        process = process_create(organization=org_a, template="idea_box", title="T", question="?")
    assert [p.title for p in process.phases.all()][:2] == ["Information", "Dépôt des idées"]
