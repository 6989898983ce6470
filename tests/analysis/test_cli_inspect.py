"""`palabre inspect` as an agent runs it."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

PALABRE = shutil.which("palabre") or str(Path(sys.executable).with_name("palabre"))


def run(*args, lang="fr"):
    env = {**os.environ, "PALABRE_LANG": lang}
    return subprocess.run([PALABRE, *args], capture_output=True, text=True, env=env, timeout=120)


def test_no_arguments_shows_help():
    out = run()
    assert out.returncode == 0 and "inspect" in out.stdout and "usage" in out.stdout.lower()


def test_inspect_reports_format_set_aside_and_campaigns(tmp_path):
    template = "Nous voulons garder le marché couvert du centre et rénover sa toiture avant l'hiver"
    rows = (
        ["id,réponse"]
        + [f'{i},"{template}"' for i in range(5)]
        + ["10,RAS", "11,non", "12,Carte grise"]
    )
    path = tmp_path / "r.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = run("inspect", str(path))
    assert out.returncode == 0, out.stderr
    assert "8 contributions lues" in out.stdout
    assert "2 réponses sans contenu mises de côté" in out.stdout
    assert "1 campagne de copier-coller (5 contributions)" in out.stdout
    report = json.loads(run("inspect", str(path), "--json").stdout)
    assert report["n_input"] == 8 and report["n_set_aside"] == 2
    assert report["duplicate_groups"][0]["size"] == 5 and report["duplicate_groups"][0]["campaign"]


def test_bad_column_exits_2_and_lists_columns(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    out = run("inspect", str(path), "--text-column", "texte")
    assert out.returncode == 2
    assert "Colonnes trouvées : a, b" in out.stderr
    out = run("inspect", str(path), lang="en")
    assert out.returncode == 2 and "Columns found: a, b" in out.stderr


def test_personal_data_never_printed(tmp_path):
    path = tmp_path / "p.csv"
    text = (
        "Contactez-moi à jeanne.martin@exemple.fr pour le projet de jardin partagé du quartier nord"
    )
    path.write_text("id,texte\n" + "".join(f'{i},"{text}"\n' for i in range(3)), encoding="utf-8")
    out = run("inspect", str(path), "--json")
    assert "jeanne.martin" not in out.stdout
