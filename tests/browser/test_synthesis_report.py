"""The synthesis HTML report is self-contained and accessible (axe in Chromium)."""

import pytest

from palabre_analysis.report_html import render_html
from palabre_analysis.synthesis import Synthesizer
from tests.analysis.test_synthesis import corpus

from .conftest import axe_violations

pytestmark = pytest.mark.browser


def test_report_is_accessible_and_self_contained(page, tmp_path, monkeypatch):
    monkeypatch.setenv("PALABRE_LANG", "fr")
    synthesizer = Synthesizer(n_topics=4, segments=("quartier",)).fit(corpus())
    html = render_html(synthesizer.result_, synthesizer.texts_)
    assert "<script" not in html and "http://" not in html and "https://" not in html
    path = tmp_path / "rapport.html"
    path.write_text(html, encoding="utf-8")
    page.goto(path.as_uri())
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Synthèse des contributions"
    assert page.locator("table caption").first.inner_text() == "Sujets par nombre de voix"
    assert "Campagnes de copier-coller" in page.content()
    assert "Sujets par quartier" in page.content()
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)


def test_barometer_report_is_accessible_and_self_contained(page, tmp_path):
    from palabre_analysis.barometer import generate, pool
    from palabre_analysis.barometer import render_html as barometer_html

    html = barometer_html(pool(generate(50)))
    assert "<script" not in html and "http://" not in html and "https://" not in html
    path = tmp_path / "barometre.html"
    path.write_text(html, encoding="utf-8")
    page.goto(path.as_uri())
    assert page.locator("h1").inner_text() == "Baromètre de la démocratie locale numérique"
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)
