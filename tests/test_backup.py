"""`palabre manage backup` / `restore`: a round trip on a fresh database of the backend under
test (SQLite by default, PostgreSQL when DATABASE_URL is set), run in subprocesses as an
operator would: the data and uploaded files changed after the backup come back as they were,
and a damaged archive is refused without touching anything."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

from .fresh_db import fresh_database, manage, python

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


@pytest.mark.slow
def test_backup_and_restore_round_trip(tmp_path):
    env, cleanup = fresh_database(tmp_path, "backup")
    try:
        done = python(SETUP, env)
        assert done.returncode == 0, done.stderr
        backup = manage(env, "backup", str(tmp_path / "sauvegardes"))
        assert backup.returncode == 0, backup.stderr
        archive = Path(backup.stdout.strip().splitlines()[-1])
        assert archive.is_file() and oct(archive.stat().st_mode)[-3:] == "600"
        with tarfile.open(archive) as tar:
            names = tar.getnames()
        assert "manifest.json" in names and "media/logos/blason.png" in names
        done = python(CHANGE, env)
        assert done.returncode == 0, done.stderr
        refused = manage(env, "restore", str(archive))
        assert refused.returncode != 0 and "--yes" in refused.stderr
        # a damaged archive is refused and nothing is replaced
        damaged = tmp_path / "abimee.tar"
        data = bytearray(archive.read_bytes())
        at = data.find(b"contenu-du-blason")  # the uploaded file's content
        data[at] = ord("B")
        damaged.write_bytes(bytes(data))
        refused = manage(env, "restore", str(damaged), "--yes")
        assert refused.returncode != 0 and "damaged" in refused.stderr
        assert python(CHECK, env).returncode != 0  # still the changed data
        restored = manage(env, "restore", str(archive), "--yes")
        assert restored.returncode == 0, restored.stderr
        assert "Restored the backup" in restored.stdout
        check = python(CHECK, env)
        assert check.returncode == 0, check.stderr
    finally:
        cleanup()
