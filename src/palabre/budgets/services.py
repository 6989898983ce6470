"""Writes for participatory budgets: set-up, projects, ballots (online, paper, assisted),
counting and works tracking.

Ballots: one per person and envelope, changeable until the vote closes; a resident votes
in one neighbourhood envelope at most; the voter's row is locked while a ballot is written,
so a double submit or two tabs never make two ballots. Paper ballots are keyed twice, by two
people; the ballot exists once both keyings agree.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import palabre_analysis
from palabre.contributions import services as contribution_services
from palabre.contributions.models import Contribution
from palabre.contributions.rules import Activity, activity_closed_reason
from palabre.core.formats import thousands
from palabre.core.models import Channel
from palabre.core.tasks import enqueue_on_commit
from palabre.organizations.audit import audit_record
from palabre.organizations.models import AuditEvent
from palabre.processes.models import Process
from palabre_analysis import budget as engine

from . import selectors
from .models import (
    Ballot,
    BallotChoice,
    Budget,
    Envelope,
    InvitationCode,
    PaperEntry,
    Project,
    ProjectEvent,
    Tally,
    WorkUpdate,
)

Selections = Mapping[int, int]  # project pk → points (1, points, or rank)


def budget_of(process: Process) -> Budget:
    """The budget of a participatory-budget process (created with defaults on first use)."""
    if process.template != Process.Template.PARTICIPATORY_BUDGET:
        raise ValidationError(_("This participation process is not a participatory budget."))
    budget, _created = Budget.objects.get_or_create(process=process)
    return budget


def budget_update(*, budget: Budget, **fields: Any) -> Budget:
    if (
        "method" in fields
        and fields["method"] != budget.method
        and Ballot.objects.filter(envelope__budget=budget).exists()
    ):
        raise ValidationError(
            {"method": _("The ballot method cannot change once ballots have been cast.")}
        )
    for name, value in fields.items():
        setattr(budget, name, value)
    budget.full_clean(exclude=["process"])
    budget.save()
    return budget


def envelope_save(
    *, budget: Budget, name: str, amount: int, neighbourhood: Any = None, envelope: Any = None
) -> Envelope:
    if neighbourhood is not None and (
        neighbourhood.organization_id != budget.process.organization_id
    ):
        raise ValidationError({"neighbourhood": _("This belongs to another local government.")})
    if not amount or amount <= 0:
        raise ValidationError({"amount": _("An envelope needs an amount above zero.")})
    if envelope is None:
        envelope = Envelope(budget=budget, position=budget.envelopes.count())
    elif envelope.budget_id != budget.pk:
        raise ValidationError(_("This envelope belongs to another budget."))
    elif envelope.ballots.exists() and envelope.amount != amount:
        raise ValidationError(
            {"amount": _("The amount cannot change once ballots have been cast.")}
        )
    envelope.name, envelope.amount, envelope.neighbourhood = name.strip(), amount, neighbourhood
    envelope.full_clean(exclude=["budget"])
    envelope.save()
    return envelope


# --- projects ----------------------------------------------------------------------------


@transaction.atomic
def project_propose(
    *, process: Process, author: Any, proposed_cost: int | None, **idea_fields: Any
) -> Project:
    """A resident proposes a project: an idea of the process (so it is moderated, supported,
    commented like any idea) with its estimated cost; submitting twice returns the first."""
    budget = budget_of(process)
    idea = contribution_services.idea_submit(process=process, author=author, **idea_fields)
    existing = idea.budget_projects.first()
    if existing is not None:
        return existing
    envelope = None
    if idea.neighbourhood_id:
        envelope = budget.envelopes.filter(neighbourhood_id=idea.neighbourhood_id).first()
    project = Project.objects.create(
        budget=budget,
        envelope=envelope,
        title=idea.title,
        description=idea.body,
        address=idea.address,
        proposed_cost=proposed_cost,
    )
    project.ideas.add(idea)
    return project


def _ideas_check(budget: Budget, ideas: list[Contribution]) -> None:
    for idea in ideas:
        if idea.process_id != budget.process_id or idea.kind != Contribution.Kind.IDEA:
            raise ValidationError(_("Only ideas of this process can become its projects."))


@transaction.atomic
def project_create(
    *,
    budget: Budget,
    actor: Any,
    title: str,
    description: str,
    envelope: Envelope | None = None,
    cost: int | None = None,
    ideas: list[Contribution] | None = None,
) -> Project:
    """An agent writes a project (from ideas received on any channel, or from scratch)."""
    _ideas_check(budget, ideas or [])
    if envelope is not None and envelope.budget_id != budget.pk:
        raise ValidationError({"envelope": _("This envelope belongs to another budget.")})
    project = Project(
        budget=budget, envelope=envelope, title=title.strip(), description=description, cost=cost
    )
    project.full_clean(exclude=["budget", "ideas"])
    project.save()
    project.ideas.set(ideas or [])
    ProjectEvent.objects.create(project=project, kind=ProjectEvent.Kind.ANALYSED, actor=actor)
    return project


def _ballot_frozen(budget: Budget) -> bool:
    return Ballot.objects.filter(envelope__budget=budget).exists()


@transaction.atomic
def project_analyse(
    *,
    project: Project,
    actor: Any,
    status: str,
    envelope: Envelope | None,
    cost: int | None,
    feasibility: str = "",
    within_competence: bool | None = None,
    rejection_reason: str = "",
) -> Project:
    """The services' analysis of a project, public: feasibility, cost, competence, and the
    reason when it is not kept. Once ballots are cast, the ballot list cannot change."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    budget = project.budget
    if status == Project.Status.MERGED:
        raise ValidationError({"status": _("Use “merge” to merge projects.")})
    changes_ballot = (
        status != project.status
        or envelope != project.envelope
        or (status == Project.Status.ACCEPTED and cost != project.cost)
    )
    accepted = Project.Status.ACCEPTED
    if changes_ballot and accepted in (project.status, status) and _ballot_frozen(budget):
        raise ValidationError(
            _("Ballots have been cast: the projects on the ballot can no longer change.")
        )
    if envelope is not None and envelope.budget_id != budget.pk:
        raise ValidationError({"envelope": _("This envelope belongs to another budget.")})
    if status == Project.Status.REJECTED and not rejection_reason.strip():
        raise ValidationError(
            {"rejection_reason": _("Say why the project is not kept: the reason is public.")}
        )
    if status == Project.Status.ACCEPTED:
        if envelope is None:
            raise ValidationError({"envelope": _("A project on the ballot needs an envelope.")})
        if not cost:
            raise ValidationError({"cost": _("A project on the ballot needs its cost.")})
        if cost > envelope.amount:
            raise ValidationError({"cost": _("This project costs more than its whole envelope.")})
    project.status, project.envelope, project.cost = status, envelope, cost
    project.feasibility = feasibility
    project.within_competence = within_competence
    project.rejection_reason = rejection_reason.strip() if status == "rejected" else ""
    project.save()
    ProjectEvent.objects.create(
        project=project,
        kind=ProjectEvent.Kind.ANALYSED,
        actor=actor,
        note=project.get_status_display(),
    )
    return project


