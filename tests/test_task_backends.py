"""The three task backends selectable by TASKS_BACKEND, each with a real worker."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PALABRE = shutil.which("palabre") or str(Path(sys.executable).with_name("palabre"))


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PALABRE_ENV": "development",
        "PALABRE_DATA_DIR": str(tmp_path),
        "PALABRE_ENV_FILE": "/nonexistent",
        **extra,
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _manage(env: dict[str, str], *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PALABRE, "manage", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


@contextlib.contextmanager
def _worker(env: dict[str, str], *args: str) -> Iterator[None]:
    """A real worker process for the duration of the block."""
    process = subprocess.Popen(
        [PALABRE, "manage", *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=20)


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.slow
def test_database_backend_with_a_real_worker_process(tmp_path):
    env = _env(tmp_path, TASKS_BACKEND="database")
    assert _manage(env, "migrate", "--verbosity=0").returncode == 0
    with _worker(env, "db_worker", "--interval", "0.2"):
        out = _manage(env, "tasks_check", "--wait", "60")
    assert out.returncode == 0, out.stderr
    assert "ran on a worker: OK" in out.stdout


def test_without_a_worker_tasks_check_fails_clearly(tmp_path):
    env = _env(tmp_path, TASKS_BACKEND="database")
    assert _manage(env, "migrate", "--verbosity=0").returncode == 0
    out = _manage(env, "tasks_check", "--wait", "1")
    assert out.returncode != 0 and "is a worker running" in out.stderr


@pytest.mark.slow
@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_redis_backend_with_an_rq_worker(tmp_path):
    env = _env(tmp_path, TASKS_BACKEND="redis", REDIS_URL="redis://127.0.0.1:6379/15")
    with _worker(env, "rqworker", "default", "--job-class", "django_tasks_rq.Job"):
        out = _manage(env, "tasks_check", "--wait", "60")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Backend redis" in out.stdout
