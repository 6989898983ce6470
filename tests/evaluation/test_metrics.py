from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from palabre.contributions.services import support_set
from palabre.evaluation.models import DailyVisitor, DailyVisits, VisitSalt
from palabre.evaluation.selectors import process_metrics
from palabre.evaluation.services import visits_roll_up

from ..conftest import login
from ..factories import UserFactory, make_contribution, make_process

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"


def page(process):
    return reverse(
        "process_detail", kwargs={"org": process.organization.slug, "slug": process.slug}
    )


def test_visits_are_counted_without_cookies_and_the_hashes_forgotten(client, published_a):
    url = page(published_a)
    client.get(url, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.5")
    client.get(url, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.5")
    client.get(url, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.7")
    client.get(url, HTTP_USER_AGENT="Googlebot/2.1", REMOTE_ADDR="66.249.66.1")
    client.get(url)  # no browser signature: not counted
    metrics = process_metrics(process=published_a)
    assert metrics["visitors"] == 2 and metrics["page_views"] == 3
    assert "203.0.113.5" not in "".join(DailyVisitor.objects.values_list("visitor", flat=True))
    assert not client.cookies.get("visitor")
    # the next day: summed up, hashes and salt deleted, figures kept
    assert visits_roll_up(today=timezone.localdate() + dt.timedelta(days=1)) == 1
    assert not DailyVisitor.objects.exists() and not VisitSalt.objects.exists()
    assert DailyVisits.objects.get().visitors == 2
    assert process_metrics(process=published_a)["visitors"] == 2


def test_participants_contributors_and_returning_ones(published_a, org_a, citizen):
    earlier = make_process(org_a, title="Avant")
    earlier.created_at = published_a.created_at - dt.timedelta(days=100)
    earlier.save(update_fields=["created_at"])
    make_contribution(earlier, author=citizen)
    idea = make_contribution(published_a, author=citizen, title="Mon idée")
    supporter = UserFactory()
    support_set(idea=idea, user=supporter, supported=True)
    make_contribution(published_a, channel="paper", title="Sur papier")
    metrics = process_metrics(process=published_a)
    assert metrics["participants"] == 2 and metrics["contributors"] == 1
    assert metrics["returning_participants"] == 1 and metrics["new_participants"] == 1
    assert metrics["offline_contributions"] == 1
    # small groups are hidden in breakdowns
    assert all(v is None for v in metrics["by_participant_type"].values())


def test_agents_see_the_figures_and_download_them(client, published_a, agent_a, citizen):
    url = reverse(
        "backoffice:process_evaluation",
        kwargs={"org": published_a.organization.slug, "slug": published_a.slug},
    )
    login(client, citizen)
    assert client.get(url).status_code in {403, 404}
    login(client, agent_a)
    response = client.get(url)
    assert response.status_code == 200 and "Visiteurs" in response.content.decode()
    text = client.get(url + "?format=csv").content.decode()
    assert text.splitlines()[0] == "measure,breakdown,value"


def test_the_evaluation_record_follows_the_schema_and_feeds_the_barometer(
    client, published_a, agent_a, citizen, tmp_path
):
    import json
    from pathlib import Path

    import jsonschema

    from palabre_analysis.barometer import pool, read_records

    make_contribution(published_a, author=citizen, title="Une idée")
    url = reverse(
        "backoffice:process_evaluation",
        kwargs={"org": published_a.organization.slug, "slug": published_a.slug},
    )
    login(client, agent_a)
    response = client.get(url + "?format=record")
    record = json.loads(response.content)
    schema = json.loads(
        (
            Path(__file__).resolve().parents[2]
            / "src/palabre_analysis/schema/evaluation-record.schema.json"
        ).read_text(encoding="utf-8")
    )
    jsonschema.validate(record, schema)
    assert record["organisation"] == {
        "type": "commune",
        "population_band": "10k-50k",
        "population": 12000,
    }
    assert record["metrics"]["contributors"] == 1
    assert citizen.email not in response.content.decode()
    assert citizen.pseudonym not in response.content.decode()
    (tmp_path / "a.json").write_bytes(response.content)
    (tmp_path / "b.json").write_bytes(response.content)  # sent twice: counted once
    records, duplicates = read_records([tmp_path])
    assert len(records) == 1 and duplicates == 1
    assert pool(records)["n_records"] == 1


def test_no_record_without_the_population(client, published_a, agent_a):
    org = published_a.organization
    org.population = None
    org.save(update_fields=["population"])
    url = reverse(
        "backoffice:process_evaluation", kwargs={"org": org.slug, "slug": published_a.slug}
    )
    login(client, agent_a)
    response = client.get(url + "?format=record", follow=True)
    assert "population" in response.content.decode()


def test_organisation_figures_count_people_across_processes(client, org_a, agent_a, citizen):
    first = make_process(org_a, title="Première")
    second = make_process(org_a, title="Seconde")
    make_contribution(first, author=citizen)
    make_contribution(second, author=citizen)
    make_contribution(second, author=UserFactory())
    url = reverse("backoffice:organization_evaluation", kwargs={"org": org_a.slug})
    login(client, agent_a)
    page = client.get(url).content.decode()
    assert "2 personnes ont participé à au moins une démarche ; 1 à plus d’une." in page
    lines = client.get(url + "?format=csv").content.decode().splitlines()
    assert lines[0] == (
        "process,status,visitors,participants,contributors,contributions,felt_heard"
    )
    assert "Seconde,published,0,2,2,2," in lines


def test_figures_csv_never_start_a_formula(client, org_a, agent_a):
    import csv
    import io

    from palabre.processes.models import Phase

    process = make_process(org_a, title='=HYPERLINK("https://exemple.org/";"Cliquez")')
    Phase.objects.filter(process=process).update(title="-2+3+cmd|' /C calc'!A0")
    make_contribution(process, phase=process.phases.first())
    login(client, agent_a)
    url = reverse("backoffice:process_evaluation", kwargs={"org": org_a.slug, "slug": process.slug})
    rows = list(csv.reader(io.StringIO(client.get(url + "?format=csv").content.decode())))
    phases = [row[1] for row in rows if row[0] == "by_phase"]
    assert phases and all(name.startswith("'-2+3") for name in phases)
    url = reverse("backoffice:organization_evaluation", kwargs={"org": org_a.slug})
    rows = list(csv.DictReader(io.StringIO(client.get(url + "?format=csv").content.decode())))
    assert "'" + process.title in {row["process"] for row in rows}


def test_the_record_year_is_that_of_the_site_time_zone(org_a):
    from palabre.evaluation.selectors import evaluation_record
    from palabre.processes.models import Phase, Process

    process = make_process(org_a, title="Réveillon")
    Phase.objects.filter(process=process).delete()
    late = dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)  # 00:30 on 1 January in Paris
    Process.objects.filter(pk=process.pk).update(created_at=late)
    process.refresh_from_db()
    assert evaluation_record(process=process)["process"]["year"] == 2026
