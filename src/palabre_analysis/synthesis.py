"""The synthesis: from a corpus to topics, duplicates, set-aside answers and breakdowns.

`Synthesizer(...).fit(corpus).result_` is the JSON contract of `palabre synthesize` (see
`schema/synthesis.schema.json`). Same input and settings → same result.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np

from .cleaning import fold, is_empty_content, mask_personal_data
from .codebook import Category, CodebookClassifier
from .duplicates import DuplicateFinder
from .i18n import _, language_name, ngettext
from .languages import LanguageDetector
from .proposals import Document, ProposalFinder
from .provenance import libraries
from .records import Contribution, Corpus
from .topics import UNCLASSIFIED, TopicModel

SCHEMA_VERSION = "1.3"  # 1.1: "libraries"; 1.2: "proposals"; 1.3: "languages", "warnings"

#: Below this share of French texts, the result warns that the engine reads French.
MIN_FRENCH_SHARE = 0.5


def _engine_version() -> str:
    from . import __version__

    return __version__


class Synthesizer:
    """Settings in `__init__`, `fit(corpus)` returns self, the result in `result_`."""

    def __init__(
        self,
        *,
        n_topics: int | str = "auto",
        n_subtopics: int | str = "auto",
        segments: tuple[str, ...] = (),
        random_state: int = 0,
        codebook: Sequence[Category] | None = None,
        corrections: Mapping[str, str] | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.codebook = list(codebook) if codebook else None
        self.corrections = dict(corrections or {})
        self.progress = progress
        self.n_topics = n_topics
        self.n_subtopics = n_subtopics
        self.segments = segments
        self.random_state = random_state

    def settings(self) -> dict[str, Any]:
        return {
            "n_topics": self.n_topics,
            "n_subtopics": self.n_subtopics,
            "segments": list(self.segments),
            "random_state": self.random_state,
            "codebook": [c.name for c in self.codebook] if self.codebook else None,
            "n_corrections": len(self.corrections),
        }

    def fit(self, corpus: Corpus) -> Synthesizer:
        contributions = corpus.contributions
        texts = [c.text if not c.title else f"{c.title}. {c.text}" for c in contributions]
        set_aside = [i for i, c in enumerate(contributions) if is_empty_content(c.text)]
        set_aside_mask = np.zeros(len(contributions), dtype=bool)
        set_aside_mask[set_aside] = True
        kept: list[int] = np.flatnonzero(~set_aside_mask).tolist()

        self._step(_("Looking for duplicates and campaigns…"))
        finder = DuplicateFinder(random_state=self.random_state).fit([texts[i] for i in kept])
        # Voices: a campaign is one voice; identical short answers are each a voice.
        unit_of: dict[int, int] = {}  # corpus index → modelling unit
        unit_texts: list[str] = []
        unit_weights: list[float] = []
        by_key: dict[str, int] = {}
        campaign_unit: dict[int, int] = {}
        for position, i in enumerate(kept):
            group_index = int(finder.group_of_[position])
            if group_index >= 0 and finder.groups_[group_index].campaign:
                if group_index not in campaign_unit:
                    campaign_unit[group_index] = len(unit_texts)
                    unit_texts.append(texts[i])
                    unit_weights.append(1.0)
                unit_of[i] = campaign_unit[group_index]
                continue
            key = fold(texts[i])
            if key in by_key:
                unit_weights[by_key[key]] += 1.0
            else:
                by_key[key] = len(unit_texts)
                unit_texts.append(texts[i])
                unit_weights.append(1.0)
            unit_of[i] = by_key[key]
        weights = np.asarray(unit_weights)
        self._step(_("Detecting the language of {n} distinct texts…").format(n=len(unit_texts)))
        unit_language = LanguageDetector().fit(unit_texts, weights).languages_ if unit_texts else []
        self.languages_ = [""] * len(contributions)  # "" for the answers set aside
        for i in kept:
            self.languages_[i] = unit_language[unit_of[i]]
        languages = Counter(self.languages_[i] for i in kept)
        model = TopicModel(
            n_topics=self.n_topics, n_subtopics=self.n_subtopics, random_state=self.random_state
        )
        if unit_texts:
            self._step(_("Finding topics in {n} distinct texts…").format(n=len(unit_texts)))
            model.fit(unit_texts, weights)
            topics = model.topics_
            leaf_of, score = model.leaf_of_, model.score_
        else:
            topics, leaf_of, score = [], np.zeros(0, dtype=np.int64), np.zeros(0)
        first_contribution: dict[int, int] = {}
        for i in kept:
            first_contribution.setdefault(unit_of[i], int(i))
        total_voices = float(weights.sum()) or 1.0

        assignments = []
        leaf_id_of: dict[int, str | None] = {}
        for i in kept:
            unit = unit_of[i]
            leaf = int(leaf_of[unit])
            topic_id = topics[leaf].id if leaf != UNCLASSIFIED else None
            leaf_id_of[int(i)] = topic_id
            assignments.append(
                {
                    "id": contributions[i].id,
                    "topic": topic_id,
                    "score": round(float(score[unit]), 4),
                }
            )

        corrections_report = self._apply_topic_corrections(assignments, topics, leaf_id_of, kept)
        codebook_result = None
        if self.codebook:
            codebook_result = self._apply_codebook(
                contributions, kept, unit_of, unit_texts, weights, first_contribution
            )

        # One pass over the contributions: members of every topic (leaf and parent).
        members_of: dict[str, list[int]] = defaultdict(list)
        parent_of = {t.id: t.parent for t in topics}
        for i in kept:
            leaf_topic = leaf_id_of[i]
            if leaf_topic:
                members_of[leaf_topic].append(i)
                parent_topic = parent_of[leaf_topic]
                if parent_topic:
                    members_of[parent_topic].append(i)
        topic_rows = []
        for topic in topics:
            member_ids = members_of.get(topic.id, [])
            stances = Counter(contributions[i].segments.get("stance", "") for i in member_ids)
            stances.pop("", None)
            size = float(weights[topic.members].sum())
            topic_rows.append(
                {
                    "id": topic.id,
                    "label": topic.label,
                    "label_coverage": topic.coverage,
                    "keywords": topic.keywords,
                    "size": int(size),
                    "share": round(size / total_voices, 4),
                    "n_contributions": len(member_ids),
                    "parent": topic.parent,
                    "representatives": [
                        contributions[first_contribution[u]].id for u in topic.representatives
                    ],
                    "stances": dict(sorted(stances.items())),
                }
            )
        self._step(_("Looking for what people propose in each topic…"))
        proposals = self._proposals(
            contributions, kept, unit_of, set(campaign_unit.values()), leaf_id_of, topics
        )
        unclassified_units: np.ndarray = np.flatnonzero(leaf_of == UNCLASSIFIED)
        unclassified_size = float(weights[unclassified_units].sum()) if len(leaf_of) else 0.0

        groups = []
        for group in finder.groups_:
            ids = [contributions[kept[m]].id for m in group.members]
            groups.append(
                {"ids": ids, "size": group.size, "kind": group.kind, "campaign": group.campaign}
            )

        segments = self._segments(corpus, kept, leaf_id_of, topics)
        set_aside_examples = Counter(contributions[i].text.strip() for i in set_aside)
        n_voices = int(total_voices) if unit_texts else 0
        self.result_: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "engine_version": _engine_version(),
            "libraries": libraries(),
            "settings": self.settings(),
            "method": self._method(
                n_input=len(contributions),
                n_set_aside=len(set_aside),
                n_voices=n_voices,
                n_campaigns=sum(1 for g in finder.groups_ if g.campaign),
                n_topics=sum(1 for t in topics if t.parent is None),
                n_subtopics=sum(1 for t in topics if t.parent is not None),
                campaign_words=finder.campaign_words,
            ),
            "warnings": self._warnings(len(contributions), len(kept), languages),
            "input": {
                "format": corpus.format,
                "columns": corpus.columns,
                "issues": [{"line": x.line, "message": x.message} for x in corpus.issues],
            },
            "n_input": len(contributions),
            "n_set_aside": len(set_aside),
            "set_aside": {
                "ids": [contributions[i].id for i in set_aside],
                "examples": [
                    {"text": mask_personal_data(t), "count": n}
                    for t, n in set_aside_examples.most_common(10)
                ],
            },
            "n_voices": n_voices,
            "languages": dict(sorted(languages.items(), key=lambda item: (-item[1], item[0]))),
            "topics": topic_rows,
            "proposals": proposals,
            "unclassified": {
                "size": int(unclassified_size),
                "share": round(unclassified_size / total_voices, 4),
            },
            "assignments": assignments,
            "duplicate_groups": groups,
            "segments": segments,
            "corrections": corrections_report,
        }
        if codebook_result is not None:
            self.result_["codebook"] = codebook_result
        self._contributions = contributions
        self.__dict__.pop("texts_", None)  # a new fit: texts_ is computed again on demand
        return self

    def _proposals(
        self,
        contributions: Sequence[Contribution],
        kept: list[int],
        unit_of: dict[int, int],
        campaign_units: set[int],
        leaf_id_of: dict[int, str | None],
        topics: list[Any],
    ) -> list[dict[str, Any]]:
        """Recurring proposals inside each top-level topic (proposals.py): one document per
        distinct text (or campaign), leaf topic and stance, with the engine's voices."""
        parent_of = {t.id: (t.parent or t.id) for t in topics}
        rank = {t.id: n for n, t in enumerate(topics)}
        members: dict[tuple[int, str, str], list[int]] = defaultdict(list)
        for i in kept:
            leaf = leaf_id_of[i]
            if leaf is not None:
                stance = contributions[i].segments.get("stance", "")
                members[(unit_of[i], leaf, stance)].append(i)
        documents = []
        for (unit, leaf, stance), items in sorted(
            members.items(), key=lambda kv: (rank[parent_of[kv[0][1]]], kv[1][0])
        ):
            first = contributions[items[0]]
            campaign = unit in campaign_units
            documents.append(
                Document(
                    topic=parent_of[leaf],
                    leaf=leaf,
                    parts=(first.title, first.text) if first.title else (first.text,),
                    ids=tuple(contributions[i].id for i in items),
                    voices=1.0 if campaign else float(len(items)),
                    voice=unit if campaign else (unit, leaf, stance),
                    stance=stance,
                )
            )
        return ProposalFinder(random_state=self.random_state).fit(documents).proposals_

    @cached_property
    def texts_(self) -> dict[str, str]:
        """Every contribution's text with personal data masked, by id: what the HTML and XLSX
        reports quote. Computed on first use only (the JSON output does not need it)."""
        return {c.id: mask_personal_data(c.text) for c in self._contributions}

    def _apply_topic_corrections(
        self,
        assignments: list[dict[str, Any]],
        topics: list[Any],
        leaf_id_of: dict[int, str | None],
        kept: list[int],
    ) -> dict[str, Any]:
        """Without a codebook, a correction names a topic (its id or its label)."""
        if not self.corrections or self.codebook:
            return {"applied": 0, "unknown": []}
        by_name = {t.id.lower(): t.id for t in topics} | {t.label.lower(): t.id for t in topics}
        position = {a["id"]: n for n, a in enumerate(assignments)}
        applied, unknown = 0, set()
        for contribution_id, target in self.corrections.items():
            topic_id = by_name.get(target.strip().lower())
            if contribution_id in position and topic_id:
                row = assignments[position[contribution_id]]
                row["topic"], row["score"], row["corrected"] = topic_id, 1.0, True
                leaf_id_of[kept[position[contribution_id]]] = topic_id
                applied += 1
            else:
                unknown.add(target)
        return {"applied": applied, "unknown": sorted(unknown)}

    def _apply_codebook(
        self,
        contributions: Sequence[Any],
        kept: list[int],
        unit_of: dict[int, int],
        unit_texts: list[str],
        weights: np.ndarray,
        first_contribution: dict[int, int],
    ) -> dict[str, Any]:
        assert self.codebook is not None
        self._step(_("Applying the codebook…"))
        id_to_index = {contributions[i].id: i for i in kept}
        unit_corrections = {
            unit_of[id_to_index[cid]]: name
            for cid, name in self.corrections.items()
            if cid in id_to_index
        }
        classifier = CodebookClassifier(self.codebook).fit(unit_texts, unit_corrections)
        names = [c.name for c in self.codebook]
        total = float(weights.sum()) or 1.0
        categories = []
        for j, name in enumerate(names):
            units = [u for u, assigned in enumerate(classifier.assigned_) if j in assigned]
            size = float(weights[units].sum()) if units else 0.0
            best = sorted(units, key=lambda u: -classifier.confidence_[u, j])[:4]
            categories.append(
                {
                    "name": name,
                    "size": int(size),
                    "share": round(size / total, 4),
                    "representatives": [contributions[first_contribution[u]].id for u in best],
                }
            )
        rows = []
        for i in kept:
            unit = unit_of[i]
            rows.append(
                {
                    "id": contributions[i].id,
                    "categories": [
                        {
                            "name": names[j],
                            "confidence": round(float(classifier.confidence_[unit, j]), 3),
                        }
                        for j in classifier.assigned_[unit]
                    ],
                }
            )
        review_units = set(classifier.review_)
        unassigned = [u for u, assigned in enumerate(classifier.assigned_) if not assigned]
        proposed = []
        if len(unassigned) >= 3 and weights[unassigned].sum() >= 20:
            model = TopicModel(n_subtopics=1, random_state=self.random_state).fit(
                [unit_texts[u] for u in unassigned], weights[unassigned]
            )
            for topic in model.topics_[:8]:
                members = [unassigned[m] for m in topic.members]
                proposed.append(
                    {
                        "label": topic.label,
                        "label_coverage": topic.coverage,
                        "keywords": topic.keywords,
                        "size": int(weights[members].sum()) if members else 0,
                        "representatives": [
                            contributions[first_contribution[unassigned[m]]].id
                            for m in topic.representatives
                        ],
                    }
                )
        unassigned_size = float(weights[unassigned].sum()) if unassigned else 0.0
        return {
            "categories": categories,
            "assignments": rows,
            "review": [contributions[i].id for i in kept if unit_of[i] in review_units],
            "unassigned": {
                "size": int(unassigned_size),
                "share": round(unassigned_size / total, 4),
            },
            "proposed_categories": proposed,
            "unknown_corrections": classifier.unknown_corrections_,
        }

    def _step(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)

    def _segments(
        self, corpus: Corpus, kept: list[int], leaf_id_of: dict[int, str | None], topics: list[Any]
    ) -> dict[str, dict[str, dict[str, int]]]:
        parent_of = {t.id: (t.parent or t.id) for t in topics}
        names = list(self.segments)
        if any(c.segments.get("stance") for c in corpus.contributions) and "stance" not in names:
            names.append("stance")
        out: dict[str, dict[str, dict[str, int]]] = {}
        for name in names:
            table: dict[str, Counter[str]] = defaultdict(Counter)
            for i in kept:
                value = corpus.contributions[i].segments.get(name, "")
                leaf = leaf_id_of[int(i)]
                top = parent_of[leaf] if leaf else "unclassified"
                table[value or "—"][top] += 1
            out[name] = {value: dict(sorted(c.items())) for value, c in sorted(table.items())}
        return out

    def _method(
        self,
        *,
        n_input: int,
        n_set_aside: int,
        n_voices: int,
        n_campaigns: int,
        n_topics: int,
        n_subtopics: int,
        campaign_words: int,
    ) -> str:
        """How the result was made, in plain words, each count with its plural form."""
        sentences = [
            ngettext("{n} contribution was read.", "{n} contributions were read.", n_input).format(
                n=n_input
            ),
            ngettext(
                "{n} answer without content (such as “RAS”, “non”, “néant”) was set aside "
                "and counted.",
                "{n} answers without content (such as “RAS”, “non”, “néant”) were set aside "
                "and counted.",
                n_set_aside,
            ).format(n=n_set_aside),
            _(
                "Identical or near-identical texts of at least {words} words were grouped as "
                "copy-paste campaigns, each counting as one voice, its size shown; shorter "
                "identical answers are sentences people write on their own, and each counts."
            ).format(words=campaign_words),
            ngettext("{n} campaign was found.", "{n} campaigns were found.", n_campaigns).format(
                n=n_campaigns
            ),
            _(
                "The language of each contribution was detected; identifiers (web and e-mail "
                "addresses) were left out."
            ),
            ngettext(
                "{n} voice was analysed in French: words reduced to their lemma, common "
                "words removed, texts compared by their vocabulary (TF-IDF and latent semantic "
                "analysis), then grouped by k-means; unless set, the number of groups is chosen "
                "by the silhouette criterion, at most one group per five voices.",
                "{n} voices were analysed in French: words reduced to their lemma, common "
                "words removed, texts compared by their vocabulary (TF-IDF and latent semantic "
                "analysis), then grouped by k-means; unless set, the number of groups is chosen "
                "by the silhouette criterion, at most one group per five voices.",
                n_voices,
            ).format(n=n_voices),
            ngettext("{n} topic was found.", "{n} topics were found.", n_topics).format(n=n_topics),
        ]
        if n_subtopics:
            sentences.append(
                ngettext(
                    "Inside the topics, {n} sub-topic was found.",
                    "Inside the topics, {n} sub-topics were found.",
                    n_subtopics,
                ).format(n=n_subtopics)
            )
        sentences += [
            _(
                "Texts too far from every group are left unclassified. Each label is the "
                "expression that best sets a topic apart, taken from the texts; the quotes are "
                "chosen to cover the topic. The same file with the same settings always gives "
                "the same result."
            ),
            _(
                "Inside each topic, the sentences of the texts are compared by their lemmas and "
                "grouped when they say the same thing: a group held by at least two voices is a "
                "proposal, quoted word for word from one of the contributions that make it."
            ),
        ]
        return " ".join(sentences)

    def _warnings(self, n_input: int, n_analysed: int, languages: Counter[str]) -> list[str]:
        """What the reader must know before trusting the result: nothing to analyse, or
        mostly texts in another language than French."""
        if not n_input:
            return [_("The input holds no contribution: there is nothing to analyse.")]
        if not n_analysed:
            return [_("Every answer is without content: there is nothing to analyse.")]
        warnings = []
        if languages.get("fr", 0) / n_analysed < MIN_FRENCH_SHARE:
            shares = ", ".join(
                f"{language_name(code)} {round(100 * n / n_analysed)} %"
                for code, n in sorted(languages.items(), key=lambda item: (-item[1], item[0]))[:4]
            )
            warnings.append(
                _(
                    "Most texts are not in French ({languages}). The engine reads French "
                    "(lemmas and common words), so topics, labels and proposals may be poor: "
                    "analyse each language apart, or translate the texts first."
                ).format(languages=shares)
            )
        return warnings


