"""Back-office: a process's participation metrics (evaluation), as tables, a chart and CSV."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from palabre.evaluation.selectors import (
    THRESHOLD,
    RecordUnavailable,
    evaluation_record,
    feedback_results,
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
            feedback=feedback_results(process=process),
            breakdowns=[
                ("by_kind", metrics["by_kind"]),
                ("by_channel", metrics["by_channel"]),
                ("by_phase", metrics["by_phase"]),
                ("by_neighbourhood", metrics["by_neighbourhood"]),
                ("by_participant_type", metrics["by_participant_type"]),
            ],
        ),
    )


def _typed_shares(text: str) -> dict[str, dict[str, float]]:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    margins: dict[str, dict[str, float]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        try:
            dimension, category, share = parts
            margins.setdefault(dimension, {})[category] = float(share.replace(",", "."))
        except ValueError:
            raise ValidationError(
                _("Line %(line)d: write dimension;category;share.") % {"line": number}
            ) from None
    return margins


@backoffice(Action.ANALYSE)
def process_representativeness(
    request: HttpRequest, organization: Organization, slug: str
) -> HttpResponse:
    import tempfile

    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from palabre.core.forms import apply_validation_error
    from palabre.evaluation.forms import ReferenceForm
    from palabre.evaluation.selectors import representativeness, reweighted_answers
    from palabre.evaluation.services import reference_save
    from palabre.organizations.permissions import organization_user_can
    from palabre_analysis.representativeness import PopulationError, read_insee

    process = process_get_for_user(user=request.user, organization=organization, slug=slug)
    form = ReferenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not organization_user_can(request.user, organization, Action.MANAGE_PROCESSES):
            raise PermissionDenied(_("Only agents set the reference population."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["census"]:
                    with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
                        for chunk in data["census"].chunks():
                            handle.write(chunk)
                        handle.flush()
                        margins = read_insee(handle.name, code=data["code"] or None)
                    source = f"INSEE {data['census'].name} {data['code']}".strip()
                else:
                    margins = _typed_shares(data["shares"])
                    source = _("typed in")
                if not margins:
                    raise ValidationError(_("Give a census table or type the shares."))
                reference_save(organization=organization, margins=margins, source=source)
            except PopulationError as error:
                apply_validation_error(form, ValidationError(str(error)))
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The reference population is saved."))
                return redirect(request.path)
    result = representativeness(process=process)
    return render(
        request,
        "backoffice/process_representativeness.html",
        _context(
            request,
            organization,
            process=process,
            form=form,
            result=result,
            reweighted=(
                reweighted_answers(process=process, representativeness=result) if result else []
            ),
        ),
    )
