"""Fault test, run by `make bench`: PostgreSQL restarts in the middle of a burst of
opinion-map votes; results in bench/results/opinion-votes-restart.json.

50 voters (BENCH_VOTERS) vote quickly (0.1–0.4 s apart) through HTTP on loopback, against a
Palabre server set up as docs/deploy.md says (gunicorn, PostgreSQL, Redis cache), as in
opinion_votes_load.py. Three seconds in, PostgreSQL is restarted (`pg_ctlcluster … restart`,
BENCH_PG_CLUSTER). A vote the server answers with its redirect is acknowledged; one that
fails (an error page or a dropped connection while the database is down) is sent again, as a
person clicks again, up to 20 times. Checked afterwards in the database: every acknowledged
vote is there with its value (none lost), one row per voter and statement (none doubled),
and every vote eventually acknowledged. Needs root (to restart the cluster), PostgreSQL and
Redis on loopback; skipped otherwise. Do not run it while other tests use that PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("BENCH_ROUNDS", "1")
os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/palabre_bench_restart"
)
import opinion_votes_load as load
from common import machine

RESULTS = Path(__file__).resolve().parent / "results"
RESTART_AFTER = float(os.environ.get("BENCH_RESTART_AFTER", "3"))
CLUSTER = os.environ.get("BENCH_PG_CLUSTER", "")


def cluster() -> list[str] | None:
    """`pg_ctlcluster VERSION main` for the local cluster, or None when it cannot be run."""
    if os.geteuid() != 0:
        return None
    if CLUSTER:
        return ["pg_ctlcluster", *CLUSTER.split()]
    versions = (
        sorted(Path("/etc/postgresql").glob("*/main")) if Path("/etc/postgresql").is_dir() else []
    )
    return (
        ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1].parent.name, "main"]
        if versions
        else None
    )


async def voter(path: str, statements: list[int], session: str, seed: int, log: dict) -> None:
    rng = random.Random(seed)
    csrf = secrets.token_hex(16)
    headers = (
        f"Host: 127.0.0.1:{load.PORT}\r\n"
        f"Cookie: sessionid={session}; csrftoken={csrf}\r\n"
        f"Referer: http://127.0.0.1:{load.PORT}{path}\r\n"
    )
    head = f"POST {path} HTTP/1.1\r\n{headers}Content-Type: application/x-www-form-urlencoded\r\n"
    reader = writer = None
    for statement in rng.sample(statements, k=min(load.VOTES_EACH, len(statements))):
        await asyncio.sleep(rng.uniform(0.1, 0.4))
        value = rng.choice([1, -1, 0])
        body = f"csrfmiddlewaretoken={csrf}&statement={statement}&value={value}"
        for _attempt in range(20):
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", load.PORT)
                status = await load.request(reader, writer, head, body)
            except (ConnectionError, asyncio.IncompleteReadError, OSError):
                status = 0
                writer = None
            if status == 302:
                log["acknowledged"][(session, statement)] = value
                break
            log["failed_attempts"] += 1
            if status:
                log["statuses"][status] = log["statuses"].get(status, 0) + 1
            await asyncio.sleep(0.5)
        else:
            log["given_up"].append((session, statement))
    if writer is not None:
        writer.close()


def main() -> int:
    restart = cluster()
    if restart is None:
        print("not root, or no local PostgreSQL cluster: restart test skipped")
        return 0
    os.environ.update(
        {
            "PALABRE_ENV": "development",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "PALABRE_ENV_FILE": "/nonexistent",
            "DATABASE_URL": load.DATABASE_URL,
            "DJANGO_SETTINGS_MODULE": "palabre.settings",
        }
    )
    if load.CACHE_URL and load.redis_reachable(load.CACHE_URL):
        os.environ["CACHE_URL"] = load.CACHE_URL
    if not load.prepare_database():
        return 0
    path, statements, sessions = load.setup()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [
            str(gunicorn),
            "palabre.wsgi:application",
            "--bind",
            f"127.0.0.1:{load.PORT}",
            "--worker-class",
            "gthread",
            "--workers",
            str(load.WORKERS),
            "--threads",
            str(load.THREADS),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    log: dict = {"acknowledged": {}, "failed_attempts": 0, "statuses": {}, "given_up": []}
    restarted: dict[str, float] = {}

    def restart_database() -> None:
        time.sleep(RESTART_AFTER)
        started = time.perf_counter()
        subprocess.run([*restart, "restart"], check=True, capture_output=True)  # noqa: S603
        restarted["seconds"] = round(time.perf_counter() - started, 2)

    try:
        load.wait_for_server()
        thread = threading.Thread(target=restart_database)
        started = time.perf_counter()
        thread.start()

        async def everyone() -> None:
            await asyncio.gather(
                *(voter(path, statements, s, i, log) for i, s in enumerate(sessions))
            )

        asyncio.run(everyone())
        wall = time.perf_counter() - started
        thread.join()
    finally:
        server.terminate()
        server.wait(timeout=10)
    from django.db import connection

    from palabre.accounts.models import User
    from palabre.opinions.models import Vote

    connection.close()  # the set-up's connection died with the restart
    users = {f"votant{i}@charge.invalid": s for i, s in enumerate(sessions)}
    session_of = {
        pk: users[email] for pk, email in User.objects.values_list("pk", "email") if email in users
    }
    stored = {
        (session_of[voter], statement): value
        for voter, statement, value in Vote.objects.values_list("voter_id", "statement_id", "value")
    }
    rows = Vote.objects.count()
    lost = [k for k, v in log["acknowledged"].items() if stored.get(k) != v]
    output = {
        "benchmark": "opinion-votes-restart",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "voters": len(sessions),
        "votes_acknowledged": len(log["acknowledged"]),
        "vote_rows": rows,
        "lost": len(lost),
        "doubled": rows - len(stored),
        "given_up": len(log["given_up"]),
        "failed_attempts_during_restart": log["failed_attempts"],
        "error_statuses": log["statuses"],
        "restart_seconds": restarted.get("seconds"),
        "wall_seconds": round(wall, 1),
        "target": "no acknowledged vote lost, none doubled, every vote acknowledged in the end",
        "holds": not lost
        and rows == len(stored) == len(log["acknowledged"])
        and not log["given_up"],
    }
    print(json.dumps(output, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "opinion-votes-restart.json").write_text(json.dumps(output, indent=2) + "\n")
    return 0 if output["holds"] else 1


if __name__ == "__main__":
    sys.exit(main())
