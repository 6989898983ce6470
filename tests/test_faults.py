"""Faults: a task worker killed (SIGKILL) in the middle of a count leaves nothing
half-written, and the count made again afterwards is right. PostgreSQL only: the test holds
a row lock so that the worker is stopped at a known point, after it has written the first
envelope's tallies and before the second's."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
from django.db import connection

from .fresh_db import PYTHON, REPO, fresh_database, python

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="stops the worker on a PostgreSQL row lock"
    ),
]

SETUP = """
import django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.factories import UserFactory, make_member, make_organization
from tests.budgets.conftest import build_pb
from palabre.budgets import services
from palabre.organizations.roles import Role
org = make_organization("Ville en panne", slug="ville-en-panne")
pb = build_pb(org, make_member(org, Role.AGENT))
for n in range(3):
    services.ballot_cast(envelope=pb["town"], voter=UserFactory(),
                         selections={pb["projects"]["Bancs"].pk: 1})
services.ballot_cast(envelope=pb["local"], voter=UserFactory(),
                     selections={pb["projects"]["Fontaine"].pk: 1})
services.tallies_compute(budget_id=pb["budget"].pk)   # the first count: 3 and 1 ballots
for envelope, title in ((pb["town"], "Bancs"), (pb["local"], "Fontaine")):  # then one more each
    services.ballot_cast(envelope=envelope, voter=UserFactory(),
                         selections={pb["projects"][title].pk: 1})
services.count_request(budget=pb["budget"])           # queued for the worker
print(pb["budget"].pk, pb["town"].pk, pb["local"].pk)
"""

STATE = """
import django, json; django.setup()
from palabre.budgets.models import Budget, Tally
budget = Budget.objects.get(pk={budget})
print(json.dumps({{"counted": budget.counted_at is not None,
  "tallies": sorted([t.envelope_id, t.rule, t.ballots] for t in Tally.objects.all())}}))
"""


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [PYTHON, "-m", "palabre.cli", "manage", "db_worker", "--no-reload", "--interval", "0.2"],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def test_a_worker_killed_during_a_count_leaves_nothing_half_written(tmp_path):
    import json

    import psycopg

    env, cleanup = fresh_database(tmp_path, "faults")
    worker = None
    try:
        done = python(SETUP, env)
        assert done.returncode == 0, done.stderr
        budget, town, local = (int(x) for x in done.stdout.split()[-3:])
        state = lambda: json.loads(python(STATE.format(budget=budget), env).stdout)  # noqa: E731
        before = state()
        assert not before["counted"]  # ballots came after the first count
        # hold the second envelope's tallies: the worker stops there, mid-count
        second = max(town, local)
        with psycopg.connect(env["DATABASE_URL"]) as hold:
            hold.execute("SELECT 1 FROM budgets_tally WHERE envelope_id = %s FOR UPDATE", [second])
            worker = _worker(env)
            deadline = time.monotonic() + 60
            with psycopg.connect(env["DATABASE_URL"], autocommit=True) as watch:
                while time.monotonic() < deadline:
                    waiting = watch.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND datname = current_database()"
                    ).fetchone()[0]
                    if waiting:
                        break
                    time.sleep(0.1)
                else:
                    pytest.fail("the worker never reached the second envelope")
            os.killpg(worker.pid, signal.SIGKILL)  # kill -9, mid-transaction
            worker.wait(10)
            hold.rollback()
        after_kill = state()
        assert after_kill == before  # the first envelope's new tallies were rolled back
        # the agent counts again: the count is complete and right
        again = python(
            "import django; django.setup()\n"
            "from palabre.budgets import services\n"
            f"print(services.tallies_compute(budget_id={budget}))",
            env,
        )
        assert again.returncode == 0, again.stderr
        assert again.stdout.split()[-1] == "6"
        final = state()
        assert final["counted"]
        assert {(e, b) for e, _rule, b in final["tallies"]} == {(town, 4), (local, 2)}
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        cleanup()


ANALYSIS_SETUP = """
import django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.factories import UserFactory, make_contribution, make_member, make_organization, make_process
from tests.synthesis.conftest import THEMES
from palabre.organizations.roles import Role
from palabre.synthesis import services
org = make_organization("Ville en panne", slug="ville-en-panne")
process = make_process(org, title="Idées pour la ville")
analyst = make_member(org, Role.ANALYST)
for theme, texts in THEMES.items():
    author = UserFactory()
    for n in range(1200):
        make_contribution(process, body=f"{texts[n % len(texts)]} ({n})", title=texts[n % 6][:40],
                          author=author)