@transaction.atomic
def project_merge(*, projects: list[Project], into: Project, actor: Any) -> Project:
    """Merge similar projects into one: the merged projects' ideas (so their authors and
    supports) move to `into`; each merged project points to it and keeps its own text."""
    others = [p for p in projects if p.pk != into.pk]
    if not others:
        raise ValidationError(_("Choose at least two projects to merge."))
    if _ballot_frozen(into.budget):
        raise ValidationError(_("Ballots have been cast: projects can no longer be merged."))
    for project in others:
        if project.budget_id != into.budget_id:
            raise ValidationError(_("Only projects of the same budget can be merged."))
        if project.status == Project.Status.MERGED:
            raise ValidationError(_("“%(title)s” is already merged.") % {"title": project.title})
    for project in others:
        into.ideas.add(*project.ideas.all())
        project.status = Project.Status.MERGED
        project.merged_into = into
        project.save(update_fields=["status", "merged_into", "updated_at"])
        # projects merged earlier into `project` now point to `into` as well
        Project.objects.filter(merged_into=project).update(merged_into=into)
        ProjectEvent.objects.create(
            project=project,
            kind=ProjectEvent.Kind.MERGED,
            actor=actor,
            note=_("Merged into “%(title)s”") % {"title": into.title},
        )
    ProjectEvent.objects.create(
        project=into,
        kind=ProjectEvent.Kind.MERGED,
        actor=actor,
        note=_("Merged with: %(titles)s") % {"titles": ", ".join(p.title for p in others)},
    )
    return into


