"""`palabre inspect`: what is in a file, before any analysis.

Reads the file, then reports the format found, the rows that could not be read (with their
line numbers), the empty-content answers set aside, the languages, and the duplicate groups.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .cleaning import fold, is_empty_content, mask_personal_data, shorten
from .duplicates import DuplicateFinder
from .languages import LanguageDetector
from .records import Corpus


@dataclass
class Inspection:
    corpus: Corpus
    set_aside: list[int]
    set_aside_examples: list[tuple[str, int]]
    languages: Counter[str]
    duplicates: DuplicateFinder
    segments: dict[str, Counter[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        contributions = self.corpus.contributions
        return {
            "format": self.corpus.format,
            "encoding": self.corpus.encoding,
            "columns": self.corpus.columns,
            "n_input": len(contributions),
            "issues": [{"line": i.line, "message": i.message} for i in self.corpus.issues],
            "n_set_aside": len(self.set_aside),
            "set_aside_examples": [
                {"text": mask_personal_data(t), "count": n} for t, n in self.set_aside_examples
            ],
            "languages": dict(self.languages.most_common()),
            "duplicate_groups": [
                {
                    "ids": [contributions[i].id for i in group.members],
                    "size": group.size,
                    "kind": group.kind,
                    "campaign": group.campaign,
                    "example": mask_personal_data(
                        shorten(contributions[group.members[0]].text, 300)
                    ),
                }
                for group in self.duplicates.groups_
            ],
            "n_duplicate_groups": len(self.duplicates.groups_),
            "n_in_duplicate_groups": sum(g.size for g in self.duplicates.groups_),
            "n_campaigns": sum(g.campaign for g in self.duplicates.groups_),
            "n_in_campaigns": sum(g.size for g in self.duplicates.groups_ if g.campaign),
            "segments": {k: dict(v.most_common(20)) for k, v in self.segments.items()},
        }


def inspect_corpus(corpus: Corpus, *, random_state: int = 0) -> Inspection:
    contributions = corpus.contributions
    set_aside = [i for i, c in enumerate(contributions) if is_empty_content(c.text)]
    examples = Counter(contributions[i].text.strip() for i in set_aside).most_common(10)
    kept = sorted(set(range(len(contributions))) - set(set_aside))
    # the language of every answer kept, each distinct text read once (as the synthesis does)
    distinct: dict[str, int] = {}
    text_of = [distinct.setdefault(fold(contributions[i].text), len(distinct)) for i in kept]
    first = {number: i for i, number in zip(kept, text_of, strict=True)}
    found = LanguageDetector().fit([contributions[first[n]].text for n in range(len(distinct))])
    languages = Counter(found.languages_[n] for n in text_of)
    finder = DuplicateFinder(random_state=random_state).fit([contributions[i].text for i in kept])
    # Map group members back to corpus indices.
    for number, group in enumerate(finder.groups_):
        finder.groups_[number] = type(group)(
            tuple(kept[m] for m in group.members), group.kind, group.campaign
        )
    segments: dict[str, Counter[str]] = {}
    for contribution in contributions:
        for key, value in contribution.segments.items():
            if key not in {"parent", "date"}:
                segments.setdefault(key, Counter())[value] += 1
    return Inspection(corpus, set_aside, examples, languages, finder, segments)