first = services.run_start(process=process, user=analyst)
services.run_execute(run_id=first.pk)               # the first analysis, done
second = services.run_start(process=process, user=analyst)   # queued for the worker
print(process.pk, analyst.pk, second.pk)
"""

WORKSPACE = """
import django, json; django.setup()
from palabre.synthesis.models import AnalysisRun, Assignment, Topic
print(json.dumps({{
  "assignments": sorted(Assignment.objects.values_list("contribution_id", "topic_id")),
  "topics": sorted(Topic.objects.values_list("pk", "label", "engine_key")),
  "runs": sorted(AnalysisRun.objects.values_list("pk", "status")),
  "steps": AnalysisRun.objects.get(pk={run}).progress}}))
"""


def test_a_worker_killed_during_an_analysis_run_is_taken_as_lost_and_the_run_made_again(
    tmp_path,
):
    """The worker dies while the engine runs: the workspace is untouched, the run is never run
    twice (a new worker does not take it again), and once silent for RUN_LOST_AFTER it is
    marked failed when an analyst starts the analysis again, which then completes."""
    import json

    import psycopg

    env, cleanup = fresh_database(tmp_path, "faults_run")
    worker = None
    try:
        done = python(ANALYSIS_SETUP, env)
        assert done.returncode == 0, done.stderr
        process, analyst, run = (int(x) for x in done.stdout.split()[-3:])
        state = lambda: json.loads(python(WORKSPACE.format(run=run), env).stdout)  # noqa: E731
        before = state()
        worker = _worker(env)
        deadline = time.monotonic() + 120
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as watch:
            while time.monotonic() < deadline:  # kill it once the engine is at work
                (status,) = watch.execute(
                    "SELECT status FROM synthesis_analysisrun WHERE id = %s", [run]
                ).fetchone()
                if status != "queued":
                    break
                time.sleep(0.02)
            else:
                pytest.fail("the worker never started the run")
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        after = state()
        if dict(after["runs"])[run] == "done":
            pytest.skip("the run finished before the worker could be killed (machine too fast)")
        assert after["assignments"] == before["assignments"]
        assert after["topics"] == before["topics"]
        assert dict(after["runs"])[run] == "running"
        # a new worker does not run the killed run again
        worker = _worker(env)
        time.sleep(4)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        assert state()["steps"] == after["steps"]
        # half an hour later, an analyst starts the analysis again
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            conn.execute(
                "UPDATE synthesis_analysisrun SET heartbeat_at = now() - interval '31 minutes'"
                " WHERE id = %s",
                [run],
            )
        again = python(
            "import django; django.setup()\n"
            "from palabre.accounts.models import User\n"
            "from palabre.processes.models import Process\n"
            "from palabre.synthesis import services\n"
            f"new = services.run_start(process=Process.objects.get(pk={process}),"
            f" user=User.objects.get(pk={analyst}))\n"
            "print(new.pk, services.run_execute(run_id=new.pk))",
            env,
        )
        assert again.returncode == 0, again.stderr
        new_run, status = again.stdout.split()[-2:]
        assert status == "done"
        final = dict(state()["runs"])
        assert final[run] == "failed" and final[int(new_run)] == "done"
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        cleanup()
