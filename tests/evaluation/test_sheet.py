from __future__ import annotations

from django.urls import reverse

from palabre.evaluation.models import EvaluationSheet
from palabre.evaluation.selectors import evaluation_record

from ..conftest import login
from ..factories import make_contribution


def urls(process):
    kwargs = {"org": process.organization.slug, "slug": process.slug}
    return (
        reverse("backoffice:process_sheet", kwargs=kwargs),
        reverse("backoffice:process_report", kwargs=kwargs),
    )


def test_the_sheet_feeds_the_report_and_the_record(client, published_a, agent_a, citizen):
    make_contribution(published_a, author=citizen)
    sheet_url, report_url = urls(published_a)
    login(client, agent_a)
    response = client.post(
        sheet_url,
        {
            "obj_collect_opinions": "on",
            "target_collect_opinions": "500 contributions",
            "met_collect_opinions": "no",
            "obj_inform": "on",
            "met_inform": "yes",
            "cost_tool": "3000",
            "cost_communication": "1000",
            "staff_fte": "0.5",
            "partners": ["associations"],
            "decisions": "3",
        },
    )
    assert response.status_code == 302 and response["Location"] == report_url
    sheet = EvaluationSheet.objects.get()
    assert [o["objective"] for o in sheet.objectives] == ["inform", "collect_opinions"]
    page = client.get(report_url).content.decode()
    assert "500 contributions" in page and "Recueillir des avis" in page
    assert "4\u202f000" in page  # total cost
    record = evaluation_record(process=published_a)
    assert record["costs"]["tool"] == 3000 and record["staff_fte"] == 0.5
    assert {"objective": "collect_opinions", "met": False} in record["objectives"]
    assert record["outcomes"]["decisions"] == 3


def test_none_cannot_go_with_a_partner(client, published_a, agent_a):
    sheet_url, _report = urls(published_a)
    login(client, agent_a)
    page = client.post(sheet_url, {"partners": ["none", "associations"]}).content.decode()
    assert "Aucun" in page and not EvaluationSheet.objects.exists()
