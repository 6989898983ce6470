"""The restitution on the public site: the published synthesis (every statement with the
contributions that back it; older versions stay readable), its PDF, the draft open for
contributors' comments, "what we heard / what we decide" (answers and statuses), and each
contributor's page of outcomes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from palabre.contributions.selectors import contributions_by
from palabre.core.forms import apply_validation_error
from palabre.core.http import attachment
from palabre.core.ratelimit import rate_limit
from palabre.evaluation.participation import participation_of
from palabre.processes.models import Process
from palabre.synthesis import published, restitution, selectors
from palabre.synthesis.forms import DraftCommentForm
from palabre.synthesis.models import Synthesis

from .idea_views import _process


def _published(request: HttpRequest, process: Process) -> Synthesis:
    """The version asked for (?version=N), or the latest; 404 when none is published."""
    version = request.GET.get("version")
    synthesis = selectors.synthesis_public(
        process=process, version=int(version) if version and version.isdigit() else None
    )
    if synthesis is None:
        raise Http404(_("No synthesis has been published for this process yet."))
    return synthesis


def _document(process: Process, synthesis: Synthesis) -> dict[str, Any]:
    subjects = selectors.sections_for_answers(selectors.answers_of(process=process), synthesis)
    sections = selectors.document_of(synthesis=synthesis)
    return {
        "organization": process.organization,
        "process": process,
        "synthesis": synthesis,
        "sections": sections,
        "figures": selectors.section_figures(sections),
        "max_backing": max(
            (
                st.backing.n  # type: ignore[attr-defined]
                for se in sections
                for st in selectors.statements_in(section=se)
            ),
            default=1,
        ),
        "versions": selectors.syntheses_published(process=process),
        "latest": selectors.synthesis_public(process=process),
        "subjects": subjects,
        "status_counts": selectors.status_counts(subjects),
        # the same figures on the page, in the PDF and in the open data (participation.csv)
        "participation": participation_of(process=process),
        "method_summary": published.method_summary(synthesis=synthesis),
    }


def synthesis_public(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    process = _process(request, org, slug)
    context = _document(process, _published(request, process))
    from .views import _feedback_open

    context["feedback_open"] = _feedback_open(process)
    context["draft"] = selectors.draft_of(process=process)
    context["draft_open"] = context["draft"] is not None and not (
        restitution.draft_comments_closed_reason(context["draft"])
    )
    return render(request, "synthesis/public.html", context)


def synthesis_pdf(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    """The PDF of a published version, rendered the first time it is asked for (in the site's
    language, whoever asks) and then served from the storage: it never changes."""
    process = _process(request, org, slug)
    synthesis = _published(request, process)

    def render() -> bytes:
        from weasyprint import HTML

        with translation.override(settings.LANGUAGE_CODE):
            html = render_to_string(
                "synthesis/pdf.html", _document(process, synthesis), request=request
            )
            return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(
                pdf_variant="pdf/ua-1"
            )

    pdf = published.pdf_of(synthesis=synthesis, render=render)
    return attachment(pdf, f"synthese-{process.slug}-v{synthesis.version}.pdf")


@rate_limit("comment")
def synthesis_draft(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    """The draft, open for contributors' comments beside each statement for a set period."""
    process = _process(request, org, slug)
    draft = selectors.draft_of(process=process)
    if draft is None or restitution.draft_comments_closed_reason(draft):
        raise Http404(_("No draft synthesis is open for comments."))
    form = DraftCommentForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        statement = selectors.statement_get(synthesis=draft, pk=request.POST.get("statement", 0))
        if form.is_valid():
            try:
                restitution.draft_comment_add(
                    statement=statement, user=request.user, body=form.cleaned_data["body"]
                )
                messages.success(request, _("Thank you: your comment is sent to the team."))
                return redirect(f"{request.path}#statement-{statement.pk}")
            except ValidationError as error:
                apply_validation_error(form, error)
    return render(
        request,
        "synthesis/draft.html",
        {
            "organization": process.organization,
            "process": process,
            "draft": draft,
            "sections": selectors.document_of(synthesis=draft),
            "form": form,
        },
    )


def decisions(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    """What we heard / what we decide: every answered topic and proposal, its status, the
    answer and who gives it, the history of statuses and the progress of adopted items."""
    process = _process(request, org, slug)
    synthesis = selectors.synthesis_public(process=process)
    subjects = selectors.sections_for_answers(selectors.answers_of(process=process), synthesis)
    return render(
        request,
        "synthesis/decisions.html",
        {
            "organization": process.organization,
            "process": process,
            "subjects": subjects,
            "status_counts": selectors.status_counts(subjects),
            "synthesis": synthesis,
        },
    )


@login_required
def my_contributions(request: HttpRequest) -> HttpResponse:
    """Everything I contributed, everywhere, and what became of it."""
    return render(
        request,
        "accounts/contributions.html",
        {"outcomes": selectors.outcomes_of(contributions_by(author=request.user))},
    )
