"""Palabre analysis engine: Django-free, usable from Python and from the `palabre` command.

Public API (stable):

- `read(path, ...)` → `Corpus`: contributions from CSV / XLSX / JSON / JSON Lines and the
  exports of Grand Débat, Decidim, CONSUL, Cap Collectif and Pol.is (detected automatically).
- `clean_text`, `is_empty_content`, `mask_personal_data`, `detect_language`: cleaning.
- `DuplicateFinder`: exact and near-duplicate groups (copy-paste campaigns).
"""

from .cleaning import clean_text, detect_language, is_empty_content, mask_personal_data
from .duplicates import DuplicateFinder
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
