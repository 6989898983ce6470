"""Bidirectional controls (the right-to-left override U+202E and its kin) are dropped from
what people type for others to read: they could show a text other than the stored one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from palabre.accounts.models import User
from palabre.contributions.models import Contribution
from palabre.contributions.services import (
    comment_add,
    contributions_import,
    idea_edit,
    idea_submit,
)
from palabre.core.text import without_bidi_controls
from palabre.moderation.services import report_create
from palabre.synthesis import restitution

from .conftest import login
from .factories import PASSWORD, UserFactory

RLO = "\u202e"


def test_every_embedding_override_and_isolate_goes_but_marks_stay():
    controls = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    assert without_bidi_controls(f"a{controls}b") == "ab"
    # LRM / RLM only orient the neutral characters next to them: Arabic or Hebrew mixed
    # with French needs them, and they cannot turn a run of text around
    assert without_bidi_controls("שלום\u200f!") == "שלום\u200f!"


def test_a_comment_with_a_right_to_left_override_is_stored_without_it(published_a, citizen):
    idea = idea_submit(
        process=published_a,
        author=citizen,
        title=f"Un {RLO}gpj.exe",
        body=f"Cliquez {RLO}fdp.exe",
    )
    assert (idea.title, idea.body) == ("Un gpj.exe", "Cliquez fdp.exe")
    comment = comment_add(idea=idea, author=UserFactory(), body=f"Voir {RLO}txt.exe")
    comment.refresh_from_db()
    assert comment.body == "Voir txt.exe"
    with pytest.raises(ValidationError):
        comment_add(idea=idea, author=UserFactory(), body=f" {RLO}\u2066 ")
    idea_edit(idea=idea, user=citizen, title=f"Un {RLO}titre", body=f"Un {RLO}texte")
    idea.refresh_from_db()
    assert (idea.title, idea.body) == ("Un titre", "Un texte")
    contributions_import(
        process=published_a,
        rows=[
            Contribution(
                kind="idea", title=f"{RLO}Importée", body=f"{RLO}Texte", created_at=timezone.now()
            )
        ],
    )
    assert Contribution.objects.filter(title="Importée", body="Texte").exists()


def test_pseudonyms_drop_bidi_controls(client, citizen):
    login(client, citizen)
    client.post(
        reverse("accounts:profile"), {"pseudonym": f"Ali{RLO}ce", "participant_type": "resident"}
    )
    citizen.refresh_from_db()
    assert citizen.pseudonym == "Alice"
    client.logout()
    client.post(
        reverse("account_signup"),
        {
            "email": "nouvelle@exemple.fr",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "pseudonym": f"{RLO}Nouvelle",
            "participant_type": "resident",
        },
    )
    assert User.objects.get(email="nouvelle@exemple.fr").pseudonym == "Nouvelle"


def test_draft_comments_and_report_details_drop_bidi_controls(published_a, citizen):
    idea = idea_submit(process=published_a, author=UserFactory(), title="Bancs", body="Oui")
    report = report_create(
        contribution=idea, reporter=citizen, reason="spam", details=f"Lien {RLO}exe.gpj"
    )
    assert report is not None and report.details == "Lien exe.gpj"
    draft = restitution.draft_get_or_create(process=published_a)
    section = restitution.section_add(synthesis=draft, title="Bancs")
    statement = restitution.statement_save(section=section, text="Des bancs.", evidence_ids=[])
    restitution.synthesis_update(
        synthesis=draft, comments_until=timezone.localdate() + dt.timedelta(days=3)
    )
    comment = restitution.draft_comment_add(statement=statement, user=citizen, body=f"Et {RLO}?")
    assert comment.body == "Et ?"
