"""Pairwise comparison of ideas on the public site: "which of these two?", adding an idea,
the ranking and its exports. Works without JavaScript: each answer is a form."""

from __future__ import annotations

import json
import uuid

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from palabre.contributions.rules import IDEA_TEMPLATES, Activity, activity_closed_reason
from palabre.core.http import attachment, require_post
from palabre.core.ratelimit import rate_limit
from palabre.opinions import pairwise
from palabre.opinions.models import PairwiseSurvey, PairwiseVote
from palabre.organizations.selectors import organization_get
from palabre.processes.selectors import process_get_for_user


def _survey(request: HttpRequest, org: str, slug: str) -> PairwiseSurvey:
    organization = organization_get(slug=org)
    process = process_get_for_user(user=request.user, organization=organization, slug=slug)
    if process.template not in IDEA_TEMPLATES:
        raise Http404(_("This participation process does not collect ideas."))
    if request.method == "POST":
        return pairwise.survey_of(process)
    return pairwise.survey_read(process)


def _context(survey: PairwiseSurvey, **extra: object) -> dict[str, object]:
    return {
        "organization": survey.process.organization,
        "process": survey.process,
        "survey": survey,
        **extra,
    }


@require_http_methods(["GET", "POST"])
@rate_limit("pairwise")
def compare(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    survey = _survey(request, org, slug)
    process = survey.process
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        left = pairwise.pool_idea_get(process=process, pk=request.POST.get("left", 0))
        right = pairwise.pool_idea_get(process=process, pk=request.POST.get("right", 0))
        choice = request.POST.get("choice", "")
        winner = {"left": left, "right": right}.get(choice)
        try:
            token = uuid.UUID(request.POST.get("token", ""))
            pairwise.pairwise_vote(
                process=process,
                voter=request.user,
                left=left,
                right=right,
                winner=winner,
                reason=request.POST.get("reason", ""),
                token=token,
            )
        except ValueError:
            messages.error(request, _("This form has expired: answer again."))
            status = 400
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            status = 400
        else:
            return redirect(request.path)
    closed = activity_closed_reason(process, Activity.COMPARE)
    pair = None if closed else pairwise.next_pair(process=process, voter=request.user)
    return render(
        request,
        "opinions/compare.html",
        _context(
            survey,
            pair=pair,
            closed=closed,
            token=uuid.uuid4(),
            reasons=PairwiseVote.Reason.choices,
            answered=pairwise.answered_by(process=process, voter=request.user),
            idea_token=uuid.uuid4(),
        ),
        status=status,
    )


@require_post
@rate_limit("idea")
def compare_add_idea(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    survey = _survey(request, org, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        token = uuid.UUID(request.POST.get("token", ""))
        pairwise.pairwise_idea_propose(
            process=survey.process,
            author=request.user,
            title=request.POST.get("title", ""),
            token=token,
        )
    except ValueError:
        messages.error(request, _("This form has expired: send your idea again."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Thank you. Your idea will join the comparison once a moderator has read it."),
        )
    return redirect("compare", org=org, slug=slug)


def ranking(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    survey = _survey(request, org, slug)
    return render(
        request,
        "opinions/ranking.html",
        _context(survey, view=pairwise.ranking_view(survey=survey)),
    )


def ranking_export(request: HttpRequest, org: str, slug: str, fmt: str) -> HttpResponse:
    survey = _survey(request, org, slug)
    if fmt not in {"csv", "json"}:
        raise Http404(_("This file does not exist."))
    if fmt == "csv":
        content = pairwise.ranking_csv(survey=survey)
    else:
        view = pairwise.ranking_view(survey=survey) or {}
        view.pop("computed_at", None)
        content = json.dumps(view, ensure_ascii=False, indent=2)
    response = attachment(content, f"{survey.process.slug}-classement.{fmt}")
    return response
