"""One restitution everywhere: for every public contribution of the demo, "Mes contributions",
the open data (topic_assignments.csv) and the API give the same topic and the same answer."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from palabre.accounts.models import User
from palabre.contributions.models import Contribution, published_q
from palabre.demo.loader import load_demo
from palabre.opendata.package import build
from palabre.processes.models import Process
from palabre.synthesis.models import Answer, Assignment

pytestmark = pytest.mark.django_db

ARTICLE = re.compile(r'id="outcome-(\d+)".*?data-topic="(\d*)".*?data-answer="(\d*)"', re.DOTALL)


def _number(text: str) -> int | None:
    return int(text) if text else None


def test_mes_contributions_open_data_and_api_agree_for_every_demo_contribution(tmp_path, client):
    load_demo(tmp_path / "absent")
    processes = Process.objects.filter(
        pk__in=Assignment.objects.values("process")
    ) | Process.objects.filter(pk__in=Answer.objects.values("process"))
    checked = answered = 0
    for process in processes.distinct().select_related("organization"):
        files, _ = build(process)
        open_data = {
            int(row["contribution_id"]): (_number(row["topic_id"]), _number(row["answer_id"]))
            for row in csv.DictReader(io.StringIO(files["topic_assignments.csv"].decode()))
        }
        prefix = f"/api/organizations/{process.organization.slug}/processes/{process.slug}"
        api: dict[int, tuple[int | None, int | None]] = {}
        offset = 0
        while True:
            page = client.get(f"{prefix}/outcomes?offset={offset}&limit=1000")
            assert page.status_code == 200, process.slug
            if not page.json():
                break
            api.update({o["contribution_id"]: (o["topic_id"], o["answer_id"]) for o in page.json()})
            offset += 1000
        readable = Contribution.objects.filter(published_q(), process=process)
        assert set(api) == set(readable.values_list("pk", flat=True))
        # the open data lists what was analysed or answered; the others have neither there
        for pk, outcome in api.items():
            assert open_data.get(pk, (None, None)) == outcome, (process.slug, pk)
        sample = readable.order_by("pk")[:3]
        for contribution in sample:
            one = client.get(f"{prefix}/contributions/{contribution.pk}/outcome").json()
            assert (one["topic_id"], one["answer_id"]) == api[contribution.pk]
        # Mes contributions, as each author sees it
        for author in User.objects.filter(pk__in=readable.values("author")):
            client.force_login(author)
            page = client.get(reverse("accounts:contributions")).content.decode()
            mine = {int(pk): (_number(t), _number(a)) for pk, t, a in ARTICLE.findall(page)}
            for pk in readable.filter(author=author).values_list("pk", flat=True):
                assert mine[pk] == api[pk], (process.slug, pk)
                checked += 1
                answered += api[pk][1] is not None
            client.logout()
    assert checked > 50 and answered > 0
