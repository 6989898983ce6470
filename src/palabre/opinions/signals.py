"""What the opinions app asks of the apps above it, without importing them.

`voter_segments` is sent while a pairwise ranking is computed, with `organization` and `voters`
(user ids). A receiver returns `{dimension: {user_id: value}}` for the voters it knows, e.g.
the evaluation app answers `{"neighbourhood": …}` from the profiles people filled in with their
consent; the ranking is then also computed per value of each dimension."""

from __future__ import annotations

from django.dispatch import Signal

voter_segments = Signal()
