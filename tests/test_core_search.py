"""Search boxes fold case beyond ASCII on SQLite as on PostgreSQL ('école' finds 'École')."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import F

from palabre.contributions.models import Contribution
from palabre.contributions.selectors import ideas_of
from palabre.processes.models import Process
from palabre.processes.selectors import process_search

from .factories import make_contribution, make_process


def _titles(qs) -> set[str]:
    return {c.title for c in qs}


def test_idea_search_folds_accented_capitals(published_a):
    make_contribution(published_a, title="École du quartier", body="Une cour verte")
    make_contribution(published_a, title="Bancs", body="ÉTÉ comme hiver, à l'ÉCOLE")
    make_contribution(published_a, title="Piscine", body="Ouverte l'hiver")

    def search(text: str) -> set[str]:
        return _titles(ideas_of(user=AnonymousUser(), process=published_a, text=text))

    assert search("école") == {"École du quartier", "Bancs"}
    assert search("ÉCOLE") == {"École du quartier", "Bancs"}
    assert search("été") == {"Bancs"}
    # case only: accents still count, as on PostgreSQL
    assert search("ecole") == set()


def test_process_search_folds_accented_capitals(org_a):
    make_process(org_a, title="Été au parc")
    make_process(org_a, title="Budget des quartiers")
    found = process_search(Process.objects.filter(organization=org_a), text="été")
    assert [p.title for p in found] == ["Été au parc"]


def test_folded_search_keeps_like_wildcards_literal_and_works_with_expressions(published_a):
    make_contribution(published_a, title="100% ÉCOLE_BIO", body="x")
    make_contribution(published_a, title="1000 écoles bio", body="x")
    ideas = Contribution.objects.filter(process=published_a)
    assert _titles(ideas.filter(title__icontains="0% école_")) == {"100% ÉCOLE_BIO"}
    assert _titles(ideas.filter(title__icontains="école")) == {
        "100% ÉCOLE_BIO",
        "1000 écoles bio",
    }
    make_contribution(published_a, title="ŒUVRE", body="une belle œuvre")
    make_contribution(published_a, title="PARC", body="un jardin")
    assert _titles(ideas.filter(body__icontains=F("title"))) == {"ŒUVRE"}