def ballot_publish(*, budget: Budget) -> Budget:
    """Publish the ballot list: every envelope must hold at least one project."""
    envelopes = list(budget.envelopes.all())
    if not envelopes:
        raise ValidationError(_("Create at least one envelope first."))
    for envelope in envelopes:
        if not envelope.projects.filter(status=Project.Status.ACCEPTED).exists():
            raise ValidationError(
                _("The envelope “%(name)s” has no project on the ballot.") % {"name": envelope}
            )
    budget.ballot_published_at = budget.ballot_published_at or timezone.now()
    budget.save(update_fields=["ballot_published_at"])
    return budget


def codes_generate(*, budget: Budget, count: int) -> list[str]:
    """Invitation codes to print: 10 characters, no ambiguous letters or digits."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    if not 0 < count <= 100_000:
        raise ValidationError({"count": _("Between 1 and 100,000 codes at a time.")})
    codes: set[str] = set()
    existing = set(budget.codes.values_list("code", flat=True))
    while len(codes) < count:
        code = "".join(secrets.choice(alphabet) for _ in range(10))
        if code not in existing:
            codes.add(code)
    InvitationCode.objects.bulk_create(InvitationCode(budget=budget, code=c) for c in codes)
    return sorted(codes)


# --- ballots -----------------------------------------------------------------------------


def selections_check(envelope: Envelope, selections: Selections) -> list[tuple[Project, int]]:
    """The choices of one ballot, checked against the envelope and the ballot method."""
    budget = envelope.budget
    if not selections:
        raise ValidationError(_("Choose at least one project."))
    projects = {
        p.pk: p
        for p in Project.objects.filter(
            pk__in=list(selections), budget=budget, status=Project.Status.ACCEPTED
        )
    }
    choices = []
    for pk, points in selections.items():
        project = projects.get(pk)
        if project is None or project.envelope_id != envelope.pk:
            raise ValidationError(_("One of the chosen projects is not on this envelope's ballot."))
        choices.append((project, int(points)))
    method = budget.method
    limited = method in {Budget.Method.APPROVAL, Budget.Method.RANKING}
    if limited and budget.max_projects and len(choices) > budget.max_projects:
        raise ValidationError(
            _("Choose %(max)d projects at most (you chose %(count)d).")
            % {"max": budget.max_projects, "count": len(choices)}
        )
    if method in {Budget.Method.APPROVAL, Budget.Method.KNAPSACK}:
        choices = [(project, 1) for project, _points in choices]
    if method == Budget.Method.KNAPSACK:
        total = sum(project.cost or 0 for project, _points in choices)
        if total > envelope.amount:
            raise ValidationError(
                _(
                    "Your choices cost %(total)s €, more than the envelope's %(amount)s €: "
                    "remove a project."
                )
                % {"total": thousands(total), "amount": thousands(envelope.amount)}
            )
    if method == Budget.Method.CUMULATIVE:
        if any(points < 1 for _project, points in choices):
            raise ValidationError(_("Give each chosen project at least one point."))
        used = sum(points for _project, points in choices)
        if used > budget.points:
            raise ValidationError(
                _("You gave %(used)d points; you have %(points)d to share.")
                % {"used": used, "points": budget.points}
            )
    if method == Budget.Method.RANKING:
        ranks = sorted(points for _project, points in choices)
        if ranks != list(range(1, len(choices) + 1)):
            raise ValidationError(_("Number your choices 1, 2, 3… without gaps or repeated ranks."))
    return choices


def _eligibility_check(
    *, budget: Budget, envelope: Envelope, voter: Any, postcode: str, age_confirmed: bool, code: str
) -> InvitationCode | None:
    """The conditions a new voter states; nothing of it is stored but the code's use."""
    if budget.min_age and not age_confirmed:
        raise ValidationError(
            {"age_confirmed": _("Confirm that you are at least %(age)d.") % {"age": budget.min_age}}
        )
    accepted = budget.postcode_list()
    if accepted and postcode.strip().replace(" ", "") not in accepted:
        raise ValidationError(
            {
                "postcode": _("This vote is open to residents of: %(list)s.")
                % {"list": ", ".join(accepted)}
            }
        )
    if envelope.neighbourhood_id:
        other = (
            Ballot.objects.filter(envelope__budget=budget, voter=voter)
            .exclude(envelope=envelope)
            .exclude(envelope__neighbourhood=None)
            .select_related("envelope")
            .first()
        )
        if other is not None:
            raise ValidationError(
                _(
                    "You already voted in the envelope “%(name)s”: a resident votes in one "
                    "neighbourhood. Withdraw that ballot first to vote here."
                )
                % {"name": other.envelope.name}
            )
    if not budget.codes_required or selectors.code_used(budget=budget, voter=voter):
        return None
    invitation = (
        InvitationCode.objects.select_for_update()
        .filter(budget=budget, code=code.strip().upper().replace(" ", ""))
        .first()
    )
    if invitation is None or (invitation.used_at and invitation.used_by_id != voter.pk):
        raise ValidationError({"code": _("This invitation code is not valid or already used.")})
    return invitation


