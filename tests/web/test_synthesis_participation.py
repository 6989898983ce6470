"""The public synthesis lets a reader judge it (issue 16): "who took part?" (people, contributions
by channel, representativeness, who is missing, topic shares raw and reweighted, small cells
never shown) with the same numbers on the page, in the PDF and in the open data; the method in
one plain sentence with the technical text folded below; the PDF rendered once per version."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from palabre.core.models import Channel
from palabre.evaluation import services as evaluation
from palabre.evaluation.participation import participation_of
from palabre.evaluation.selectors import THRESHOLD
from palabre.synthesis import published, restitution
from palabre.synthesis.models import Synthesis

from ..factories import UserFactory, make_contribution
from ..synthesis.conftest import THEMES

pytestmark = pytest.mark.django_db

REFERENCE = {
    "sexe": {"F": 0.52, "H": 0.48},
    "age": {"15-29": 0.25, "30-44": 0.25, "45-59": 0.25, "60-74": 0.25},
}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _url(name, process):
    return reverse(name, kwargs={"org": process.organization.slug, "slug": process.slug})


def _text(page: str) -> str:
    """The page's text, tags dropped and spaces folded (no-break spaces kept)."""
    return re.sub(r"[ \n]+", " ", re.sub(r"<[^>]+>", " ", page))


