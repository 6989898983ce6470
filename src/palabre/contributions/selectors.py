"""Reads for contributions. `contributions_visible_to` is the chokepoint: pages, API, open
data and analysis input all take contributions through it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from palabre.core.orm import get_or_404
from palabre.processes.models import Process
from palabre.processes.selectors import process_get_for_user

from .models import Contribution, IdeaViewer, Support, published_q


def _held_filter(*, user: Any, process: Process) -> Q:
    """Contributions held for review (word list) are seen by their author and moderators."""
    from palabre.organizations.permissions import organization_user_can
    from palabre.organizations.roles import Action

    if organization_user_can(user, process.organization, Action.MODERATE):
        return Q()
    visible = Q(held_at__isnull=True)
    if user.is_authenticated:
        visible |= Q(author=user.pk)
    return visible


def contributions_visible_to(*, user: Any, process: Process) -> QuerySet[Contribution]:
    # Re-check the process itself through its own chokepoint (404 if the user may not see it).
    process_get_for_user(user=user, organization=process.organization, slug=process.slug)
    # Hidden contributions stay listed (templates show their public reason, never their text);
    # held ones wait for a moderator.
    return (
        Contribution.objects.filter(process=process)
        .filter(_held_filter(user=user, process=process))
        .select_related("author", "theme", "neighbourhood")
    )


def contributions_public(*, process: Process) -> QuerySet[Contribution]:
    """What anyone may read of the process, whoever asks (published_q): the open data's and
    the API's contributions."""
    return Contribution.objects.filter(published_q(), process=process)


def contribution_get_for_user(*, user: Any, process: Process, pk: int) -> Contribution:
    """Any contribution (idea, comment, answer…) of the process visible to `user`, or 404."""
    from django.utils.translation import gettext as _

    return get_or_404(
        contributions_visible_to(user=user, process=process),
        _("This contribution does not exist."),
        pk=pk,
    )


def contributions_top_level(*, user: Any, process: Process) -> QuerySet[Contribution]:
    """What a process that collects no ideas lists: its contributions visible to `user` that
    answer nothing (comments are shown in their thread), newest first, with `n_replies`."""
    return (
        contributions_visible_to(user=user, process=process)
        .filter(parent__isnull=True)
        .exclude(kind=Contribution.Kind.COMMENT)
        .annotate(n_replies=Count("replies"))
        .order_by("-created_at", "-pk")
    )


def contributions_of_meeting(
    *, user: Any, process: Process, meeting: Any
) -> QuerySet[Contribution]:
    """The contributions typed in from a meeting, visible to `user`, in order."""
    return (
        contributions_visible_to(user=user, process=process)
        .filter(meeting=meeting)
        .order_by("created_at", "pk")
    )


def comment_get(*, process: Process, pk: int) -> Contribution:
    """A comment of the process (the one a reply answers), or 404."""
    from django.utils.translation import gettext as _

    return get_or_404(
        Contribution.objects.filter(process=process, kind=Contribution.Kind.COMMENT),
        _("This comment does not exist."),
        pk=pk,
    )


def contribution_find(*, process: Process, pk: Any) -> Contribution | None:
    """The process's contribution with this number, whatever its state, for the agents; None
    when there is none."""
    if not str(pk).isdigit():
        return None
    return Contribution.objects.filter(process=process, pk=int(pk)).first()


def contribution_get(
    *, pk: Any, process: Process | None = None, organization: Any = None
) -> Contribution:
    """For the agents: a contribution of `process` (or of any process of `organization`),
    whatever its state, or 404."""
    qs = Contribution.objects.all()
    if process is not None:
        qs = qs.filter(process=process)
    if organization is not None:
        qs = qs.filter(process__organization=organization)
    return get_or_404(qs, pk=pk)


def contribution_texts(*, process: Process, pks: list[int]) -> dict[int, str]:
    """The texts of these contributions of the process, by id."""
    return dict(Contribution.objects.filter(process=process, pk__in=pks).values_list("pk", "body"))


def contributions_by(*, author: Any) -> QuerySet[Contribution]:
    """Everything `author` contributed, everywhere, withdrawn contributions left out."""
    return Contribution.objects.filter(author=author.pk, withdrawn_at__isnull=True)


def contributions_entered_by(*, process: Process, user: Any) -> QuerySet[Contribution]:
    """What `user` typed in for the process (paper, meeting), newest first."""
    return Contribution.objects.filter(process=process, entered_by=user.pk).order_by(
        "-created_at", "-pk"
    )


def contribution_counts(*, process: Process) -> dict[str, int]:
    rows = Contribution.objects.filter(process=process).aggregate(
        total=Count("pk"),
        ideas=Count("pk", filter=Q(kind=Contribution.Kind.IDEA)),
        comments=Count("pk", filter=Q(kind=Contribution.Kind.COMMENT)),
        answers=Count("pk", filter=Q(kind=Contribution.Kind.ANSWER)),
        participants=Count("author", distinct=True),
    )
    return {k: v or 0 for k, v in rows.items()}


