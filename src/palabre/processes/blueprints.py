"""Process templates: the phases and framing texts an agent starts from.

Later issues add each template's components (ideas, questionnaire, budget, opinion map).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Phase, Process


@dataclass(frozen=True)
class PhasePlan:
    kind: str
    title: Promise
    days: int


@dataclass(frozen=True)
class Blueprint:
    template: str
    description: Promise
    phases: tuple[PhasePlan, ...]


_INFO = PhasePlan(Phase.Kind.INFORMATION, _("Information"), 14)
_SYNTHESIS = PhasePlan(Phase.Kind.SYNTHESIS, _("Synthesis"), 21)
_RESTITUTION = PhasePlan(Phase.Kind.RESTITUTION, _("Restitution and answers"), 30)

BLUEPRINTS: dict[str, Blueprint] = {
    Process.Template.IDEA_BOX: Blueprint(
        Process.Template.IDEA_BOX,
        _("Collect ideas from residents, let them support and comment, then answer each one."),
        (
            _INFO,
            PhasePlan(Phase.Kind.CONTRIBUTION, _("Submit ideas"), 42),
            PhasePlan(Phase.Kind.QUALIFICATION, _("Support and compare ideas"), 21),
            _SYNTHESIS,
            _RESTITUTION,
        ),
    ),
    Process.Template.PROJECT_CONSULTATION: Blueprint(
        Process.Template.PROJECT_CONSULTATION,
        _("Present a project with its documents and gather opinions, for and against."),
        (
            PhasePlan(Phase.Kind.INFORMATION, _("Discover the project"), 21),
            PhasePlan(Phase.Kind.CONTRIBUTION, _("Give your opinion"), 30),
            _SYNTHESIS,
            _RESTITUTION,
        ),
    ),
    Process.Template.QUESTIONNAIRE: Blueprint(
        Process.Template.QUESTIONNAIRE,
        _("Ask closed and open questions; open answers are analysed together."),
        (
            _INFO,
            PhasePlan(Phase.Kind.CONTRIBUTION, _("Answer the questionnaire"), 30),
            _SYNTHESIS,
            _RESTITUTION,
        ),
    ),
    Process.Template.PARTICIPATORY_BUDGET: Blueprint(
        Process.Template.PARTICIPATORY_BUDGET,
        _("Residents propose projects, the services study them, residents vote, the city builds."),
        (
            PhasePlan(Phase.Kind.CONTRIBUTION, _("Submit projects"), 45),
            PhasePlan(Phase.Kind.QUALIFICATION, _("Analysis by the services"), 60),
            PhasePlan(Phase.Kind.VOTE, _("Vote"), 21),
            PhasePlan(Phase.Kind.RESTITUTION, _("Results"), 14),
            PhasePlan(Phase.Kind.FOLLOW_UP, _("Works"), 365),
        ),
    ),
    Process.Template.OPINION_MAP: Blueprint(
        Process.Template.OPINION_MAP,
        _(
            "Participants agree or disagree with short statements; "
            "opinion groups and consensus appear."
        ),
        (
            _INFO,
            PhasePlan(Phase.Kind.QUALIFICATION, _("Vote on statements"), 21),
            _SYNTHESIS,
            _RESTITUTION,
        ),
    ),
}
