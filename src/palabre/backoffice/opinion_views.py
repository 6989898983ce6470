"""Back-office of opinion maps: settings, statements (seeded, proposed, hidden), votes per
statement, and recomputing the map on demand."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from palabre.contributions.rules import IDEA_TEMPLATES
from palabre.core.forms import apply_validation_error
from palabre.opinions import selectors, services
from palabre.opinions.forms import (
    OpinionMapForm,
    SeedForm,
    SeedFromIdeasForm,
    SeedFromSynthesisForm,
)
from palabre.organizations.models import Organization
from palabre.organizations.roles import Action
from palabre.processes.models import Process
from palabre.processes.selectors import (
    ProcessAction,
    process_get_for_user,
    processes_with_template,
)
from palabre.synthesis.selectors import processes_with_synthesis

from .views import _context, backoffice


@backoffice(Action.MANAGE_PROCESSES)
def opinion_map_edit(request: HttpRequest, organization: Organization, slug: str) -> HttpResponse:
    process = process_get_for_user(
        user=request.user, organization=organization, slug=slug, action=ProcessAction.CHANGE
    )
    if process.template != Process.Template.OPINION_MAP:
        raise Http404(_("This participation process has no opinion map."))
    opinion_map = services.opinion_map_of(process)
    what = request.POST.get("what")
    form = OpinionMapForm(request.POST if what == "settings" else None, instance=opinion_map)
    seed_form = SeedForm(request.POST if what == "seed" else None)
    ideas_form = SeedFromIdeasForm(
        request.POST if what == "ideas" else None,
        processes=processes_with_template(
            user=request.user, organization=organization, templates=IDEA_TEMPLATES
        ),
        prefix="ideas",
    )
    synthesis_form = SeedFromSynthesisForm(
        request.POST if what == "synthesis" else None,
        processes=processes_with_synthesis(user=request.user, organization=organization),
        prefix="synthesis",
    )
    if request.method == "POST":
        try:
            if what == "synthesis" and synthesis_form.is_valid():
                from palabre.synthesis.selectors import statement_texts

                created = services.statements_seed(
                    process=process,
                    author=request.user,
                    texts=statement_texts(process=synthesis_form.cleaned_data["source"]),
                )
                messages.success(request, _("%(n)d statements added.") % {"n": len(created)})
                return redirect(request.path)
            if what == "settings" and form.is_valid():
                services.opinion_map_update(opinion_map=opinion_map, **form.cleaned_data)
                messages.success(request, _("The settings are saved."))
                return redirect(request.path)
            if what == "seed" and seed_form.is_valid():
                created = services.statements_seed(
                    process=process,
                    author=request.user,
                    texts=seed_form.cleaned_data["texts"].splitlines(),
                )
                messages.success(
                    request,
                    _("%(n)d statements added.") % {"n": len(created)},
                )
                return redirect(request.path)
            if what == "ideas" and ideas_form.is_valid():
                created = services.statements_from_ideas(
                    process=process, author=request.user, **ideas_form.cleaned_data
                )
                messages.success(request, _("%(n)d statements added.") % {"n": len(created)})
                return redirect(request.path)
            if what == "recompute":
                services.recompute_request(process=process)
                messages.success(request, _("The map is being recomputed."))
                return redirect(request.path)
        except ValidationError as error:
            target = {"seed": seed_form, "ideas": ideas_form, "synthesis": synthesis_form}.get(
                what or "", form
            )
            apply_validation_error(target, error)
    return render(
        request,
        "backoffice/opinion_map.html",
        _context(
            request,
            organization,
            process=process,
            opinion_map=opinion_map,
            form=form,
            seed_form=seed_form,
            ideas_form=ideas_form,
            synthesis_form=synthesis_form,
            statements=selectors.statements_with_counts(opinion_map=opinion_map),
        ),
    )
