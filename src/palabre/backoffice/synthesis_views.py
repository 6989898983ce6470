"""Back-office of the synthesis: analysis runs, the workspace (topics and their contributions),
writing the synthesis with its evidence, and the public answers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from palabre.accounts.selectors import users_by_pk
from palabre.contributions.selectors import contribution_find, contribution_get, contribution_texts
from palabre.core.forms import apply_validation_error
from palabre.core.http import require_post
from palabre.organizations.models import Organization
from palabre.organizations.roles import Action
from palabre.organizations.selectors import members_who_can
from palabre.processes.models import Process
from palabre.processes.selectors import process_get_for_user
from palabre.synthesis import coding, journal, restitution, selectors, services
from palabre.synthesis.forms import (
    AnswerForm,
    CodebookCategoryForm,
    CodebookImportForm,
    ContributionsActionForm,
    MergeForm,
    ReadingFilterForm,
    RenameForm,
    RunForm,
    SampleForm,
    SectionForm,
    StatementForm,
    SynthesisForm,
)
from palabre.synthesis.models import Answer, Section, Topic

from .views import _context, backoffice


def _process(request: HttpRequest, organization: Organization, slug: str) -> Process:
    return process_get_for_user(user=request.user, organization=organization, slug=slug)


@backoffice(Action.ANALYSE)
def runs(request: HttpRequest, organization: Organization, slug: str) -> HttpResponse:
    process = _process(request, organization, slug)
    form = RunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.run_start(
                process=process,
                user=request.user,
                n_topics=form.cleaned_data["n_topics"] or "auto",
                random_state=form.cleaned_data["random_state"],
                codebook=form.cleaned_data["codebook"],
            )
            messages.success(request, _("The analysis has started; this page shows its progress."))
            return redirect(request.path)
        except ValidationError as error:
            apply_validation_error(form, error)
    return render(
        request,
        "backoffice/synthesis_runs.html",
        _context(
            request,
            organization,
            process=process,
            form=form,
            runs=selectors.runs_of(process=process)[:20],
            active=selectors.run_active(process=process),
            pending=selectors.run_pending_of(process=process),
            codebook_size=selectors.codebook_size(organization=organization),
            n_contributions=selectors.analysable_count(process=process),
        ),
    )


@backoffice(Action.ANALYSE)
def run_detail(
    request: HttpRequest, organization: Organization, slug: str, run_id: int
) -> HttpResponse:
    """A run and, while nobody has accepted or set it aside, its proposal: what accepting it
    would change in the workspace, topic by topic, to accept whole or in part."""
    process = _process(request, organization, slug)
    run = selectors.run_get(process=process, pk=run_id)
    result = run.result or {}
    if request.method == "POST":
        what = request.POST.get("what", "")
        try:
            if what in ("accept", "accept-chosen"):
                keys = request.POST.getlist("keys") if what == "accept-chosen" else None
                if keys is not None and not keys:
                    raise ValidationError(_("Tick the topics to apply, or apply everything."))
                services.run_accept(run=run, user=request.user, keys=keys)
                messages.success(
                    request,
                    _(
                        "The analysis is applied to the workspace. The journal can undo it "
                        "in one click."
                    ),
                )
                return redirect(
                    "backoffice:synthesis_workspace", org=organization.slug, slug=process.slug
                )
            if what == "discard":
                services.run_discard(run=run, user=request.user)
                messages.success(
                    request, _("The proposal is set aside; the workspace is unchanged.")
                )
                return redirect(request.path)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
    plan = services.run_plan(run=run) if services.run_pending(run=run) else None
    return render(
        request,
        "backoffice/synthesis_run.html",
        _context(
            request,
            organization,
            process=process,
            run=run,
            plan=plan,
            comparison=_comparison_labels(process, run),
            method=result.get("method", ""),
            n_topics=sum(1 for t in result.get("topics", []) if not t.get("parent")),
            n_voices=result.get("n_voices"),
            n_set_aside=result.get("n_set_aside"),
            unclassified=result.get("unclassified"),
            codebook=result.get("codebook"),
        ),
    )


def _comparison_labels(process: Process, run: Any) -> list[dict[str, Any]]:
    """The comparison's rows named as the analyst named the topics: a pair of matched
    topics is one workspace topic (found by the engine key of the run last applied); the
    engine's own name is left only for a topic the workspace does not have."""
    if not run.comparison:
        return []
    workspace = selectors.topic_labels_by_engine_key(process=process)
    applied = run.applied_at is not None
    rows = []
    for row in run.comparison.get("topics", []):
        key = row.get("current_id") if applied else row.get("previous_id")
        name = workspace.get(key or "")
        rows.append(
            {
                "size": row["size"],
                "previous": (name or row["previous"]) if row["previous"] else None,
                "current": (name or row["current"]) if row["current"] else None,
            }
        )
    return rows


