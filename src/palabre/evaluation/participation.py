"""Who took part, as the published synthesis tells it (issue 16): people with an account,
contributions by channel, the representativeness index, who is missing compared with the
population, and the topic shares raw and reweighted.

One selector, `participation_of`, for the public page, the PDF and the open data, so the three
give the same numbers. It reuses the evaluation selectors (`representativeness`,
`reweighted_topics`) and their threshold: a group or a topic share resting on fewer than
THRESHOLD people is never given as a number. Reads only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from palabre.contributions.models import Contribution, published_q
from palabre.core.formats import percent
from palabre.core.models import Channel
from palabre.processes.models import Process

from .selectors import THRESHOLD, representativeness, reweighted_topics

#: how many under-represented groups the public page names (the most under-represented first)
MISSING_SHOWN = 5

_BAND = re.compile(r"^(\d+)-(\d+)$")
_BAND_OPEN = re.compile(r"^(\d+)\+$")


def _percent(share: float | None) -> int | None:
    return None if share is None else round(share * 100)


@dataclass(frozen=True)
class ChannelCount:
    code: str
    n: int

    @property
    def label(self) -> str:
        return str(Channel(self.code).label)


@dataclass(frozen=True)
class MissingGroup:
    """A group whose share among the participants who described themselves is under 0.8 times
    its share in the population; `sample_share` is None when fewer than THRESHOLD people of
    the group took part (the group is named, its figure is not)."""

    dimension: str
    category: str
    sample_share: float | None
    population_share: float
    ratio: float | None

    @property
    def label(self) -> str:
        return group_label(self.dimension, self.category)

    @property
    def sample_percent(self) -> int | None:
        return _percent(self.sample_share)

    @property
    def population_percent(self) -> int:
        return round(self.population_share * 100)

    @property
    def sample_text(self) -> str:
        return "" if self.sample_share is None else percent(self.sample_share)

    @property
    def population_text(self) -> str:
        return percent(self.population_share)


@dataclass(frozen=True)
class TopicShare:
    """Among the participants who described themselves and whose contributions were analysed,
    the share who spoke about the topic, raw and reweighted; all None when fewer than
    THRESHOLD of them did, zero included (suppressed: a share resting on so few people is no
    measure, and every small count reads the same, "fewer than 10 people")."""

    label: str
    raw: float | None
    weighted: float | None
    margin: float | None  # of the reweighted share, 95 %

    @property
    def suppressed(self) -> bool:
        return self.raw is None

    @property
    def raw_percent(self) -> int | None:
        return _percent(self.raw)

    @property
    def weighted_percent(self) -> int | None:
        return _percent(self.weighted)

    @property
    def margin_points(self) -> int | None:
        return _percent(self.margin)

    @property
    def raw_text(self) -> str:
        return "" if self.raw is None else percent(self.raw)

    @property
    def weighted_text(self) -> str:
        return "" if self.weighted is None else percent(self.weighted)


@dataclass
class Participation:
    participants: int  # accounts that did anything in the process
    contributions: int  # readable contributions, every channel
    without_account: int  # readable contributions given without an account
    by_channel: list[ChannelCount]
    # "ok", "no_reference" (nothing to compare with) or "too_few" (under THRESHOLD described
    # themselves): the representativeness figures below are given only when "ok"
    status: str = "no_reference"
    answered: int = 0
    index: float | None = None
    dimensions: list[str] = field(default_factory=list)
    source: str = ""
    missing: list[MissingGroup] = field(default_factory=list)
    # "ok", "too_few" (under THRESHOLD analysed contributors described themselves) or "none"
    # (no analysed topic); only when `status` is "ok"
    topics_status: str = "none"
    speakers: int = 0
    topics: list[TopicShare] = field(default_factory=list)
    threshold: int = THRESHOLD

    @property
    def index_percent(self) -> int | None:
        return _percent(self.index)

    @property
    def criteria(self) -> str:
        """The criteria compared, in words: "age, sex, neighbourhood"."""
        return ", ".join(dimension_label(d) for d in self.dimensions)


def _dimension_order(dimension: str) -> tuple[int, str]:
    """Age, sex, neighbourhood, then the others by name (a JSON field keeps no key order on
    PostgreSQL)."""
    known = ("age", "sexe", "quartier")
    return (known.index(dimension) if dimension in known else len(known), dimension)


def dimension_label(dimension: str) -> str:
    labels = {"age": _("age"), "sexe": _("sex"), "quartier": _("neighbourhood")}
    return str(labels.get(dimension, dimension))


def group_label(dimension: str, category: str) -> str:
    """A category of the reference population in plain words: "people aged 15 to 29"."""
    if dimension == "age":
        if match := _BAND.match(category):
            return _("people aged %(low)s to %(high)s") % {
                "low": match.group(1),
                "high": match.group(2),
            }
        if match := _BAND_OPEN.match(category):
            return _("people aged %(low)s and over") % {"low": match.group(1)}
    if dimension == "sexe" and category in {"F", "H"}:
        return _("women") if category == "F" else _("men")
    if dimension == "quartier":
        return _("residents of the %(name)s neighbourhood") % {"name": category}
    return _("%(dimension)s: %(category)s") % {
        "dimension": dimension_label(dimension),
        "category": category,
    }


def participation_of(*, process: Process) -> Participation:
    """The figures of the "who took part?" block of the process's public synthesis."""
    from .selectors import participant_ids

    readable = Contribution.objects.filter(published_q(), process=process)
    counts = dict(
        readable.values_list("channel").annotate(n=Count("pk")).values_list("channel", "n")
    )
    result = Participation(
        participants=len(participant_ids(process)),
        contributions=sum(counts.values()),
        without_account=readable.filter(author__isnull=True).count(),
        by_channel=[ChannelCount(c.value, counts[c.value]) for c in Channel if counts.get(c.value)],
    )
    compared = representativeness(process=process)
    if compared is None:
        return result
    result.answered = compared["answered"]
    if compared["answered"] < THRESHOLD or compared["report"]["index"] is None:
        result.status = "too_few"
        return result
    report = compared["report"]
    result.status = "ok"
    result.index = report["index"]
    result.source = compared["source"]
    result.dimensions = sorted(
        (n for n, d in report["dimensions"].items() if d["index"] is not None), key=_dimension_order
    )
    result.missing = _missing(report)
    _add_topics(result, process, compared)
    return result


