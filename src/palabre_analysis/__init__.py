"""Palabre analysis engine: Django-free, usable from Python and from the `palabre` command.

Public API (stable):

- `read(path, ...)` → `Corpus`: contributions from CSV / XLSX / JSON / JSON Lines and the
  exports of Grand Débat, Decidim, CONSUL, Cap Collectif and Pol.is (detected automatically).
- `clean_text`, `is_empty_content`, `mask_personal_data`, `detect_language`: cleaning.
- `DuplicateFinder`: exact and near-duplicate groups (copy-paste campaigns).
"""

from typing import Any

from .cleaning import clean_text, detect_language, is_empty_content, mask_personal_data
from .readers import read
from .records import Contribution, Corpus, ReadError, ReadIssue

__version__ = "0.1.0"

__all__ = [
    "Contribution",
    "Corpus",
    "DuplicateFinder",
    "ReadError",
    "ReadIssue",
    "__version__",
    "clean_text",
    "detect_language",
    "is_empty_content",
    "mask_personal_data",
    "read",
]


def __getattr__(name: str) -> Any:
    # DuplicateFinder needs numpy: loaded on first use, so that the web app, which only reads
    # and masks text, does not import numpy in every process.
    if name == "DuplicateFinder":
        from .duplicates import DuplicateFinder

        return DuplicateFinder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
