"""The `palabre` console command installed in .venv/bin."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import palabre
from palabre.cli import main

PALABRE = shutil.which("palabre") or str(Path(sys.executable).with_name("palabre"))


def test_version(capsys):
    assert main(["version"]) == 0
    assert capsys.readouterr().out.strip() == palabre.__version__


def test_console_script_is_installed_and_runs_django_commands(tmp_path):
    env = {**os.environ, "PALABRE_DATA_DIR": str(tmp_path), "PALABRE_ENV": "development"}
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [PALABRE, "manage", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert "no issues" in out.stdout


@pytest.mark.slow
def test_demo_no_serve_prepares_a_fresh_sqlite_database(tmp_path):
    env = {
        **os.environ,
        "PALABRE_DATA_DIR": str(tmp_path),
        "PALABRE_ENV": "development",
        "PALABRE_SHARED_DATA": str(tmp_path / "no-shared"),
    }
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [PALABRE, "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert "http://127.0.0.1:8000/" in out.stdout and "admin@ville-de-demo.fr" in out.stdout
    assert (tmp_path / "palabre.sqlite3").is_file()
