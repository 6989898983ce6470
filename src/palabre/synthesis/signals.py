"""What the synthesis app tells the apps above it (notifications): sent on commit."""

from __future__ import annotations

from django.dispatch import Signal

#: sender=Synthesis, synthesis=… — a version of the synthesis was published.
synthesis_published = Signal()
#: sender=Answer, answer=… — a public answer was given about a topic or a proposal.
answer_given = Signal()
