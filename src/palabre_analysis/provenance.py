"""What produced a result: the engine promises identical output for identical input and
settings, which holds only with the same libraries. Every analysis result records them."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

# the libraries whose versions can change a result (numerics, French lemmas and stop words,
# the language model)
LIBRARIES = ("numpy", "scipy", "scikit-learn", "simplemma", "stop-words", "gmpy2", "py3langid")


def libraries() -> dict[str, str]:
    """Python's and each analysis library's version ("" when it is not installed)."""
    found = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = ""
    return found