def _ballots_lock(budget: Budget) -> None:
    """Called first in every transaction that may write a ballot: the budget's row is locked,
    so a count (which locks it too) either sees this ballot or waits for it and is then made
    out of date by `_count_outdated`."""
    Budget.objects.select_for_update().filter(pk=budget.pk).first()


def _count_outdated(budget: Budget) -> None:
    """A ballot was written, changed or withdrawn: the count is no longer current (results
    are published from a fresh count)."""
    Budget.objects.filter(pk=budget.pk).update(counted_at=None)
    budget.counted_at = None


def _choices_write(ballot: Ballot, choices: list[tuple[Project, int]]) -> None:
    ballot.choices.all().delete()
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=ballot, project=project, points=points) for project, points in choices
    )


@transaction.atomic
def ballot_cast(
    *,
    envelope: Envelope,
    voter: Any,
    selections: Selections,
    postcode: str = "",
    age_confirmed: bool = False,
    code: str = "",
) -> Ballot:
    """Cast or change one's online ballot in an envelope (one per person and envelope)."""
    budget = envelope.budget
    contribution_services.activity_check(budget.process, Activity.VOTE)
    if not budget.ballot_published_at:
        raise contribution_services.ActivityClosed(_("The ballot list is not published yet."))
    if voter is None or not voter.is_authenticated:
        raise ValidationError(_("Sign in to vote."))
    # one voter at a time: a double submit waits for the first and then updates its ballot
    get_user_model().objects.select_for_update().filter(pk=voter.pk).first()
    _ballots_lock(budget)
    choices = selections_check(envelope, selections)
    ballot = Ballot.objects.filter(envelope=envelope, voter=voter).first()
    if ballot is None:
        invitation = _eligibility_check(
            budget=budget,
            envelope=envelope,
            voter=voter,
            postcode=postcode,
            age_confirmed=age_confirmed,
            code=code,
        )
        ballot = Ballot.objects.create(envelope=envelope, voter=voter, channel=Channel.ONLINE)
        if invitation is not None and invitation.used_at is None:
            invitation.used_by, invitation.used_at = voter, timezone.now()
            invitation.save(update_fields=["used_by", "used_at"])
    else:
        ballot.save(update_fields=["updated_at"])
    _choices_write(ballot, choices)
    _count_outdated(budget)
    return ballot


@transaction.atomic
def ballot_withdraw(*, envelope: Envelope, voter: Any) -> bool:
    contribution_services.activity_check(envelope.budget.process, Activity.VOTE)
    _ballots_lock(envelope.budget)
    deleted, _detail = Ballot.objects.filter(envelope=envelope, voter=voter).delete()
    if deleted:
        _count_outdated(envelope.budget)
    return bool(deleted)