def channel_counts(*, process: Process) -> list[dict[str, Any]]:
    rows = (
        Contribution.objects.filter(process=process)
        .values("channel")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    return [dict(row) for row in rows]


IDEA_SORTS = ("random", "recent", "supported", "commented")


def _count_of(model: Any, field: str) -> Any:
    """A correlated COUNT subquery: unlike Count() over joins, it does not multiply rows
    (supports × comments) and stays fast on 10,000 ideas."""
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    counts = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def ideas_of(
    *,
    user: Any,
    process: Process,
    text: str = "",
    theme: str = "",
    neighbourhood: str = "",
    channel: str = "",
    status: str = "",
    sort: str = "random",
    seed: int = 0,
) -> QuerySet[Contribution]:
    """Ideas of a process with their support and comment counts, filtered and sorted.

    "random" (the default, fair to late ideas) is a stable shuffle for a given `seed`, so
    pagination does not repeat or skip ideas."""
    from django.db.models import F, Value
    from django.db.models.functions import Mod

    qs = (
        contributions_visible_to(user=user, process=process)
        .filter(kind=Contribution.Kind.IDEA)
        .annotate(
            n_supports=_count_of(Support, "contribution"),
            n_comments=_count_of(Contribution, "parent"),
        )
    )
    if text:
        qs = qs.filter(Q(title__icontains=text) | Q(body__icontains=text))
    if theme:
        qs = qs.filter(theme__slug=theme)
    if neighbourhood:
        qs = qs.filter(neighbourhood__slug=neighbourhood)
    if channel:
        qs = qs.filter(channel=channel)
    if status == "active":
        qs = qs.filter(withdrawn_at__isnull=True, is_hidden=False)
    elif status == "withdrawn":
        qs = qs.filter(withdrawn_at__isnull=False)
    elif status == "hidden":
        qs = qs.filter(is_hidden=True)
    if sort == "recent":
        return qs.order_by("-created_at", "-pk")
    if sort == "supported":
        return qs.annotate(
            seen=F("views") + _count_of(IdeaViewer, "idea"),
            support_score=support_score(),
        ).order_by("-support_score", "-n_supports", "-created_at", "-pk")
    if sort == "commented":
        return qs.order_by("-n_comments", "-created_at", "-pk")
    # a multiplier in 1000…8999 is never 0 (or ±1, a mere rotation) modulo the prime 10007:
    # every seed gives a real shuffle
    multiplier = 1000 + seed % 8000
    return qs.annotate(
        shuffle=Mod(F("pk") * Value(multiplier) + Value(seed % 10007), Value(10007))
    ).order_by("shuffle", "pk")


EXPLORATION_VIEWS = 30  # below this many openings, an idea is still being discovered
Z_95 = 1.96


def support_score() -> Any:
    """The fair "most supported" order, as an SQL expression over `n_supports`:

    the lower bound of the Wilson 95 % interval of supports / openings of the idea's page
    (so 10 supports out of 20 openings rank above 12 out of 200), except while an idea has
    been opened fewer than EXPLORATION_VIEWS times: then the upper bound, so that new ideas
    are shown near the top until enough people have seen them, and sink if they do not
    convince (optimism in the face of uncertainty)."""
    from django.db.models import Case, F, FloatField, Value, When
    from django.db.models.functions import Cast, Greatest, Sqrt

    s = Cast(F("n_supports"), FloatField())
    n = Cast(Greatest(F("seen"), F("n_supports"), Value(1)), FloatField())
    z2 = Value(Z_95 * Z_95)
    centre = (s / n) + z2 / (Value(2.0) * n)
    spread = Value(Z_95) * Sqrt((s / n) * (Value(1.0) - s / n) / n + z2 / (Value(4.0) * n * n))
    denominator = Value(1.0) + z2 / n
    return Case(
        When(seen__lt=EXPLORATION_VIEWS, then=(centre + spread) / denominator),
        default=(centre - spread) / denominator,
        output_field=FloatField(),
    )


def idea_get_for_user(*, user: Any, process: Process, pk: int) -> Contribution:
    """The chokepoint for one idea: 404 unless it is an idea of a process the user may see."""
    from django.http import Http404
    from django.utils.translation import gettext as _

    idea = (
        contributions_visible_to(user=user, process=process)
        .filter(kind=Contribution.Kind.IDEA, pk=pk)
        .annotate(n_supports=Count("supports", distinct=True))
        .first()
    )
    if idea is None:
        raise Http404(_("This idea does not exist."))
    return idea


COMMENTS_PER_PAGE = 50


def comments_of(
    *,
    user: Any,
    idea: Contribution | None = None,
    process: Process | None = None,
    page: int | str | None = None,
) -> tuple[Any, list[Contribution]]:
    """Comments of an idea (or, with `process`, on the process itself), oldest first, 50
    top-level comments a page, each with all its replies (one level). Returns the page
    (for the navigation) and its comments."""
    from django.core.paginator import Paginator

    process = process or (idea.process if idea is not None else None)
    assert process is not None
    held = _held_filter(user=user, process=process)
    top = Q(parent=idea) if idea is not None else Q(process=process, parent__isnull=True)
    qs = (
        Contribution.objects.filter(held, top, kind=Contribution.Kind.COMMENT)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    current = Paginator(qs, COMMENTS_PER_PAGE).get_page(page)
    comments = list(current.object_list)
    replies = (
        Contribution.objects.filter(held, parent__in=comments, kind=Contribution.Kind.COMMENT)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    by_parent: dict[int, list[Contribution]] = {}
    for reply in replies:
        by_parent.setdefault(reply.parent_id or 0, []).append(reply)
    for comment in comments:
        comment.thread = by_parent.get(comment.pk, [])  # type: ignore[attr-defined]
    return current, comments


def supported_by(*, user: Any, ideas: list[Contribution]) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        Support.objects.filter(user=user, contribution__in=ideas).values_list(
            "contribution_id", flat=True
        )
    )


CORPUS_COLUMNS = (
    "id",
    "kind",
    "title",
    "text",
    "question",
    "stance",
    "parent",
    "channel",
    "phase",
    "theme",
    "neighbourhood",
    "participant_type",
    "date",
    "supports",
    "hidden",
)


def corpus_rows(
    *, user: Any, process: Process, published_only: bool = False
) -> Iterator[dict[str, str]]:
    """The whole corpus of a process, every channel, one row per contribution, with the
    segment columns the analysis engine reads (`palabre synthesize export.csv --segment …`).
    No e-mail, no name: only what the analysis needs; dates in the site's time zone.
    `published_only` leaves out hidden, withdrawn and held contributions (what the web app's
    analysis reads)."""
    qs = contributions_visible_to(user=user, process=process)
    if published_only:
        qs = qs.filter(is_hidden=False, withdrawn_at__isnull=True, held_at__isnull=True)
    qs = (
        qs.select_related("phase", "theme", "neighbourhood", "author")
        .annotate(n_supports=Count("supports", distinct=True))
        .order_by("pk")
    )
    for c in qs.iterator(chunk_size=2000):
        yield {
            "id": str(c.pk),
            "kind": c.kind,
            "title": c.title,
            "text": c.body,
            "question": c.question,
            "stance": c.stance,
            "parent": str(c.parent_id or ""),
            "channel": c.channel,
            "phase": c.phase.kind if c.phase else "",
            "theme": c.theme.name if c.theme else "",
            "neighbourhood": c.neighbourhood.name if c.neighbourhood else "",
            "participant_type": c.author.participant_type if c.author else "",
            "date": timezone.localdate(c.created_at).isoformat(),
            "supports": str(getattr(c, "n_supports", 0)),
            "hidden": "yes" if c.is_hidden else "",
        }


def coauthors_of(*, idea: Contribution) -> list[Any]:
    """Associations that accepted to co-sign the idea, in order of acceptance."""
    from .models import Coauthorship

    return [
        c.user
        for c in Coauthorship.objects.filter(idea=idea, accepted_at__isnull=False)
        .select_related("user")
        .order_by("accepted_at")
    ]


def coauthor_invitation(*, idea: Contribution, user: Any) -> Any:
    from .models import Coauthorship

    if not user.is_authenticated:
        return None
    return Coauthorship.objects.filter(idea=idea, user=user.pk, accepted_at__isnull=True).first()


def mediation_session_open(*, organization: Any, mediator: Any) -> Any:
    """The mediator's session in progress in this organisation, if any."""
    from .models import MediationSession

    return MediationSession.objects.filter(
        organization=organization, mediator=mediator.pk, ended_at__isnull=True
    ).first()


def session_contribution_count(*, session: Any) -> int:
    """How many contributions a mediation session recorded."""
    return int(session.contributions.count())


def processes_open_for_mediation(*, user: Any, organization: Any) -> list[Process]:
    """The published processes a mediator can take a person's contribution to now: ideas
    being collected, a questionnaire being answered, a participatory budget being voted."""
    from palabre.processes.selectors import processes_visible_to

    from .rules import IDEA_TEMPLATES, Activity, activity_closed_reason

    open_processes = []
    for process in processes_visible_to(user=user, organization=organization).filter(
        status=Process.Status.PUBLISHED
    ):
        if (
            (
                process.template in IDEA_TEMPLATES
                and not activity_closed_reason(process, Activity.SUBMIT_IDEA)
            )
            or (
                process.template == Process.Template.QUESTIONNAIRE
                and not activity_closed_reason(process, Activity.ANSWER)
            )
            or (
                process.template == Process.Template.PARTICIPATORY_BUDGET
                and not activity_closed_reason(process, Activity.VOTE)
            )
        ):
            open_processes.append(process)
    return open_processes
