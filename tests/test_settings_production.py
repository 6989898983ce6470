"""Production refuses to start without its secrets, with a clear message."""

import os
import subprocess
import sys

import pytest

CODE = "import django; django.setup()"


def _run(env_extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL", "DEFAULT_FROM_EMAIL", "DEBUG"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "palabre.settings",
            "PALABRE_ENV_FILE": "/nonexistent",
            **env_extra,
        }
    )
    return subprocess.run(
        [sys.executable, "-c", CODE], env=env, capture_output=True, text=True, timeout=60
    )


def test_production_without_secrets_stops_with_a_clear_message():
    out = _run({"PALABRE_ENV": "production"})
    assert out.returncode != 0
    assert "Configuration de production incomplète" in out.stderr
    assert "SECRET_KEY" in out.stderr and "ALLOWED_HOSTS" in out.stderr


def test_production_with_secrets_starts():
    out = _run(
        {
            "PALABRE_ENV": "production",
            "SECRET_KEY": "k7Qz-" * 10,
            "ALLOWED_HOSTS": "participer.example.fr",
            "EMAIL_URL": "smtp://mail.example.fr:587",
            "DEFAULT_FROM_EMAIL": "participer@example.fr",
        }
    )
    assert out.returncode == 0, out.stderr


SAFE = {
    "PALABRE_ENV": "production",
    "SECRET_KEY": "k7Qz-" * 10,
    "ALLOWED_HOSTS": "participer.example.fr",
    "EMAIL_URL": "smtp://mail.example.fr:587",
    "DEFAULT_FROM_EMAIL": "participer@example.fr",
}


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"DEBUG": "true"}, "DEBUG"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": "x"}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 60}, "SECRET_KEY"),
        ({"EMAIL_URL": "consolemail://"}, "EMAIL_URL"),
    ],
)
def test_production_refuses_unsafe_settings(change, said):
    """Finding 11: production mode started with debug on, any host, a one-letter secret or
    e-mails printed to the console."""
    out = _run({**SAFE, **change})
    assert out.returncode != 0
    assert "Configuration de production dangereuse" in out.stderr and said in out.stderr


def test_unknown_task_backend_is_refused():
    out = _run({"PALABRE_ENV": "development", "TASKS_BACKEND": "celery"})
    assert out.returncode != 0 and "TASKS_BACKEND" in out.stderr


def test_outside_production_a_random_secret_key_is_kept_in_the_data_dir(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    env_extra = {"PALABRE_ENV": "development", "PALABRE_DATA_DIR": str(tmp_path)}
    keys = [
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "palabre.settings", **env_extra},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.strip()
        for _ in range(2)
    ]
    assert keys[0] == keys[1] and len(keys[0]) >= 50
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == keys[0]
    assert key_file.stat().st_mode & 0o077 == 0


def test_sessions_are_read_from_a_shared_cache_only():
    code = "import django; django.setup(); from django.conf import settings; print(settings.SESSION_ENGINE)"
    engines = {}
    for cache in ("redis://127.0.0.1:6379/1", "dbcache://palabre_cache", "locmemcache://"):
        env = {"PALABRE_ENV": "development", "CACHE_URL": cache}
        out = subprocess.run(
            [sys.executable, "-c", code],
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "palabre.settings",
                "PALABRE_ENV_FILE": "/nonexistent",
                **env,
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        engines[cache.split(":")[0]] = out.stdout.strip().rsplit(".", 1)[1]
    # a per-process cache would keep a session alive in one process after it ended in another
    assert engines == {"redis": "cached_db", "dbcache": "db", "locmemcache": "db"}