def _cells(page: str, label: str) -> list[str]:
    """The data cells of the table row headed `label`, as text."""
    header = re.escape(escape(label))
    row = re.search(rf"<th scope=\"row\">{header}</th>(.*?)</tr>", page, re.S)
    assert row, label
    return [_text(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def _people(process, organization, n, *, sex, age, theme, offset=0):
    users = []
    for i in range(n):
        user = UserFactory()
        texts = THEMES[theme]
        make_contribution(process, author=user, body=f"{texts[(i + offset) % 6]} ({theme} {i})")
        evaluation.profile_save(
            organization=organization, user=user, consent=True, sex=sex, age_band=age
        )
        users.append(user)
    return users


def _publish(process, title="Ce que nous avons entendu"):
    draft = restitution.draft_get_or_create(process=process)
    restitution.synthesis_update(synthesis=draft, title=title)
    if not draft.sections.exists():
        section = restitution.section_add(synthesis=draft, title="Les arbres")
        evidence = list(process.contributions.order_by("pk").values_list("pk", flat=True)[:2])
        restitution.statement_save(section=section, text="Plus d'arbres.", evidence_ids=evidence)
    return restitution.synthesis_publish(synthesis=draft, user=None)


@pytest.fixture
def consulted(published_a, org_a, agent_a, django_capture_on_commit_callbacks):
    """30 women (30-44) speak of trees, 12 men (45-59) of noise, 4 women (60-74) of bikes;
    paper, meeting and assisted contributions without an account; a hidden one; a reference
    population in which 15-29 year-olds are a quarter; analysed, a synthesis published."""
    from palabre.synthesis import services as synthesis

    _people(published_a, org_a, 30, sex="F", age="30-44", theme="arbres")
    _people(published_a, org_a, 12, sex="H", age="45-59", theme="bruit")
    _people(published_a, org_a, 4, sex="F", age="60-74", theme="velo")
    for i in range(3):
        make_contribution(published_a, body=f"{THEMES['arbres'][i]} (papier)", channel="paper")
    for i in range(2):
        make_contribution(published_a, body=f"{THEMES['bruit'][i]} (réunion)", channel="meeting")
    make_contribution(published_a, body=f"{THEMES['velo'][0]} (médiation)", channel="assisted")
    make_contribution(published_a, body="Texte masqué", is_hidden=True)
    evaluation.reference_save(organization=org_a, margins=REFERENCE, source="Recensement test")
    with django_capture_on_commit_callbacks(execute=True):
        synthesis.run_start(process=published_a, user=agent_a, n_topics=3)
    _publish(published_a)
    return published_a


def test_the_selector_counts_people_channels_and_suppresses_small_cells(consulted):
    p = participation_of(process=consulted)
    assert p.participants == 46
    assert p.contributions == 46 + 6  # the hidden one is not counted
    assert p.without_account == 6
    assert [(c.code, c.n) for c in p.by_channel] == [
        ("online", 46),
        ("paper", 3),
        ("meeting", 2),
        ("assisted", 1),
    ]
    assert p.status == "ok" and p.answered == 46
    # age: ½(|0 − .25| + |30/46 − .25| + |12/46 − .25| + |4/46 − .25|) = .413 → .587 (lowest)
    assert p.index == pytest.approx(0.587, abs=0.001)
    assert p.dimensions == ["age", "sexe"]
    missing = {(g.dimension, g.category): g for g in p.missing}
    assert set(missing) == {("age", "15-29"), ("age", "60-74"), ("sexe", "H")}
    assert missing["age", "15-29"].sample_share == 0.0
    assert missing["age", "60-74"].sample_share is None  # 4 people: named, not counted
    assert missing["sexe", "H"].sample_share == pytest.approx(12 / 46, abs=0.0001)
    assert p.topics_status == "ok" and p.speakers == 46
    for topic in p.topics:
        if topic.raw is not None:  # zero included: a share of no one is suppressed too
            assert round(topic.raw * p.speakers) >= THRESHOLD
    assert any(t.suppressed for t in p.topics), "the bikes topic (4 people) is suppressed"
    assert any(t.raw is not None and t.raw != t.weighted for t in p.topics)


def test_the_page_shows_the_selectors_numbers(english, consulted):
    p = participation_of(process=consulted)
    page = english.get(_url("synthesis_public", consulted)).content.decode()
    text = _text(page)
    assert "Who took part?" in text
    assert "46 people took part with an account" in text
    assert "6 contributions were given without an account." in text
    for channel in p.by_channel:
        assert f'<th scope="row">{channel.label}</th>' in page
    assert re.search(r'<th scope="row">Total</th>\s*<td>52</td>', page)
    assert "The representativeness index is 59 out of 100" in text
    assert "46 participants who described themselves with the population (age, sex)" in text
    assert "Reference population: Recensement test." in text
    assert "People aged 15 to 29: 0\u00a0% of the participants" in text
    assert "for 25\u00a0% of the population" in text
    # a group too small to be counted: a headcount, never set against a percentage
    assert (
        "People aged 60 to 74: too few to be counted (fewer than 10 people) among the "
        "participants who described themselves, for 25\u00a0% of the population"
    ) in text
    assert "fewer than 10 of the participants" not in text
    assert "Men: 26\u00a0% of the participants who described themselves, for 48\u00a0%" in text
    # topic shares: raw and reweighted side by side, as the selector gives them
    for topic in p.topics:
        cells = _cells(page, topic.label)
        if topic.suppressed:
            assert cells == ["fewer than 10 people: not shown"]
        else:
            assert cells[0] == topic.raw_text and cells[1].startswith(topic.weighted_text)
            if topic.weighted:
                assert cells[1].endswith(f"(± {topic.margin_points} points)")
    # no figure for a suppressed group or topic: 4 (60-74, bikes) appears nowhere as a share
    assert "9\u00a0%" not in text
    assert '<caption id="channels-caption">' in page and 'scope="col"' in page
    assert "None" not in text


def test_the_french_page_names_representativeness(client, consulted):
    with translation.override("fr"):
        if translation.gettext("Who took part?") == "Who took part?":
            pytest.skip("the French translations of these messages are not compiled yet")
    text = _text(client.get(_url("synthesis_public", consulted)).content.decode())
    assert "représentativité" in text and " 59 " in text


def test_the_page_says_plainly_when_there_is_no_reference_or_too_few(
    english, published_a, org_a, agent_a
):
    _people(published_a, org_a, 3, sex="F", age="30-44", theme="arbres")
    make_contribution(published_a, body="Sur papier", channel=Channel.PAPER)
    _publish(published_a)
    page = english.get(_url("synthesis_public", published_a)).content.decode()
    text = _text(page)
    assert "has not given a reference population" in text
    assert "The team read all the contributions (4) and wrote this synthesis." in text  # no run
    assert "As they are" not in text and "Who is missing" not in text
    evaluation.reference_save(organization=org_a, margins=REFERENCE, source="test")
    text = _text(english.get(_url("synthesis_public", published_a)).content.decode())
    assert "Fewer than 10 participants described themselves" in text
    assert "out of 100" not in text and "As they are" not in text
    assert participation_of(process=published_a).status == "too_few"


def test_the_method_starts_with_a_plain_sentence_and_folds_the_technical_text(english, consulted):
    synthesis = Synthesis.objects.get(process=consulted, status="published")
    assert synthesis.method  # the engine's method text
    page = english.get(_url("synthesis_public", consulted)).content.decode()
    text = _text(page)
    summary = published.method_summary(synthesis=synthesis)
    assert summary.by_software and summary.contributions == synthesis.run.n_input
    assert (
        f"All the contributions ({summary.contributions}) were read by software, which grouped "
        f"them into {summary.topics} topics; the team wrote this synthesis from them."
    ) in text
    method = page.index('id="method-title"')
    assert page.index("<details>", method) < page.index(synthesis.method[:40], method)
    # the team renames a topic, then publishes a new version: that one says it reviewed them
    from palabre.synthesis import services as workspace
    from palabre.synthesis.models import Topic

    topic = Topic.objects.filter(process=consulted, parent=None).first()
    workspace.topic_rename(topic=topic, label="Les arbres", version=topic.version, user=None)
    _publish(consulted)
    url = _url("synthesis_public", consulted)
    assert "the team then reviewed these topics and wrote this synthesis." in _text(
        english.get(url).content.decode()
    )
    assert "the team wrote this synthesis from them." in _text(
        english.get(f"{url}?version=1").content.decode()
    )


def test_the_open_data_gives_the_same_figures(consulted, media, tmp_path):
    from frictionless import validate

    from palabre.opendata import services

    p = participation_of(process=consulted)
    dataset = services.dataset_publish(process=consulted)
    with dataset.archive.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        archive.extractall(tmp_path / "dataset")
    files = tmp_path / "dataset"
    report = validate(str(files / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = list(csv.DictReader(io.StringIO((files / "participation.csv").read_text())))
    readme = (files / "LISEZMOI.md").read_text()
    package = (files / "datapackage.json").read_text()
    by = {(r["measure"], r["category"]): r for r in rows}
    assert by["participants", ""]["value"] == str(p.participants)
    assert by["contributions", "paper"]["value"] == "3"
    assert by["contributions_without_account", ""]["value"] == "6"
    assert float(by["representativeness_index", ""]["value"]) == p.index
    assert by["under_represented", "age:60-74"]["value"] == ""  # suppressed
    assert float(by["under_represented", "sexe:H"]["population_share"]) == 0.48
    for topic in p.topics:
        row = by["topic_share", topic.label]
        if topic.suppressed:
            assert row["value"] == row["reweighted"] == row["margin"] == ""
        else:
            assert float(row["value"]) == topic.raw
            assert float(row["reweighted"]) == topic.weighted
    assert "participation.csv" in readme and '"participation.csv"' in package


def test_the_pdf_is_rendered_once_per_version(client, consulted, media, monkeypatch):
    import weasyprint

    renders = []
    write_pdf = weasyprint.HTML.write_pdf

    def counted(self, *args, **kwargs):
        renders.append(1)
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counted)
    url = _url("synthesis_pdf", consulted)
    first = client.get(url)
    assert first["Content-Type"] == "application/pdf" and first.content.startswith(b"%PDF")
    second = client.get(url)
    assert second.content == first.content and len(renders) == 1
    v1 = Synthesis.objects.get(process=consulted, version=1)
    assert default_storage.exists(published.pdf_path(v1))
    assert published.pdf_path(v1).startswith(f"syntheses/{consulted.pk}/synthese-v1-")
    # a new version gets its own file; the first one stays as it was
    v2 = _publish(consulted, title="Deuxième version")
    third = client.get(url)
    assert len(renders) == 2 and third.content != first.content
    assert default_storage.exists(published.pdf_path(v2))
    assert client.get(f"{url}?version=1").content == first.content and len(renders) == 2


def test_the_pdf_holds_the_same_blocks_in_french(client, consulted, media, monkeypatch):
    """Rendered in the site's language whoever asks first (the stored file is everyone's)."""
    import weasyprint

    pages = []
    init = weasyprint.HTML.__init__

    def recorded(self, *args, **kwargs):
        pages.append(kwargs["string"])
        init(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "__init__", recorded)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get(_url("synthesis_pdf", consulted))
    (html,) = pages
    assert '<html lang="fr">' in html
    p = participation_of(process=consulted)
    text = _text(html)
    with translation.override("fr"):
        assert translation.gettext("How this synthesis was made") in text
    for channel in p.by_channel:
        with translation.override("fr"):
            assert f'<th scope="row">{channel.label}</th>' in html
    for topic in p.topics:
        if not topic.suppressed:
            assert _cells(html, topic.label)[1].startswith(topic.weighted_text)
    assert "<details>" not in html  # the technical method is printed in full


def test_a_topic_no_described_participant_spoke_about_is_suppressed_like_a_small_one(
    english, consulted
):
    """Zero is a count under the threshold too: "fewer than 10 people: not shown", not 0 %."""
    from palabre.synthesis import services as workspace

    paper = list(consulted.contributions.filter(channel="paper").values_list("pk", flat=True))
    workspace.topic_split(
        process=consulted, topic=None, contribution_ids=paper, label="Sur papier", user=None
    )
    p = participation_of(process=consulted)
    (on_paper,) = [t for t in p.topics if t.label == "Sur papier"]
    assert on_paper.suppressed and on_paper.raw is on_paper.weighted is on_paper.margin is None
    page = english.get(_url("synthesis_public", consulted)).content.decode()
    assert _cells(page, "Sur papier") == ["fewer than 10 people: not shown"]


def test_no_text_of_the_pdf_blocks_ends_with_a_space(client, consulted, media, monkeypatch):
    """WeasyPrint breaks a line after its first word ("Les / femmes : 39 %") when only a
    trailing space overflows (Kozea/WeasyPrint#1051): the blocks close right after their text."""
    import weasyprint

    pages = []
    init = weasyprint.HTML.__init__

    def recorded(self, *args, **kwargs):
        pages.append(kwargs["string"])
        init(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "__init__", recorded)
    # women missing: "Les femmes : 74 % des participants …, pour 97 % de la population" is
    # the line that broke after "Les" (DejaVu Sans, A4)
    evaluation.reference_save(
        organization=consulted.organization,
        margins={"sexe": {"F": 0.97, "H": 0.03}, "age": REFERENCE["age"]},
        source="Recensement test",
    )
    client.get(_url("synthesis_pdf", consulted))
    (html,) = pages
    participation = html[html.index('id="participation-title"') :]
    assert participation.count("<li>") >= 3  # who is missing
    assert not re.search(r"\s</(li|p|td|th|caption)>", participation)
    # the group's name stays with the rest of its line: laid out, no line is a lone word
    document = weasyprint.HTML(string=html).render()

    def lines(box):
        if type(box).__name__ == "LineBox":
            yield "".join(text.text for text in texts(box)).strip()
        for child in getattr(box, "children", None) or []:
            yield from lines(child)

    def texts(box):
        if hasattr(box, "text"):
            yield box
        for child in getattr(box, "children", None) or []:
            yield from texts(child)

    laid = [line for page in document.pages for line in lines(page._page_box)]
    assert "Les" not in laid