@backoffice(Action.ANALYSE)
@require_post
def edit_undo(request: HttpRequest, organization: Organization, slug: str, pk: int) -> HttpResponse:
    """Undo one edit of the workspace's journal (refused while a later edit changed the same
    rows); undoing an undo puts the edit back."""
    process = _process(request, organization, slug)
    edit = selectors.edit_get(process=process, pk=pk)
    try:
        journal.edit_undo(edit=edit, user=request.user)
        messages.success(
            request, _("Put back.") if edit.action == edit.Action.UNDO else _("Undone.")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    back = request.POST.get("next", "")
    if back.startswith(f"/{organization.slug}/espace/"):
        return redirect(back)
    return redirect("backoffice:synthesis_workspace", org=organization.slug, slug=process.slug)


@backoffice(Action.ANALYSE)
def workspace(request: HttpRequest, organization: Organization, slug: str) -> HttpResponse:
    process = _process(request, organization, slug)
    choices = selectors.topic_choices(process=process)
    merge_form = MergeForm(request.POST or None, topics=choices)
    if request.method == "POST" and merge_form.is_valid():
        target = selectors.topic_get(process=process, pk=merge_form.cleaned_data["target"])
        merged = selectors.topics_in(process=process, pks=merge_form.cleaned_data["topics"])
        moved = services.topics_merge(topics=merged, target=target, user=request.user)
        messages.success(
            request,
            _("Merged into “%(label)s”: %(n)d contributions moved.")
            % {"label": target.label, "n": moved},
        )
        return redirect(request.path)
    return render(
        request,
        "backoffice/synthesis_workspace.html",
        _context(
            request,
            organization,
            process=process,
            rows=selectors.topics_flat(selectors.topics_of(process=process)),
            unclassified=selectors.unclassified_count(process=process),
            categories=selectors.categories_of(process=process),
            to_review=selectors.to_review_count(process=process),
            pending=selectors.run_pending_of(process=process),
            merge_form=merge_form,
            journal=selectors.journal_of(process=process)[:30],
            active=selectors.run_active(process=process),
            has_run=selectors.run_done_exists(process=process),
        ),
    )


def _act(
    request: HttpRequest, process: Process, form: ContributionsActionForm, topic: Topic | None
) -> str:
    data = form.cleaned_data
    ids, user, action = data["ids"], request.user, data["action"]
    target = selectors.topic_get(process=process, pk=data["target"]) if data["target"] else None
    if action == "move":
        n = services.contributions_move(
            process=process, contribution_ids=ids, target=target, user=user
        )
        return ngettext("%(n)d contribution moved.", "%(n)d contributions moved.", n) % {"n": n}
    if action == "split":
        new = services.topic_split(
            process=process, topic=topic, contribution_ids=ids, label=data["label"], user=user
        )
        return _("New topic “%(label)s” made.") % {"label": new.label}
    if action in ("pin", "unpin"):
        services.quotes_pin(
            process=process, contribution_ids=ids, pinned=action == "pin", user=user
        )
        return _("Quotes updated.")
    if action == "cite":
        draft = selectors.draft_of(process=process)
        if draft is None or not data.get("statement"):
            raise ValidationError(
                {"statement": _("Choose the statement these contributions back.")}
            )
        statement = selectors.statement_get(synthesis=draft, pk=data["statement"])
        n = restitution.evidence_add(statement=statement, contribution_ids=ids)
        return ngettext(
            "%(n)d contribution added to the statement's evidence.",
            "%(n)d contributions added to the statement's evidence.",
            n,
        ) % {"n": n}
    if action in ("duplicate", "not_duplicate"):
        original = None
        if action == "duplicate":
            original = contribution_find(process=process, pk=data["original"])
            if original is None:
                raise ValidationError(
                    {"original": _("No contribution of this process has that number.")}
                )
        services.duplicates_mark(
            process=process, contribution_ids=ids, original=original, user=user
        )
        return _("Duplicates updated.")
    if action in ("category", "reviewed"):
        category = (
            selectors.codebook_category_get(organization=process.organization, pk=data["category"])
            if action == "category" and data.get("category")
            else None
        )
        n = services.categories_set(
            process=process,
            contribution_ids=ids,
            category=category,
            keep=action == "reviewed",
            user=user,
        )
        return ngettext("%(n)d contribution reviewed.", "%(n)d contributions reviewed.", n) % {
            "n": n
        }
    services.campaign_mark(
        process=process, contribution_ids=ids, campaign=action == "campaign", user=user
    )
    return _("Campaigns updated.")


@backoffice(Action.ANALYSE)
def topic_detail(
    request: HttpRequest,
    organization: Organization,
    slug: str,
    pk: int | None = None,
    everything: bool = False,
) -> HttpResponse:
    """The reading room: the contributions of a topic with its sub-topics (or the
    unclassified ones, or all of them), searched and filtered, paged, to move, split, pin,
    mark or cite as evidence by lots; the whole contribution in a side panel."""
    process = _process(request, organization, slug)
    topic = selectors.topic_get(process=process, pk=pk) if pk else None
    tree = selectors.topic_tree(process=process)
    scope: Topic | str | None = topic or (None if everything else selectors.UNCLASSIFIED)
    filter_form = ReadingFilterForm(request.GET, facets=selectors.reading_facets(process=process))
    filters = filter_form.filters()
    items = selectors.reading_room(process=process, scope=scope, filters=filters, tree=tree)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    what = request.POST.get("what")
    rename_form = RenameForm(
        request.POST if what == "rename" else None,
        initial={"label": topic.label, "version": topic.version} if topic else None,
    )
    action_form = ContributionsActionForm(
        request.POST if what == "act" else None,
        topics=selectors.topic_choices(process=process),
        statements=selectors.draft_statement_choices(process=process),
        categories=[
            (c.pk, c.name) for c in selectors.codebook_categories(organization=organization)
        ],
        ids=[a.contribution_id for a in page.object_list]
        if what != "act"
        else [int(x) for x in request.POST.getlist("ids") if x.isdigit()],
    )
    if request.method == "POST":
        try:
            if what == "rename" and topic and rename_form.is_valid():
                services.topic_rename(topic=topic, user=request.user, **rename_form.cleaned_data)
                messages.success(request, _("The topic is renamed."))
                return redirect(request.get_full_path())
            if what == "act" and action_form.is_valid():
                messages.success(request, _act(request, process, action_form, topic))
                back = request.GET.copy()
                back.pop("voir", None)  # the panel showed a contribution that may have moved
                return redirect(f"{request.path}?{back.urlencode()}" if back else request.path)
        except ValidationError as error:
            apply_validation_error(rename_form if what == "rename" else action_form, error)
    shown = selectors.reading_item(process=process, contribution_id=request.GET.get("voir"))
    subtopics = [tree.topics[child] for child in (tree.children(topic.pk) if topic else [])]
    for child in subtopics:
        child.n_total = tree.total(child.pk)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("voir", None)
    return render(
        request,
        "backoffice/synthesis_topic.html",
        _context(
            request,
            organization,
            process=process,
            topic=topic,
            everything=everything,
            n_total=tree.total(topic.pk) if topic else None,
            n_own=tree.own(topic.pk) if topic else None,
            parent=tree.topics.get(tree.parent(topic.pk) or 0) if topic else None,
            subtopics=subtopics,
            page=page,
            filter_form=filter_form,
            filtered=filters.active,
            query=query.urlencode(),
            shown=shown,
            rename_form=rename_form,
            action_form=action_form,
            journal=selectors.journal_of(process=process, topic=topic)[:20] if topic else [],
        ),
    )


def _candidates(section: Section) -> list[tuple[int, str]]:
    """Contributions offered as evidence for a section: its topic's quotes first."""
    return [
        (a.contribution_id, f"n° {a.contribution_id} — {a.contribution.body[:160]}")
        for a in selectors.candidate_assignments(section=section)
    ]


@backoffice(Action.ANALYSE)
def write(request: HttpRequest, organization: Organization, slug: str) -> HttpResponse:
    process = _process(request, organization, slug)
    what = request.POST.get("what", "")
    draft = selectors.draft_of(process=process)
    if draft is None:  # a GET writes nothing: the draft is made by the "start" button
        if request.method == "POST" and what == "start":
            restitution.draft_get_or_create(process=process)
            return redirect(request.path)
        return render(
            request,
            "backoffice/synthesis_start.html",
            _context(
                request,
                organization,
                process=process,
                published=selectors.syntheses_published(process=process),
            ),
        )
    topics = selectors.topic_choices(process=process)
    settings_form = SynthesisForm(request.POST if what == "settings" else None, instance=draft)
    section_form = SectionForm(
        request.POST if what == "section" else None, topics=topics, prefix="section"
    )
    sections = selectors.document_of(synthesis=draft)
    statement_forms: dict[int, StatementForm] = {}
    for section in sections:
        posted = what == f"statement-{section.pk}"
        statement_forms[section.pk] = StatementForm(
            request.POST if posted else None,
            candidates=_candidates(section),
            prefix=f"s{section.pk}",
        )
        section.statement_form = statement_forms[section.pk]  # type: ignore[attr-defined]
    if request.method == "POST":
        try:
            if what == "settings" and settings_form.is_valid():
                restitution.synthesis_update(synthesis=draft, **settings_form.cleaned_data)
                messages.success(request, _("Saved."))
                return redirect(request.path)
            if what == "section" and section_form.is_valid():
                data = section_form.cleaned_data
                topic = selectors.topic_find(process=process, pk=data["topic"])
                restitution.section_add(
                    synthesis=draft,
                    title=data["title"],
                    kind=data["kind"],
                    topic=topic,
                    body=data["body"],
                )
                messages.success(request, _("Section added."))
                return redirect(request.path)
            if what.startswith("statement-"):
                section = selectors.section_get(synthesis=draft, pk=int(what.split("-")[1]))
                form = statement_forms[section.pk]
                if form.is_valid():
                    restitution.statement_save(
                        section=section,
                        text=form.cleaned_data["text"],
                        evidence_ids=form.evidence_ids(),
                    )
                    messages.success(request, _("Statement added."))
                    return redirect(request.path)
            if what == "proposal":
                section = selectors.section_get(synthesis=draft, pk=request.POST.get("section"))
                restitution.statement_from_proposal(
                    section=section, proposal_id=request.POST.get("proposal", "")
                )
                messages.success(request, _("Statement added."))
                return redirect(f"{request.path}#section-{section.pk}")
            if what == "delete-statement":
                statement = selectors.statement_get(synthesis=draft, pk=request.POST.get("pk"))
                restitution.statement_delete(statement=statement)
                return redirect(request.path)
            if what == "delete-section":
                section = selectors.section_get(synthesis=draft, pk=request.POST.get("pk"))
                restitution.section_delete(section=section)
                return redirect(request.path)
            if what == "publish":
                restitution.synthesis_publish(synthesis=draft, user=request.user)
                messages.success(request, _("The synthesis is published."))
                return redirect("synthesis_public", org=organization.slug, slug=process.slug)
        except ValidationError as error:
            if what == "settings":
                apply_validation_error(settings_form, error)
            elif what == "section":
                apply_validation_error(section_form, error)
            elif what.startswith("statement-") and int(what.split("-")[1]) in statement_forms:
                apply_validation_error(statement_forms[int(what.split("-")[1])], error)
            else:
                messages.error(request, " ".join(error.messages))
    for section in sections:  # what the analysis found people propose, to add as statements
        section.proposed = selectors.proposals_for_section(section=section)  # type: ignore[attr-defined]
    return render(
        request,
        "backoffice/synthesis_write.html",
        _context(
            request,
            organization,
            process=process,
            draft=draft,
            sections=sections,
            settings_form=settings_form,
            section_form=section_form,
            published=selectors.syntheses_published(process=process),
            minority=_minority_suggestions(process),
        ),
    )


def _minority_suggestions(process: Process) -> dict[str, Any]:
    """Small topics and the opinion groups' representative statements, for the section on
    minority views."""
    from palabre.opinions.selectors import map_view, opinion_map_find

    small = [t for t in selectors.topics_of(process=process) if 0 < t.n_total <= 5][:10]  # type: ignore[attr-defined]
    opinion_map = opinion_map_find(process=process)
    view = map_view(opinion_map=opinion_map, viewer=None) if opinion_map else None
    return {"small_topics": small, "groups": view.groups if view else []}


@backoffice(Action.ANSWER)
def answers(request: HttpRequest, organization: Organization, slug: str) -> HttpResponse:
    process = _process(request, organization, slug)
    subjects = [
        (f"t{pk}", _("Topic: %(label)s") % {"label": label})
        for pk, label in selectors.topic_choices(process=process)
    ]
    asked = request.POST.get("subject") or request.GET.get("sujet") or ""
    proposals = selectors.proposals_to_answer(
        process=process,
        # the proposal answered from its page
        including=int(asked[1:]) if asked.startswith("c") and asked[1:].isdigit() else None,
    )
    subjects += [
        (
            f"c{c.pk}",
            _("Proposal n° %(n)d: %(title)s") % {"n": c.pk, "title": (c.title or c.body)[:80]},
        )
        for c in proposals
    ]
    form = AnswerForm(
        request.POST or None, subjects=subjects, initial={"subject": request.GET.get("sujet")}
    )
    if request.method == "POST" and form.is_valid():
        subject = form.cleaned_data["subject"]
        topic = contribution = None
        if subject.startswith("t"):
            topic = selectors.topic_get(process=process, pk=int(subject[1:]))
        else:
            contribution = contribution_get(process=process, pk=int(subject[1:]))
        try:
            restitution.answer_give(
                process=process,
                user=request.user,
                topic=topic,
                contribution=contribution,
                **{k: form.cleaned_data[k] for k in ("status", "text", "signed_as", "progress")},
            )
            messages.success(
                request, _("The answer is published; the contributors concerned are told.")
            )
            return redirect(request.path)
        except ValidationError as error:
            apply_validation_error(form, error)
    return render(
        request,
        "backoffice/synthesis_answers.html",
        _context(
            request,
            organization,
            process=process,
            form=form,
            subjects=selectors.answers_of(process=process, public=False),
            statuses=Answer.Status,
        ),
    )


@backoffice(Action.MANAGE_PROCESSES)
@require_post
def opendata_publish(request: HttpRequest, organization: Organization, slug: str) -> HttpResponse:
    """Publish (again) the process's open dataset now; it is also published on closing."""
    from palabre.opendata.services import dataset_publish_later

    process = _process(request, organization, slug)
    dataset_publish_later(process=process, user=request.user)
    messages.success(
        request, _("The open data is being published; it will be on the public page shortly.")
    )
    return redirect("backoffice:process_edit", org=organization.slug, slug=process.slug)


def _analysts(organization: Organization) -> list[tuple[int, str]]:
    people = members_who_can(organization=organization, action=Action.ANALYSE)
    return list(dict.fromkeys((m.user_id, m.user.pseudonym) for m in people))


@backoffice(Action.ANALYSE)
def double_coding(request: HttpRequest, organization: Organization, slug: str) -> HttpResponse:
    process = _process(request, organization, slug)
    form = SampleForm(request.POST or None, people=_analysts(organization))
    if request.method == "POST" and form.is_valid():
        users = users_by_pk(pks=[form.cleaned_data["coder_a"], form.cleaned_data["coder_b"]])
        try:
            sample = coding.sample_create(
                process=process,
                coder_a=users.get(form.cleaned_data["coder_a"]),
                coder_b=users.get(form.cleaned_data["coder_b"]),
                size=form.cleaned_data["size"],
                user=request.user,
            )
            messages.success(request, _("The sample is drawn; each coder codes it blind."))
            return redirect(
                "backoffice:coding_sample", org=organization.slug, slug=process.slug, pk=sample.pk
            )
        except ValidationError as error:
            apply_validation_error(form, error)
    samples = [(s, coding.progress_of(s)) for s in selectors.coding_samples_of(process=process)]
    return render(
        request,
        "backoffice/synthesis_coding.html",
        _context(request, organization, process=process, form=form, samples=samples),
    )


@backoffice(Action.ANALYSE)
def coding_sample(
    request: HttpRequest, organization: Organization, slug: str, pk: int
) -> HttpResponse:
    process = _process(request, organization, slug)
    sample = selectors.coding_sample_get(process=process, pk=pk)
    topics = selectors.topic_choices(process=process)
    topic_ids = {t for t, _label in topics}
    mine = coding.is_coder(sample, request.user)
    if request.method == "POST" and request.POST.get("what") == "code" and mine:
        codes: dict[int, int | None] = {}
        for key in request.POST:
            value = request.POST.get(key, "")
            if key.startswith("code-") and key[5:].isdigit() and value:  # "": not coded yet
                codes[int(key[5:])] = int(value) if value.isdigit() else None  # "none"
        try:
            coding.codes_save(sample=sample, coder=request.user, codes=codes)
            messages.success(request, _("Your codes are saved."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(request.get_full_path())
    if request.method == "POST" and request.POST.get("what") == "settle":
        contribution_id = int(request.POST.get("contribution", "0") or 0)
        raw = request.POST.get("topic", "")
        target = (
            selectors.topic_get(process=process, pk=int(raw))
            if raw.isdigit() and int(raw) in topic_ids
            else None
        )
        services.contributions_move(
            process=process, contribution_ids=[contribution_id], target=target, user=request.user
        )
        messages.success(request, _("Settled: the contribution is placed in the chosen topic."))
        return redirect(request.get_full_path())
    progress = coding.progress_of(sample)
    both_done = progress["a"] == progress["size"] and progress["b"] == progress["size"]
    own = coding.codes_of(sample, request.user.pk) if mine else {}
    page = Paginator(selectors.sample_contributions(sample=sample), 25).get_page(
        request.GET.get("page")
    )
    labels = dict(topics)
    paths = selectors.topic_paths(process=process)
    likely = (
        selectors.likely_topics(process=process, contributions=list(page.object_list))
        if mine and len(topics) > 10
        else {}
    )
    for contribution in page.object_list:
        contribution.own_code = own.get(contribution.pk)  # type: ignore[attr-defined]
        contribution.coded = contribution.pk in own  # type: ignore[attr-defined]
        first = [pk for pk in likely.get(contribution.pk, []) if pk in labels]
        contribution.likely = [(pk, paths.get(pk, labels[pk])) for pk in first]  # type: ignore[attr-defined]
        contribution.others = [t for t in topics if t[0] not in first]  # type: ignore[attr-defined]
    agreement = None
    if both_done:
        agreement = coding.agreement_of(sample)
        texts = contribution_texts(
            process=process, pks=[r["contribution"] for r in agreement["rows"]]
        )
        for row in agreement["rows"]:
            row["text"] = texts.get(row["contribution"], "")
            row["label_a"] = labels.get(row["a"], _("None of these"))
            row["label_b"] = labels.get(row["b"], _("None of these"))
    return render(
        request,
        "backoffice/synthesis_coding_sample.html",
        _context(
            request,
            organization,
            process=process,
            sample=sample,
            progress=progress,
            mine=mine,
            page=page,
            own=own,
            topics=topics,
            agreement=agreement,
            both_done=both_done,
        ),
    )


@backoffice(Action.ANALYSE)
def codebook(request: HttpRequest, organization: Organization) -> HttpResponse:
    """The organisation's codebook: categories added one by one or imported from a file."""
    import tempfile
    from pathlib import Path

    what = request.POST.get("what", "")
    editing = None
    if request.GET.get("modifier", "").isdigit():
        editing = selectors.codebook_category_get(
            organization=organization, pk=int(request.GET["modifier"])
        )
    form = CodebookCategoryForm(request.POST if what == "save" else None, instance=editing)
    import_form = CodebookImportForm(
        request.POST if what == "import" else None, request.FILES if what == "import" else None
    )
    if request.method == "POST":
        try:
            if what == "save" and form.is_valid():
                services.codebook_category_save(
                    organization=organization, category=editing, **form.cleaned_data
                )
                messages.success(request, _("The category is saved."))
                return redirect(request.path)
            if what == "delete":
                services.codebook_category_delete(
                    organization=organization, pk=request.POST.get("pk", "0")
                )
                messages.success(request, _("The category is deleted."))
                return redirect(request.path)
            if what == "import" and import_form.is_valid():
                upload = import_form.cleaned_data["file"]
                suffix = Path(upload.name).suffix.lower() or ".csv"
                with tempfile.TemporaryDirectory() as folder:
                    path = Path(folder) / f"codebook{suffix}"
                    path.write_bytes(upload.read())
                    n = services.codebook_import(organization=organization, path=str(path))
                messages.success(request, _("%(n)d categories imported.") % {"n": n})
                return redirect(request.path)
        except ValidationError as error:
            apply_validation_error(import_form if what == "import" else form, error)
    return render(
        request,
        "backoffice/codebook.html",
        _context(
            request,
            organization,
            categories=selectors.codebook_categories(organization=organization),
            form=form,
            import_form=import_form,
            editing=editing,
        ),
    )
