"""`palabre manage backup` / `restore`: a round trip on a fresh database of the backend under
test (SQLite by default, PostgreSQL when DATABASE_URL is set), run in subprocesses as an
operator would: the data and uploaded files changed after the backup come back as they were,
and a damaged archive is refused without touching anything."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

PYTHON = sys.executable

SETUP = """
import django; django.setup()
from django.core.management import call_command
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
call_command("migrate", verbosity=0)
from palabre.accounts.models import User
from palabre.organizations.services import organization_create
org = organization_create(name="Ville sauvegardée", kind="commune", population=900)
User.objects.create(email="gardee@exemple.fr", pseudonym="Gardée")
default_storage.save("logos/blason.png", ContentFile(b"contenu-du-blason"))
"""

CHANGE = """
import django; django.setup()
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from palabre.accounts.models import User
from palabre.organizations.models import Organization
Organization.objects.all().delete()
User.objects.filter(email="gardee@exemple.fr").delete()
User.objects.create(email="apres@exemple.fr", pseudonym="Après")
default_storage.delete("logos/blason.png")
default_storage.save("logos/nouveau.png", ContentFile(b"n"))
"""

CHECK = """
import django; django.setup()
from django.core.files.storage import default_storage
from palabre.accounts.models import User
from palabre.organizations.models import Organization
assert Organization.objects.filter(name="Ville sauvegardée").exists()
assert Organization.objects.get().legal_pages.count() == 3
assert set(User.objects.values_list("email", flat=True)) == {"gardee@exemple.fr"}
assert default_storage.open("logos/blason.png").read() == b"contenu-du-blason"
assert not default_storage.exists("logos/nouveau.png")
print("restored ok")
"""


def _database(tmp_path: Path):
    """Environment for a fresh database of the backend under test; cleanup callable."""
    env = {**os.environ, "PALABRE_ENV": "development", "PALABRE_DATA_DIR": str(tmp_path)}
    env["PALABRE_ENV_FILE"] = str(tmp_path / "no.env")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        env.pop("DATABASE_URL", None)
        return env, lambda: None
    import psycopg

    base, _, name = url.rpartition("/")
    fresh = f"{name.split('?')[0]}_backup"
    admin_url = f"{base}/postgres"

    def run(sql: str) -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
    run(f'CREATE DATABASE "{fresh}"')
    env["DATABASE_URL"] = f"{base}/{fresh}"
    return env, lambda: run(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "palabre.cli", "manage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_backup_and_restore_round_trip(tmp_path):
    env, cleanup = _database(tmp_path)
    env["DJANGO_SETTINGS_MODULE"] = "palabre.settings"
    try:
        done = _python(SETUP, env)
        assert done.returncode == 0, done.stderr
        backup = _manage(env, "backup", str(tmp_path / "sauvegardes"))
        assert backup.returncode == 0, backup.stderr
        archive = Path(backup.stdout.strip().splitlines()[-1])
        assert archive.is_file() and oct(archive.stat().st_mode)[-3:] == "600"
        with tarfile.open(archive) as tar:
            names = tar.getnames()
        assert "manifest.json" in names and "media/logos/blason.png" in names
        done = _python(CHANGE, env)
        assert done.returncode == 0, done.stderr
        refused = _manage(env, "restore", str(archive))
        assert refused.returncode != 0 and "--yes" in refused.stderr
        # a damaged archive is refused and nothing is replaced
        damaged = tmp_path / "abimee.tar"
        data = bytearray(archive.read_bytes())
        at = data.find(b"contenu-du-blason")  # the uploaded file's content
        data[at] = ord("B")
        damaged.write_bytes(bytes(data))
        refused = _manage(env, "restore", str(damaged), "--yes")
        assert refused.returncode != 0 and "damaged" in refused.stderr
        assert _python(CHECK, env).returncode != 0  # still the changed data
        restored = _manage(env, "restore", str(archive), "--yes")
        assert restored.returncode == 0, restored.stderr
        assert "Restored the backup" in restored.stdout
        check = _python(CHECK, env)
        assert check.returncode == 0, check.stderr
    finally:
        cleanup()
