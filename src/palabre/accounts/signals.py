"""Personal data held by apps above `accounts` (meetings, questionnaires, notifications…):
each app answers these signals for its own data, so the export is complete and deletion
leaves nothing behind, without `accounts` importing them.

- `personal_data_export`: receivers return `(section name, JSON-ready data)`.
- `account_anonymised`: receivers delete or detach what is personal, inside the
  transaction that anonymises the account.
"""

from __future__ import annotations

from django.dispatch import Signal

personal_data_export = Signal()
account_anonymised = Signal()
