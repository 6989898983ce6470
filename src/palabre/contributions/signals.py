"""Events other apps may react to (notifications), without contributions depending on them.

`contribution_published` is sent once a contribution is visible to the public: at once
for most, after review for those held by the word list. Sent after the transaction commits.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

from .models import Contribution

contribution_published = Signal()


def announce_published(contribution: Contribution) -> None:
    if contribution.held_at is not None:
        return
    transaction.on_commit(
        lambda: contribution_published.send(sender=Contribution, contribution=contribution)
    )
