"""Opinion maps: votes → groups, representative, consensus and divisive statements."""

from __future__ import annotations

import csv
import json
import random

import pytest

from palabre_analysis.opinions import OpinionInputError, OpinionMap, read_votes


def two_camps(tmp_path, n=60, statements=20, seed=1):
    """Two planted camps that disagree on statements 0–9 and agree on 10–19."""
    rng = random.Random(seed)
    path = tmp_path / "votes.csv"
    camp = {}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["participant", "statement", "vote", "timestamp"])
        for p in range(n):
            camp[str(p)] = p % 2
            for s in range(statements):
                if rng.random() < 0.15:
                    continue
                vote = (1 if (p % 2 == 0) == (s % 2 == 0) else -1) if s < 10 else 1
                if rng.random() < 0.1:
                    vote = 0
                writer.writerow([p, s, vote, 1000 + s])
        writer.writerow([0, 0, -1, 1])  # an older vote: the latest one counts
    return path, camp


def test_planted_camps_are_found_with_their_statements(tmp_path):
    from sklearn.metrics import adjusted_rand_score

    path, camp = two_camps(tmp_path)
    votes = read_votes(path)
    model = OpinionMap(random_state=0).fit(votes)
    labels = [int(x) for x in model.labels_]
    assert adjusted_rand_score([camp[p] for p in votes.participants], labels) == 1.0
    report = model.report(votes)
    assert report["n_participants"] == 60 and len(report["groups"]) == 2
    assert {s["id"] for s in report["consensus"]} >= {str(s) for s in range(10, 20)}
    assert {s["id"] for s in report["divisive"]} <= {str(s) for s in range(10)}
    for group in report["groups"]:
        assert group["representative_statements"]
        assert all(int(r["id"]) < 10 for r in group["representative_statements"])
    again = OpinionMap(random_state=0).fit(read_votes(path))
    assert (again.labels_ == model.labels_).all()  # deterministic


def test_latest_vote_wins_and_few_votes_are_not_grouped(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(
        "participant,statement,vote,timestamp\na,1,1,5\na,1,-1,9\nb,1,1,1\n", encoding="utf-8"
    )
    votes = read_votes(path)
    assert votes.n_votes == 2 and sorted(votes.values.tolist()) == [-1, 1]
    model = OpinionMap().fit(votes)
    assert (model.labels_ == -1).all() and model.report(votes)["groups"] == []


def test_bad_votes_and_missing_files_are_clear(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("participant,statement,vote\na,1,2\n", encoding="utf-8")
    with pytest.raises(OpinionInputError, match=r"bad\.csv:2"):
        read_votes(bad)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("who,what\n", encoding="utf-8")
    with pytest.raises(OpinionInputError):
        read_votes(wrong)
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "comments.csv").write_text("comment-id,comment-body\n", encoding="utf-8")
    with pytest.raises(OpinionInputError):
        read_votes(folder)


def test_cli_json_contract_and_html(tmp_path, capsys):
    from palabre.cli import main

    path, _camp = two_camps(tmp_path)
    out = tmp_path / "map.json"
    assert main(["opinions", str(path), "-o", str(out)]) == 0
    report = json.loads(out.read_text())
    for key in (
        "schema_version",
        "n_participants",
        "n_statements",
        "n_votes",
        "groups",
        "participants",
        "consensus",
        "divisive",
    ):
        assert key in report
    group = report["groups"][0]
    assert {"id", "size", "participants", "representative_statements"} <= set(group)
    assert {"id", "group", "x", "y"} == set(report["participants"][0])
    html = tmp_path / "map.html"
    assert main(["opinions", str(path), "--format", "html", "-o", str(html)]) == 0
    assert "<table>" in html.read_text()
    assert main(["opinions", str(tmp_path / "absent.csv")]) == 2


@pytest.mark.shared_data
def test_every_shared_polis_conversation(shared_data):
    """Every conversation with votes is mapped; those without votes give a clear error; where
    the export has Pol.is's own groups, the agreement is measured (bench reports it)."""
    mapped, aris = 0, []
    for folder in sorted((shared_data / "polis").iterdir()):
        if not folder.is_dir():
            continue
        try:
            votes = read_votes(folder)
        except OpinionInputError as error:
            assert "no votes.csv" in str(error) or "votes" in str(error)
            continue
        model = OpinionMap(random_state=0).fit(votes)
        report = model.report(votes)
        assert report["n_votes"] > 0 and len(report["groups"]) >= 2
        mapped += 1
        if "agreement_with_reference" in report:
            aris.append(report["agreement_with_reference"]["ari"])
    assert mapped >= 13 and len(aris) >= 8
    assert sum(aris) / len(aris) > 0.4


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b"participant,statement,vote,timestamp\na,1,1,5\nb,1,1,hier\n", 3),  # ValueError
        (b"participant,statement,vote,timestamp\na,1,1,5\nb,1,1,nan\n", 3),
        (b"participant,statement,vote\na,1,1\nb,1\n", 3),  # AttributeError on None
        (b"participant,statement,vote\na,1,1\nb\xff,1,1\n", 3),  # UnicodeDecodeError
        (b'participant,statement,vote\na,"1,1\nb,1,1\nc,2,-1\n', 2),  # swallowed lines
        (b"participant,statement,vote\na,1,1\n,1,1\n", 3),  # a vote by nobody
    ],
)
def test_damaged_vote_files_are_clear_errors_with_their_line(tmp_path, content, line):
    path = tmp_path / "v.csv"
    path.write_bytes(content)
    with pytest.raises(OpinionInputError, match=rf"v\.csv:{line}"):
        read_votes(path)


def test_damaged_polis_exports_are_clear_errors(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "votes.csv").write_bytes(
        b"timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\nquand,x,0,1,1\n"
    )
    with pytest.raises(OpinionInputError, match=r"votes\.csv:3"):
        read_votes(folder)
    (folder / "votes.csv").write_bytes(b"when,comment-id,voter-id,vote\n1,0,0,1\n")
    with pytest.raises(OpinionInputError, match=r"votes\.csv"):
        read_votes(folder)
    (folder / "participants-votes.csv").write_bytes(b"")
    (folder / "comments.csv").write_bytes(b"comment-body\nsans identifiant\n")
    with pytest.raises(OpinionInputError, match=r"comments\.csv"):
        read_votes(folder)
