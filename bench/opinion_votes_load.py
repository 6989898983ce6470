"""Load test of opinion-map votes, run by `make bench`; results in bench/results/.

50 voters (BENCH_VOTERS) vote at the same time on an opinion map of 30 statements through
HTTP on loopback: a Palabre server (gunicorn as in docs/deploy.md, DEBUG off) on PostgreSQL
(BENCH_DATABASE_URL, default the local one), each voter posting agree / disagree / pass on
the statements in random order with a human pause (2–5 s, BENCH_THINK) between votes. Measures
the time to record a vote (the POST, until the server answers its redirect). Target: p95
under 20 ms. Times are for this machine (CPU count noted); the server and the voters share
its cores.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine

RESULTS = Path(__file__).resolve().parent / "results"
VOTERS = int(os.environ.get("BENCH_VOTERS", "50"))
VOTES_EACH = int(os.environ.get("BENCH_VOTES_EACH", "20"))
STATEMENTS = 30
# seconds between two votes of one voter: reading a statement and deciding takes a person
# a few seconds (BENCH_THINK="2,5")
THINK = tuple(float(x) for x in os.environ.get("BENCH_THINK", "2,5").split(","))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/palabre_bench_votes"
)
PORT = 8765


def prepare_database() -> bool:
    import psycopg

    url = DATABASE_URL.rsplit("/", 1)
    try:
        with psycopg.connect(f"{url[0]}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{url[1]}"')
            connection.execute(f'CREATE DATABASE "{url[1]}"')
    except psycopg.OperationalError as error:
        print(f"PostgreSQL not reachable ({error}); load test skipped")
        return False
    return True


def setup() -> tuple[str, list[int], list[str]]:
    """Migrate, create an opinion map open to votes, 50 signed-in voters (sessions)."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.management import call_command
    from django.utils import timezone

    from palabre.accounts.models import User
    from palabre.opinions import services
    from palabre.organizations.models import Membership
    from palabre.organizations.roles import Role
    from palabre.organizations.services import organization_create
    from palabre.processes.models import Process
    from palabre.processes.services import process_create, process_set_status

    call_command("migrate", verbosity=0)
    org = organization_create(name="Ville de Charge", kind="commune", population=50_000)
    agent = User.objects.create(email="agent@charge.invalid", pseudonym="Agent")
    Membership.objects.create(organization=org, user=agent, role=Role.AGENT)
    process = process_create(
        organization=org,
        template=Process.Template.OPINION_MAP,
        title="Charge",
        question="D'accord ?",
        start_date=timezone.localdate() - dt.timedelta(days=16),  # statements open
    )
    process = process_set_status(process=process, status="published")
    statements = services.statements_seed(
        process=process,
        author=agent,
        texts=[f"Énoncé numéro {i} pour le test de charge." for i in range(STATEMENTS)],
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = []
    for i in range(VOTERS):
        user = User.objects.create(email=f"votant{i}@charge.invalid", pseudonym=f"V{i}")
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    path = f"/{org.slug}/demarches/{process.slug}/avis/"
    return path, [s.pk for s in statements], sessions


def wait_for_server() -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def voter(path: str, statements: list[int], session: str, seed: int, out: list[float]) -> None:
    rng = random.Random(seed)
    csrf = secrets.token_hex(16)  # 32 characters: Django accepts an unmasked secret
    headers = {
        "Cookie": f"sessionid={session}; csrftoken={csrf}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Referer": f"http://127.0.0.1:{PORT}{path}",
        "Host": f"127.0.0.1:{PORT}",
    }
    order = rng.sample(statements, k=min(VOTES_EACH, len(statements)))
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    connection.request("GET", path, headers=headers)  # the voter opens the page first
    connection.getresponse().read()
    for statement in order:
        time.sleep(rng.uniform(THINK[0], THINK[1]))
        body = f"csrfmiddlewaretoken={csrf}&statement={statement}&value={rng.choice([1, -1, 0])}"
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                # the server closed the idle connection (keep-alive): a browser reconnects
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
                if attempt == 2:
                    raise
        elapsed = time.perf_counter() - started
        if response.status != 302:
            raise RuntimeError(f"vote refused: HTTP {response.status}")
        out.append(elapsed)
    connection.close()


def main() -> int:
    os.environ.update(
        {
            "PALABRE_ENV": "development",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "PALABRE_ENV_FILE": "/nonexistent",
            "DATABASE_URL": DATABASE_URL,
            "DJANGO_SETTINGS_MODULE": "palabre.settings",
        }
    )
    if not prepare_database():
        return 0
    path, statements, sessions = setup()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [
            str(gunicorn),
            "palabre.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--worker-class",
            "gthread",
            "--workers",
            str(os.cpu_count() or 2),
            "--threads",
            "4",
            "--keep-alive",
            "10",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_server()
        latencies: list[float] = []
        threads = [
            threading.Thread(target=voter, args=(path, statements, s, i, latencies))
            for i, s in enumerate(sessions)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=10)
    from palabre.opinions.models import Vote

    recorded = Vote.objects.count()
    ms = sorted(x * 1000 for x in latencies)
    output = {
        "benchmark": "opinion-votes-load",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "database": "postgresql (loopback)",
        "server": "gunicorn gthread, one worker per CPU × 4 threads (docs/deploy.md), DEBUG off",
        "voters": VOTERS,
        "votes_posted": len(ms),
        "votes_recorded": recorded,
        "votes_per_second": round(len(ms) / wall, 1),
        "ms": {
            "p50": round(statistics.median(ms), 1),
            "p95": round(ms[int(0.95 * (len(ms) - 1))], 1),
            "max": round(ms[-1], 1),
        },
        "think_seconds": list(THINK),
        "target": "p95 under 20 ms with 50 concurrent voters",
    }
    print(json.dumps(output, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "opinion-votes-load.json").write_text(json.dumps(output, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