def _staff_ballot_check(envelope: Envelope, entered_by: Any) -> None:
    process = envelope.budget.process
    contribution_services.staff_entry_check(process=process, entered_by=entered_by)
    if not envelope.budget.ballot_published_at:
        raise ValidationError(_("The ballot list is not published yet."))
    if envelope.budget.results_published_at:
        raise contribution_services.ActivityClosed(
            _("The results are published: no more ballots can be entered.")
        )


def _normalised(choices: list[tuple[Project, int]]) -> dict[str, int]:
    return {str(project.pk): points for project, points in sorted(choices, key=lambda c: c[0].pk)}


@transaction.atomic
def paper_ballot_enter(
    *, envelope: Envelope, paper_ref: str, selections: Selections, entered_by: Any
) -> PaperEntry:
    """Key in a paper ballot. The first keying waits; a second keying by another person
    that agrees makes the ballot; one that differs marks both as conflicting, and a third
    keying that agrees with either settles it. A ballot number counts once."""
    _staff_ballot_check(envelope, entered_by)
    paper_ref = paper_ref.strip()
    if not paper_ref:
        raise ValidationError({"paper_ref": _("Enter the number printed on the ballot.")})
    # the budget's row is locked: two agents keying the same ballot number wait for each other
    _ballots_lock(envelope.budget)
    if Ballot.objects.filter(envelope=envelope, paper_ref=paper_ref).exists():
        raise ValidationError(
            {"paper_ref": _("Ballot %(ref)s is already counted.") % {"ref": paper_ref}}
        )
    choices = selections_check(envelope, selections)
    wanted = _normalised(choices)
    earlier = list(PaperEntry.objects.filter(envelope=envelope, paper_ref=paper_ref))
    if any(e.entered_by_id == entered_by.pk for e in earlier):
        raise ValidationError(
            {"paper_ref": _("You already keyed this ballot: another person keys it a second time.")}
        )
    entry = PaperEntry.objects.create(
        envelope=envelope, paper_ref=paper_ref, selections=wanted, entered_by=entered_by
    )
    if not earlier:
        return entry
    if any(e.selections == wanted for e in earlier):
        ballot = Ballot.objects.create(
            envelope=envelope, channel=Channel.PAPER, paper_ref=paper_ref, entered_by=entered_by
        )
        _choices_write(ballot, choices)
        _count_outdated(envelope.budget)  # a first keying alone changes no ballot
        PaperEntry.objects.filter(envelope=envelope, paper_ref=paper_ref).update(
            status=PaperEntry.Status.CONFIRMED
        )
        entry.status = PaperEntry.Status.CONFIRMED
        return entry
    PaperEntry.objects.filter(envelope=envelope, paper_ref=paper_ref).update(
        status=PaperEntry.Status.CONFLICT
    )
    entry.status = PaperEntry.Status.CONFLICT
    return entry


@transaction.atomic
def assisted_ballot_record(
    *,
    envelope: Envelope,
    session: Any,
    mediator: Any,
    selections: Selections,
    paper_ref: str,
    confirmed: bool,
) -> Ballot:
    """A mediator records the ballot of a person in front of them, on the tablet, during the
    vote; the person reads the summary back (`confirmed`) and keeps the receipt number."""
    contribution_services.mediation_session_check(session=session, mediator=mediator)
    if session.organization_id != envelope.budget.process.organization_id:
        raise ValidationError(_("This process belongs to another local government."))
    _staff_ballot_check(envelope, mediator)
    contribution_services.activity_check(envelope.budget.process, Activity.VOTE)
    if not confirmed:
        raise ValidationError(
            {"confirmed": _("Record the ballot once the person has checked their choices.")}
        )
    choices = selections_check(envelope, selections)
    _ballots_lock(envelope.budget)
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(
                envelope=envelope,
                channel=Channel.ASSISTED,
                paper_ref=paper_ref.strip(),
                entered_by=mediator,
                mediation=session,
            )
    except IntegrityError:
        raise ValidationError(
            {"paper_ref": _("Ballot %(ref)s is already counted.") % {"ref": paper_ref}}
        ) from None
    _choices_write(ballot, choices)
    _count_outdated(envelope.budget)
    return ballot


