"""Back-office: a process's participation metrics (evaluation), as tables, a chart and CSV."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from palabre.core.http import attachment
from palabre.core.spreadsheet import csv_writer
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
    if request.GET.get("format") == "barometer":
        from palabre.evaluation.selectors import barometer_answers

        return attachment(
            json.dumps(barometer_answers(process=process), ensure_ascii=False, indent=2),
            f"{slug}-reponses.json",
        )
    if request.GET.get("format") == "record":
        try:
            record = evaluation_record(process=process)
        except RecordUnavailable as error:
            messages.error(request, str(error))
            return redirect(request.path)
        return attachment(
            json.dumps(record, ensure_ascii=False, indent=2), f"{slug}-evaluation.json"
        )
    metrics = process_metrics(process=process)
    if request.GET.get("format") == "csv":
        return attachment(metrics_csv(metrics), f"{slug}-indicateurs.csv")
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
    from palabre.evaluation.selectors import (
        representativeness,
        reweighted_answers,
        reweighted_topics,
    )
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
            topics=(
                reweighted_topics(process=process, representativeness=result) if result else None
            ),
        ),
    )


@backoffice(Action.MANAGE_PROCESSES)
def process_sheet(request: HttpRequest, organization: Organization, slug: str) -> HttpResponse:
    """The evaluation sheet: objectives and targets, costs, staff time, partners, outcomes."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from palabre.core.forms import apply_validation_error
    from palabre.evaluation.forms import EvaluationSheetForm
    from palabre.evaluation.selectors import sheet_of
    from palabre.evaluation.services import sheet_save
    from palabre.processes.selectors import ProcessAction

    process = process_get_for_user(
        user=request.user, organization=organization, slug=slug, action=ProcessAction.CHANGE
    )
    sheet = sheet_of(process=process)
    form = EvaluationSheetForm(request.POST or None, sheet=sheet)
    if request.method == "POST" and form.is_valid():
        try:
            sheet_save(process=process, **form.sheet_data())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The evaluation sheet is saved."))
            return redirect("backoffice:process_report", org=organization.slug, slug=slug)
    rows = [
        (form[f"obj_{key}"], form[f"target_{key}"], form[f"met_{key}"])
        for key in form.objective_rows
    ]
    return render(
        request,
        "backoffice/process_sheet.html",
        _context(
            request,
            organization,
            process=process,
            form=form,
            objective_rows=rows,
            other_fields=[
                form[name]
                for name in form.fields
                if not name.startswith(("obj_", "target_", "met_"))
            ],
        ),
    )


@backoffice(Action.ANALYSE)
def process_report(request: HttpRequest, organization: Organization, slug: str) -> HttpResponse:
    """The evaluation report: targets against results, figures, representativeness,
    feedback, costs and staff time, outcomes — printable."""
    from palabre.evaluation.models import OBJECTIVES, PARTNERS
    from palabre.evaluation.selectors import representativeness, sheet_of

    process = process_get_for_user(user=request.user, organization=organization, slug=slug)
    sheet = sheet_of(process=process)
    metrics = process_metrics(process=process)
    costs = sheet.costs() if sheet else {}
    total = sum(v for v in costs.values() if v) if costs else None
    labels = dict(OBJECTIVES)
    result = representativeness(process=process)
    return render(
        request,
        "backoffice/process_report.html",
        _context(
            request,
            organization,
            process=process,
            sheet=sheet,
            metrics=metrics,
            feedback=feedback_results(process=process),
            index=result["report"]["index"] if result else None,
            objectives=[
                {**o, "label": labels.get(o["objective"], o["objective"])}
                for o in (sheet.objectives if sheet else [])
            ],
            partners=[dict(PARTNERS).get(p, p) for p in (sheet.partners if sheet else [])],
            total_cost=total,
            cost_per_participant=(
                round(total / metrics["participants"], 2)
                if total and metrics["participants"]
                else None
            ),
        ),
    )


@backoffice(Action.ANALYSE)
def organization_evaluation(request: HttpRequest, organization: Organization) -> HttpResponse:
    """The organisation's figures, process by process, and its totals (also as CSV)."""
    import io

    from palabre.evaluation.selectors import organization_metrics

    if request.method == "POST":
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        from palabre.evaluation.services import barometer_wave_create
        from palabre.organizations.permissions import organization_user_can

        if not organization_user_can(request.user, organization, Action.MANAGE_PROCESSES):
            raise PermissionDenied(_("Only agents create processes."))
        try:
            wave = barometer_wave_create(
                organization=organization,
                year=int(request.POST.get("year", 0)),
                author=request.user,
            )
        except (ValueError, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("The barometer questionnaire is created, as a draft."))
            return redirect("backoffice:process_edit", org=organization.slug, slug=wave.slug)
    metrics = organization_metrics(organization=organization, user=request.user)
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        writer = csv_writer(out)
        writer.writerow(
            [
                "process",
                "status",
                "visitors",
                "participants",
                "contributors",
                "contributions",
                "felt_heard",
            ]
        )
        for row in metrics["rows"]:
            writer.writerow(
                [
                    row["process"].title,
                    row["process"].status,
                    row["visitors"],
                    row["participants"],
                    row["contributors"],
                    row["contributions"],
                    "" if row["felt_heard"] is None else row["felt_heard"],
                ]
            )
        return attachment(out.getvalue(), f"{organization.slug}-indicateurs.csv")
    return render(
        request,
        "backoffice/organization_evaluation.html",
        _context(request, organization, metrics=metrics, year=timezone.localdate().year),
    )