def _missing(report: dict[str, Any]) -> list[MissingGroup]:
    groups = []
    for name, dimension in report["dimensions"].items():
        if dimension["index"] is None:
            continue
        rows = {row["category"]: row for row in dimension["categories"]}
        for item in dimension["under_represented"]:
            row = rows[item["category"]]
            groups.append(
                MissingGroup(
                    dimension=name,
                    category=item["category"],
                    sample_share=row["sample_share"],
                    population_share=row["population_share"],
                    ratio=item["ratio"],
                )
            )
    # a group too small to be counted is clearly missing: first
    groups.sort(
        key=lambda g: (
            g.ratio if g.ratio is not None else 0.0,
            -g.population_share,
            _dimension_order(g.dimension),
            g.category,
        )
    )
    return groups[:MISSING_SHOWN]


def _add_topics(result: Participation, process: Process, compared: dict[str, Any]) -> None:
    shares = reweighted_topics(process=process, representativeness=compared)
    result.speakers = shares["speakers"]
    if not shares["rows"]:
        result.topics_status = "too_few" if shares["speakers"] else "none"
        return
    result.topics_status = "ok"
    for row in shares["rows"]:
        speakers = round(row["raw"] * shares["speakers"])
        hidden = speakers < THRESHOLD  # zero included: every small count reads the same
        result.topics.append(
            TopicShare(
                label=row["topic"].label,
                raw=None if hidden else row["raw"],
                weighted=None if hidden else row["weighted"],
                margin=None if hidden else row["weighted_margin"],
            )
        )


ROW_FIELDS = ("measure", "category", "value", "reweighted", "margin", "population_share")


def participation_rows(participation: Participation) -> list[dict[str, Any]]:
    """The same figures as rows of the open data's participation.csv (codes, not labels;
    suppressed figures left empty), each with every field of ROW_FIELDS."""
    p = participation
    rows: list[dict[str, Any]] = [
        {"measure": "participants", "value": p.participants},
        {"measure": "contributions", "value": p.contributions},
        *({"measure": "contributions", "category": c.code, "value": c.n} for c in p.by_channel),
        {"measure": "contributions_without_account", "value": p.without_account},
    ]
    if p.status == "ok":
        rows += [
            {"measure": "described_themselves", "value": p.answered},
            {"measure": "representativeness_index", "value": p.index},
            *(
                {
                    "measure": "under_represented",
                    "category": f"{g.dimension}:{g.category}",
                    "value": g.sample_share,
                    "population_share": g.population_share,
                }
                for g in p.missing
            ),
        ]
    if p.status == "ok" and p.topics_status == "ok":
        rows.append({"measure": "topic_speakers", "value": p.speakers})
        rows += [
            {
                "measure": "topic_share",
                "category": t.label,
                "value": t.raw,
                "reweighted": t.weighted,
                "margin": t.margin,
            }
            for t in p.topics
        ]
    return [
        {name: row.get(name, "" if name == "category" else None) for name in ROW_FIELDS}
        for row in rows
    ]