# --- counting and results ----------------------------------------------------------------


def count_request(*, budget: Budget, actor: Any = None) -> None:
    """Count every envelope with both rules, in the background (`actor`: who asked, for the
    audit log)."""
    from .tasks import count_budget

    enqueue_on_commit(count_budget, budget.pk, actor.pk if actor is not None else None)


@transaction.atomic
def tallies_compute(*, budget_id: int, actor_id: int | None = None) -> int:
    """Count every envelope of a budget with both rules and store the outcomes, all in one
    transaction with the budget's row locked: no ballot is written while it counts."""
    budget = Budget.objects.select_for_update().select_related("process").get(pk=budget_id)
    count = 0
    for envelope in budget.envelopes.all():
        election = selectors.election_of(envelope=envelope)
        for rule in Budget.Rule.values:
            outcome = engine.count(election, rule)
            Tally.objects.update_or_create(
                envelope=envelope,
                rule=rule,
                defaults={
                    "selected": [int(pid) for pid in outcome.selected],
                    "total_cost": int(outcome.total_cost),
                    "ballots": len(election.ballots),
                    "engine_version": palabre_analysis.__version__,
                },
            )
        count += len(election.ballots)
    budget.counted_at = timezone.now()
    budget.ballot_order_key = secrets.token_hex(32)
    budget.save(update_fields=["counted_at", "ballot_order_key"])
    audit_record(
        organization=budget.process.organization,
        actor=get_user_model().objects.filter(pk=actor_id).first() if actor_id else None,
        action=AuditEvent.Kind.BUDGET_COUNT,
        target=budget,
        label=budget.process.title,
        new={"ballots": count},
    )
    return count


@transaction.atomic
def results_publish(*, budget: Budget, actor: Any = None) -> Budget:
    """Publish the stored count, only if no ballot was written since it was made."""
    budget = Budget.objects.select_for_update().select_related("process").get(pk=budget.pk)
    if not budget.counted_at:
        raise ValidationError(
            _(
                "Count the ballots before publishing the results: they are not counted yet, "
                "or ballots were entered since the last count."
            )
        )
    if activity_closed_reason(budget.process, Activity.VOTE) is None:
        raise ValidationError(_("The vote is still open: publish the results after it closes."))
    counted = dict(
        Tally.objects.filter(envelope__budget=budget, rule=budget.rule).values_list(
            "envelope_id", "ballots"
        )
    )
    for envelope_id, ballots in selectors.ballot_totals(budget=budget).items():
        if counted.get(envelope_id, -1) != ballots:  # a count that no longer matches
            raise ValidationError(
                _("Ballots changed since the count: count them again, then publish.")
            )
    budget.results_published_at = timezone.now()
    budget.save(update_fields=["results_published_at"])
    audit_record(
        organization=budget.process.organization,
        actor=actor,
        action=AuditEvent.Kind.BUDGET_RESULTS_PUBLISH,
        target=budget,
        label=budget.process.title,
        new={"rule": budget.rule, "ballots": sum(counted.values())},
    )
    return budget


# --- works -------------------------------------------------------------------------------


@transaction.atomic
def works_update_add(
    *,
    project: Project,
    author: Any,
    status: str,
    date: Any,
    text: str,
    photo: Any = None,
    photo_alt: str = "",
) -> WorkUpdate:
    if not text.strip():
        raise ValidationError({"text": _("Say what happened.")})
    clean_photo = None
    if photo:
        from palabre.core.images import clean_image

        if not photo_alt.strip():
            raise ValidationError({"photo_alt": _("Describe the photo in a few words.")})
        clean_photo = clean_image(photo, field="photo")
    update = WorkUpdate.objects.create(
        project=project,
        status=status,
        date=date,
        text=text.strip(),
        photo=clean_photo,
        photo_alt=photo_alt.strip() if clean_photo else "",
        author=author,
    )
    project.works_status = status
    project.save(update_fields=["works_status", "updated_at"])
    ProjectEvent.objects.create(
        project=project,
        kind=ProjectEvent.Kind.WORKS,
        actor=author,
        note=update.get_status_display(),
    )
    return update