def top_topics_of(result: Mapping[str, Any]) -> dict[str, str | None]:
    """Contribution id → its top-level topic id (a sub-topic's parent), None if unclassified."""
    parent_of = {t["id"]: (t.get("parent") or t["id"]) for t in result.get("topics", [])}
    return {
        a["id"]: (parent_of.get(a["topic"]) if a.get("topic") else None)
        for a in result.get("assignments", [])
    }


def match_topics(
    previous: Mapping[str, str | None], current: Mapping[str, str | None], *, min_share: float = 0.3
) -> dict[str, str]:
    """Pair the topics of two partitions of (mostly) the same contributions: current topic id →
    previous topic id, greedily by shared contributions, each topic used once; a pair needs a
    Jaccard index of at least `min_share`. Works on any two `id → topic` mappings."""
    members_prev: dict[str, set[str]] = defaultdict(set)
    members_cur: dict[str, set[str]] = defaultdict(set)
    for cid, topic in previous.items():
        if topic is not None:
            members_prev[topic].add(cid)
    for cid, topic in current.items():
        if topic is not None:
            members_cur[topic].add(cid)
    shared: Counter[tuple[str, str]] = Counter()
    for cid, topic in current.items():
        before = previous.get(cid)
        if topic is not None and before is not None:
            shared[(topic, before)] += 1
    pairs: dict[str, str] = {}
    used: set[str] = set()
    for (cur, prev), n in sorted(shared.items(), key=lambda item: (-item[1], item[0])):
        if cur in pairs or prev in used:
            continue
        union = len(members_cur[cur] | members_prev[prev])
        if union and n / union >= min_share:
            pairs[cur] = prev
            used.add(prev)
    return pairs


