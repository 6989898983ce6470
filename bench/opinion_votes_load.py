"""Load test of opinion-map votes, run by `make bench`; results in bench/results/.

50 voters (BENCH_VOTERS) vote at the same time on an opinion map of 30 statements through
HTTP on loopback: a Palabre server (gunicorn as in docs/deploy.md, DEBUG off) on PostgreSQL
(BENCH_DATABASE_URL, default the local one) with a Redis cache (BENCH_CACHE_URL), each voter
posting agree / disagree / pass on the statements in random order with a human pause (2–5 s,
BENCH_THINK) between votes. Measures the time to record a vote (the POST, until the server
answers its redirect) on the voters' side, and gunicorn's own time for it, in three rounds
of 50 new voters (BENCH_ROUNDS). Target: p95 under 20 ms (the median round's). Times are
for this machine (CPU count noted); the server, the database and the voters share its
cores.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine

RESULTS = Path(__file__).resolve().parent / "results"
VOTERS = int(os.environ.get("BENCH_VOTERS", "50"))
# rounds of VOTERS new voters each: this shared machine has slow minutes, and one round
# caught in one is reported beside the others rather than taken for the whole
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
VOTES_EACH = int(os.environ.get("BENCH_VOTES_EACH", "20"))
STATEMENTS = 30
# seconds between two votes of one voter: reading a statement and deciding takes a person
# a few seconds (BENCH_THINK="2,5")
THINK = tuple(float(x) for x in os.environ.get("BENCH_THINK", "2,5").split(","))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/palabre_bench_votes"
)
# the deployment guide's setup for large sites: PostgreSQL and a Redis cache (sessions are
# read from it); BENCH_CACHE_URL="" runs without one (sessions from the database)
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/9")
PORT = 8765
ACCESS_LOG = Path(tempfile.gettempdir()) / f"palabre-bench-votes-{os.getpid()}.log"
# gunicorn as docs/deploy.md advises; BENCH_WORKERS / BENCH_THREADS to compare others
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 2) + 1)))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))


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


def redis_reachable(url: str) -> bool:
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=1).ping()
    except redis.RedisError as error:
        print(f"Redis not reachable ({error}); sessions read from the database")
        return False
    return True


def setup() -> tuple[str, list[int], list[str]]:
    """Migrate, create an opinion map open to votes, signed-in voters (sessions) for every
    round."""
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
    for i in range(VOTERS * ROUNDS):
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


async def request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: str, body: str
) -> int:
    """One HTTP/1.1 request on a kept-alive connection; returns the status once the whole
    answer is read."""
    payload = body.encode()
    writer.write(f"{head}Content-Length: {len(payload)}\r\n\r\n".encode() + payload)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _sep, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
    await reader.readexactly(length)
    return int(status_line.split()[1])


async def voter(
    path: str, statements: list[int], session: str, seed: int, out: list[float]
) -> None:
    """A signed-in participant: opens the page, then votes on statements in random order,
    pausing like a person. One event loop runs every voter, so that the measuring side adds
    no thread scheduling of its own to the times."""
    rng = random.Random(seed)
    csrf = secrets.token_hex(16)  # 32 characters: Django accepts an unmasked secret
    headers = (
        f"Host: 127.0.0.1:{PORT}\r\n"
        f"Cookie: sessionid={session}; csrftoken={csrf}\r\n"
        f"Referer: http://127.0.0.1:{PORT}{path}\r\n"
    )
    order = rng.sample(statements, k=min(VOTES_EACH, len(statements)))
    reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
    await request(reader, writer, f"GET {path} HTTP/1.1\r\n{headers}", "")
    for statement in order:
        await asyncio.sleep(rng.uniform(THINK[0], THINK[1]))
        body = f"csrfmiddlewaretoken={csrf}&statement={statement}&value={rng.choice([1, -1, 0])}"
        head = (
            f"POST {path} HTTP/1.1\r\n{headers}Content-Type: application/x-www-form-urlencoded\r\n"
        )
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                status = await request(reader, writer, head, body)
                break
            except (ConnectionError, asyncio.IncompleteReadError):
                # the server closed the idle connection (keep-alive): a browser reconnects
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
                if attempt == 2:
                    raise
        elapsed = time.perf_counter() - started
        if status != 302:
            raise RuntimeError(f"vote refused: HTTP {status}")
        out.append(elapsed)
    writer.close()


def server_times() -> list[float]:
    """gunicorn's time (ms) for each vote so far, from its access log."""
    return [
        int(line.split()[2]) / 1000
        for line in ACCESS_LOG.read_text().splitlines()
        if line.startswith("POST")
    ]


def percentiles(values: list[float], *, with_max: bool = False) -> dict[str, float]:
    ordered = sorted(values)
    result = {
        "p50": round(statistics.median(ordered), 1),
        "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
    }
    if with_max:
        result["max"] = round(ordered[-1], 1)
    return result


async def all_voters(path: str, statements: list[int], sessions: list[str]) -> list[float]:
    latencies: list[float] = []
    await asyncio.gather(
        *(voter(path, statements, s, i, latencies) for i, s in enumerate(sessions))
    )
    return latencies


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
    if CACHE_URL and redis_reachable(CACHE_URL):
        os.environ["CACHE_URL"] = CACHE_URL
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
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--keep-alive",
            "10",
            # the server's own time per request, in microseconds
            "--access-logfile",
            str(ACCESS_LOG),
            "--access-logformat",
            "%(m)s %(s)s %(D)s",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_server()
        rounds = []
        for r in range(ROUNDS):
            started = time.perf_counter()
            latencies = asyncio.run(
                all_voters(path, statements, sessions[r * VOTERS : (r + 1) * VOTERS])
            )
            wall = time.perf_counter() - started
            rounds.append((latencies, wall, server_times()))
    finally:
        server.terminate()
        server.wait(timeout=10)
        ACCESS_LOG.unlink(missing_ok=True)
    from palabre.opinions.models import Vote

    recorded = Vote.objects.count()
    summaries = []
    seen = 0
    for latencies, wall, server_all in rounds:
        summaries.append(
            {
                "votes": len(latencies),
                "votes_per_second": round(len(latencies) / wall, 1),
                "ms": percentiles([x * 1000 for x in latencies], with_max=True),
                # gunicorn's time for the same requests, without the voters' side
                "server_ms": percentiles(server_all[seen:]),
            }
        )
        seen = len(server_all)
    p95s = sorted(r["ms"]["p95"] for r in summaries)
    output = {
        "benchmark": "opinion-votes-load",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "database": "postgresql (loopback)",
        "cache": "redis (loopback), sessions read from it"
        if os.environ.get("CACHE_URL")
        else "database (sessions from the database)",
        "server": f"gunicorn gthread, {WORKERS} workers × {THREADS} threads, DEBUG off",
        "voters": VOTERS,
        "rounds": summaries,
        "votes_recorded": recorded,
        "p95_ms_median_of_rounds": p95s[len(p95s) // 2],
        "think_seconds": list(THINK),
        "target": "p95 under 20 ms with 50 concurrent voters (median of the rounds)",
    }
    print(json.dumps(output, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "opinion-votes-load.json").write_text(json.dumps(output, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
