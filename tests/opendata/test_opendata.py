"""The open dataset: no personal data, hidden contributions counted not published, synthesis
links and answers included, a Frictionless package that validates, stable URLs."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse
from frictionless import validate

from palabre.contributions.models import Contribution
from palabre.opendata import selectors, services
from palabre.processes.services import process_set_status
from palabre.synthesis import restitution

from ..factories import UserFactory, make_contribution

pytestmark = pytest.mark.django_db


@pytest.fixture
def process_with_everything(published_a, org_a):
    author = UserFactory(email="marie.dupont@exemple.fr", pseudonym="Marie Dupont")
    nord = org_a.neighbourhoods.get(name="Nord")
    ideas = [
        make_contribution(
            published_a,
            title=f"Idée {n}",
            body=f"Des bancs place du marché {n}, écrivez-moi à marie.dupont@exemple.fr",
            author=author,
            neighbourhood=nord,
            latitude="48.850000" if n == 0 else None,
            longitude="2.350000" if n == 0 else None,
        )
        for n in range(12)
    ]
    make_contribution(published_a, body="Texte injurieux", is_hidden=True, author=author)
    draft = restitution.draft_get_or_create(process=published_a)
    section = restitution.section_add(synthesis=draft, title="Mobilier urbain")
    restitution.statement_save(
        section=section, text="Plus de bancs.", evidence_ids=[ideas[0].pk, ideas[1].pk]
    )
    restitution.synthesis_publish(synthesis=draft, user=None)
    restitution.answer_give(
        process=published_a,
        contribution=ideas[0],
        status="adopted",
        text="Dix bancs seront posés au printemps.",
        signed_as="Le maire",
        user=None,
        progress=10,
    )
    return published_a


def _files(dataset):
    with dataset.archive.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_dataset_is_a_valid_frictionless_package_without_personal_data(
    process_with_everything, tmp_path
):
    dataset = services.dataset_publish(process=process_with_everything)
    files = _files(dataset)
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    everything = b"".join(files[n] for n in files if not n.endswith(".xlsx")).decode()
    assert "marie.dupont@exemple.fr" not in everything
    assert "Marie Dupont" not in everything
    assert "Texte injurieux" not in everything
    assert dataset.manifest["excluded"]["hidden"] == 1
    rows = list(csv.DictReader(io.StringIO(files["contributions.csv"].decode())))
    assert len(rows) == 12 and len({r["participant"] for r in rows}) == 1
    assert rows[0]["participant"].startswith("p")
    evidence = list(csv.DictReader(io.StringIO(files["synthesis_evidence.csv"].decode())))
    assert len(evidence) == 2
    answers = list(csv.DictReader(io.StringIO(files["answers.csv"].decode())))
    assert answers[0]["status"] == "adopted" and answers[0]["given_by"] == "Le maire"
    breakdown = list(csv.DictReader(io.StringIO(files["participation_breakdown.csv"].decode())))
    assert {"dimension": "neighbourhood", "value": "Nord", "contributions": "12"} in breakdown
    geo = json.loads(files["idees.geojson"])
    assert len(geo["features"]) == 1
    assert "Licence Ouverte" in files["LISEZMOI.md"].decode()
    record = json.loads(files["fiche-evaluation.json"])
    assert record["schema_version"] and "email" not in files["fiche-evaluation.json"].decode()


def test_small_cells_are_suppressed(published_a, org_a):
    sud = org_a.neighbourhoods.get(name="Sud")
    for n in range(3):
        make_contribution(published_a, body=f"Idée {n}", neighbourhood=sud)
    files = _files(services.dataset_publish(process=published_a))
    breakdown = list(csv.DictReader(io.StringIO(files["participation_breakdown.csv"].decode())))
    assert {"dimension": "neighbourhood", "value": "Sud", "contributions": ""} in breakdown


def test_closing_publishes_and_urls_are_stable(
    client, process_with_everything, django_capture_on_commit_callbacks
):
    process = process_with_everything
    with django_capture_on_commit_callbacks(execute=True):
        process_set_status(process=process, status="closed")
    first = selectors.dataset_latest(process=process)
    assert first is not None
    org = process.organization.slug
    page = client.get(reverse("opendata_detail", kwargs={"org": org, "slug": process.slug}))
    assert page.status_code == 200 and "contributions.csv" in page.content.decode()
    url = reverse(
        "opendata_file", kwargs={"org": org, "slug": process.slug, "name": "contributions.csv"}
    )
    assert client.get(url)["Content-Type"].startswith("text/csv")
    make_contribution(process, body="Une de plus, après coup")
    services.dataset_publish(process=process)
    assert b"Une de plus" in client.get(url).content  # same URL, newest dataset
    listing = client.get(reverse("opendata_list", kwargs={"org": org})).content.decode()
    assert process.title in listing
    zipped = client.get(
        reverse(
            "opendata_file",
            kwargs={"org": org, "slug": process.slug, "name": "jeu-de-donnees.zip"},
        )
    )
    assert zipped.status_code == 200 and zipped.content[:2] == b"PK"
    missing = reverse(
        "opendata_file", kwargs={"org": org, "slug": process.slug, "name": "secret.csv"}
    )
    assert client.get(missing).status_code == 404
    assert Contribution.objects.filter(process=process).count() == 14


DANGEROUS = [
    '=HYPERLINK("https://exemple.org/?"&A1;"Cliquez")',
    "+ de bancs",
    "- des bancs\n- des arbres",
    "@Mairie des bancs",
    "\t=1+1",
    "\r=1+1",
]


def test_texts_never_start_a_formula_in_csv_and_stay_exact_in_json_and_xlsx(published_a, tmp_path):
    from openpyxl import load_workbook

    published = [text.replace("\r", "\n") for text in DANGEROUS]  # line ends are \n
    for text in DANGEROUS:
        make_contribution(published_a, title=text, body=text, latitude="-4.5", longitude="-3.25")
    files = _files(services.dataset_publish(process=published_a))
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = list(csv.DictReader(io.StringIO(files["contributions.csv"].decode(), newline="")))
    assert [r["text"] for r in rows] == ["'" + text for text in published]
    assert {r["longitude"] for r in rows} == {"-3.250000"}  # numbers are not texts
    assert [r["text"] for r in json.loads(files["donnees.json"])["contributions"]] == published
    sheet = load_workbook(io.BytesIO(files["donnees.xlsx"]))["contributions"]
    header = [cell.value for cell in sheet[1]]
    texts = [row[header.index("text")] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in texts] == published
    assert {c.data_type for c in texts} == {"s"}
    assert "apostrophe" in files["LISEZMOI.md"].decode()
    package = json.loads(files["datapackage.json"])
    contributions = next(r for r in package["resources"] if r["name"] == "contributions")
    assert "apostrophe" in contributions["description"]


def test_dates_are_those_of_the_site_time_zone(published_a):
    import datetime as dt

    from django.utils import timezone

    late = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)  # 00:30 on 2 March in Paris
    idea = make_contribution(published_a, body="Tard le soir", created_at=late)
    answer = restitution.answer_give(
        process=published_a,
        contribution=idea,
        status="adopted",
        text="Oui.",
        signed_as="Le maire",
        user=None,
    )
    type(answer).objects.filter(pk=answer.pk).update(created_at=late)
    files = _files(services.dataset_publish(process=published_a))
    rows = list(csv.DictReader(io.StringIO(files["contributions.csv"].decode())))
    assert rows[0]["date"] == "2026-03-02"
    answers = list(csv.DictReader(io.StringIO(files["answers.csv"].decode())))
    assert answers[0]["date"] == "2026-03-02"
    today = timezone.localdate().isoformat()
    assert f"Publié le : {today}" in files["LISEZMOI.md"].decode()
