"""What the calendar allows: phases drive what participants can do (issue: consultations).

`activity_closed_reason` is the single place that says whether an activity is open on a
process now; pages, API and services all ask it, and show its French reason when closed.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _

from palabre.processes.models import Phase, Process


class Activity(StrEnum):
    SUBMIT_IDEA = "submit_idea"
    COMMENT = "comment"
    SUPPORT = "support"
    ANSWER = "answer"
    DEBATE = "debate"  # comments on the process itself
    VOTE = "vote"  # participatory-budget ballots
    OPINION = "opinion"  # agree / disagree / pass on the statements of an opinion map
    SUBMIT_STATEMENT = "submit_statement"  # a participant proposes a statement
    COMPARE = "compare"  # "which of these two ideas?"


IDEA_TEMPLATES = frozenset(
    {
        Process.Template.IDEA_BOX,
        Process.Template.PROJECT_CONSULTATION,
        Process.Template.PARTICIPATORY_BUDGET,
    }
)

ACTIVITY_TEMPLATES: dict[Activity, frozenset[str]] = {
    Activity.SUBMIT_IDEA: IDEA_TEMPLATES,
    Activity.COMMENT: IDEA_TEMPLATES,
    Activity.SUPPORT: IDEA_TEMPLATES,
    Activity.ANSWER: frozenset({Process.Template.QUESTIONNAIRE}),
    Activity.DEBATE: frozenset(Process.Template.values),
    Activity.VOTE: frozenset({Process.Template.PARTICIPATORY_BUDGET}),
    Activity.OPINION: frozenset({Process.Template.OPINION_MAP}),
    Activity.SUBMIT_STATEMENT: frozenset({Process.Template.OPINION_MAP}),
    Activity.COMPARE: IDEA_TEMPLATES,
}

ALLOWED_PHASES: dict[Activity, frozenset[str]] = {
    Activity.ANSWER: frozenset({Phase.Kind.CONTRIBUTION}),
    Activity.DEBATE: frozenset({Phase.Kind.CONTRIBUTION, Phase.Kind.QUALIFICATION}),
    Activity.SUBMIT_IDEA: frozenset({Phase.Kind.CONTRIBUTION}),
    Activity.COMMENT: frozenset({Phase.Kind.CONTRIBUTION, Phase.Kind.QUALIFICATION}),
    Activity.SUPPORT: frozenset({Phase.Kind.CONTRIBUTION, Phase.Kind.QUALIFICATION}),
    Activity.VOTE: frozenset({Phase.Kind.VOTE}),
    Activity.OPINION: frozenset({Phase.Kind.CONTRIBUTION, Phase.Kind.QUALIFICATION}),
    Activity.SUBMIT_STATEMENT: frozenset({Phase.Kind.CONTRIBUTION, Phase.Kind.QUALIFICATION}),
    Activity.COMPARE: frozenset({Phase.Kind.CONTRIBUTION, Phase.Kind.QUALIFICATION}),
}


def activity_closed_reason(process: Process, activity: Activity) -> str | None:
    """None when `activity` is open on `process` now, else why not (in French)."""
    if process.template not in ACTIVITY_TEMPLATES[activity]:
        if activity == Activity.ANSWER:
            return _("This participation process has no questionnaire.")
        if activity == Activity.VOTE:
            return _("This participation process has no vote.")
        if activity in {Activity.OPINION, Activity.SUBMIT_STATEMENT}:
            return _("This participation process has no opinion map.")
        return _("This participation process does not collect ideas.")
    if process.status != Process.Status.PUBLISHED:
        return _("This participation process is closed: everything stays readable.")
    phase = process.current_phase()
    if phase is None or phase.kind not in ALLOWED_PHASES[activity]:
        messages = {
            Activity.SUBMIT_IDEA: _("Ideas can only be submitted during the contribution phase."),
            Activity.COMMENT: _(
                "Comments are open during the contribution and qualification phases."
            ),
            Activity.SUPPORT: _(
                "Supports are open during the contribution and qualification phases."
            ),
            Activity.ANSWER: _(
                "The questionnaire can only be answered during the contribution phase."
            ),
            Activity.DEBATE: _(
                "Comments are open during the contribution and qualification phases."
            ),
            Activity.VOTE: _("Ballots can only be cast during the vote phase."),
            Activity.OPINION: _("The statements are open to votes during their phase only."),
            Activity.SUBMIT_STATEMENT: _(
                "Statements can be proposed while the statements are open to votes."
            ),
            Activity.COMPARE: _(
                "Ideas can be compared during the contribution and qualification phases."
            ),
        }
        return messages[activity]
    return None
