"""Events of a process that other apps react to, without processes importing them.

`process_archived` is sent (inside the transaction) when a process is archived: apps delete
the personal data they only kept to follow the process up (contacts for feedback…)."""

from __future__ import annotations

from django.dispatch import Signal

process_archived = Signal()

#: sent on commit when a process is closed (open data is published then).
process_closed = Signal()