def compare_results(previous: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """What moved between two runs: contributions added or gone, topics that appeared,
    disappeared or kept (matched by shared contributions), and how many contributions present
    in both runs changed topic. Top-level topics only."""
    before, after = top_topics_of(previous), top_topics_of(current)
    pairs = match_topics(before, after)
    label_prev = {t["id"]: t["label"] for t in previous.get("topics", [])}
    label_cur = {t["id"]: t["label"] for t in current.get("topics", [])}
    size_prev = Counter(t for t in before.values() if t is not None)
    size_cur = Counter(t for t in after.values() if t is not None)
    common = before.keys() & after.keys()
    moved = 0
    for cid in common:
        topic = after[cid]
        if (pairs.get(topic) if topic is not None else None) != before[cid]:
            moved += 1
    rows = [
        {
            "previous": label_prev.get(pairs[t]) if t in pairs else None,
            "current": label_cur.get(t, t),
            "previous_id": pairs.get(t),
            "current_id": t,
            "size": [size_prev.get(pairs[t], 0) if t in pairs else 0, n],
        }
        for t, n in size_cur.most_common()
    ]
    matched = set(pairs.values())
    rows += [
        {
            "previous": label_prev.get(t, t),
            "current": None,
            "previous_id": t,
            "current_id": None,
            "size": [n, 0],
        }
        for t, n in size_prev.most_common()
        if t not in matched
    ]
    return {
        "n_input": [previous.get("n_input", len(before)), current.get("n_input", len(after))],
        "n_common": len(common),
        "n_new": len(after.keys() - before.keys()),
        "n_gone": len(before.keys() - after.keys()),
        "n_moved": moved,
        "share_moved": round(moved / len(common), 4) if common else 0.0,
        "topics": rows,
    }
