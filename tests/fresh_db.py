"""A fresh database of the backend under test, for tests that run Palabre in subprocesses as
an operator would (backup/restore, killed workers): SQLite in a temporary data directory, or
a new PostgreSQL database beside the one of DATABASE_URL."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

PYTHON = sys.executable
REPO = Path(__file__).resolve().parent.parent


def fresh_database(tmp_path: Path, suffix: str) -> tuple[dict[str, str], Callable[[], None]]:
    """The environment for a new, empty database, and the function that drops it."""
    env = {
        **os.environ,
        "PALABRE_ENV": "development",
        "PALABRE_DATA_DIR": str(tmp_path),
        "PALABRE_ENV_FILE": str(tmp_path / "no.env"),
        "DJANGO_SETTINGS_MODULE": "palabre.settings",
    }
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        env.pop("DATABASE_URL", None)
        return env, lambda: None
    import psycopg

    base, _, name = url.rpartition("/")
    fresh = f"{name.split('?')[0]}_{suffix}"

    def run(sql: str) -> None:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
    run(f'CREATE DATABASE "{fresh}"')
    env["DATABASE_URL"] = f"{base}/{fresh}"
    return env, lambda: run(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


def python(code: str, env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-c", code], env=env, capture_output=True, text=True, timeout=timeout, cwd=REPO
    )


def manage(env: dict[str, str], *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "palabre.cli", "manage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )
