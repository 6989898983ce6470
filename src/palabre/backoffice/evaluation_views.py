"""Back-office: a process's participation metrics (evaluation), as tables, a chart and CSV."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from palabre.evaluation.selectors import (
    THRESHOLD,
    RecordUnavailable,
    evaluation_record,
    metrics_csv,
    process_metrics,
)
from palabre.organizations.models import Organization
from palabre.organizations.roles import Action
from palabre.processes.selectors import process_get_for_user

from .views import _context, backoffice


@backoffice(Action.ANALYSE)
def process_evaluation(request: HttpRequest, organization: Organization, slug: str) -> HttpResponse:
    process = process_get_for_user(user=request.user, organization=organization, slug=slug)
    if request.GET.get("format") == "record":
        try:
            record = evaluation_record(process=process)
        except RecordUnavailable as error:
            messages.error(request, str(error))
            return redirect(request.path)
        response = HttpResponse(
            json.dumps(record, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{slug}-evaluation.json"'
        return response
    metrics = process_metrics(process=process)
    if request.GET.get("format") == "csv":
        response = HttpResponse(metrics_csv(metrics), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slug}-indicateurs.csv"'
        return response
    peak = max((value for _day, value in metrics["daily"]), default=0) or 1
    bars = []
    for i, (day, value) in enumerate(metrics["daily"]):
        height = 80 * value / peak
        # SVG numbers written with a dot, whatever the page's language
        bars.append(
            {
                "day": day,
                "value": value,
                "x": i * 10,
                "y": f"{90 - height:.1f}",
                "height": f"{height:.1f}",
            }
        )
    return render(
        request,
        "backoffice/process_evaluation.html",
        _context(
            request,
            organization,
            process=process,
            metrics=metrics,
            bars=bars,
            threshold=THRESHOLD,
            breakdowns=[
                ("by_kind", metrics["by_kind"]),
                ("by_channel", metrics["by_channel"]),
                ("by_phase", metrics["by_phase"]),
                ("by_neighbourhood", metrics["by_neighbourhood"]),
                ("by_participant_type", metrics["by_participant_type"]),
            ],
        ),
    )
