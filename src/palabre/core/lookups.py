"""`icontains` folds case beyond ASCII on SQLite, as it does on PostgreSQL.

SQLite's LIKE and UPPER() fold ASCII letters only, so a search for "école" missed "École".
On SQLite, every `icontains` on a CharField or TextField (search boxes, the admin's search)
compares both sides through `palabre_fold`, a Python function registered on each new
connection; on PostgreSQL the built-in lookup is unchanged (UPPER follows the database's
locale). Case only: accents still count on both databases ("ecole" does not find "école").
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models import CharField, TextField
from django.db.models.lookups import IContains

FOLD = "palabre_fold"


def fold(value: Any) -> Any:
    """The SQL function: upper case as Python knows it (every Unicode letter)."""
    return value.upper() if isinstance(value, str) else value


class FoldedIContains(IContains):
    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs = self.process_rhs(compiler, connection)
        rhs_params = list(rhs)
        if hasattr(self.rhs, "as_sql") or self.bilateral_transforms:
            # another column or an expression: escaped and folded in SQL
            pattern = rf"LIKE '%%' || {FOLD}({connection.pattern_esc}) || '%%' ESCAPE '\'"
            rhs_sql = pattern.format(rhs_sql)
        else:
            # the searched text, already escaped and wrapped in '%…%'
            rhs_params = [fold(param) for param in rhs_params]
            rhs_sql = connection.operators[self.lookup_name] % rhs_sql
        return f"{FOLD}({lhs_sql}) {rhs_sql}", [*lhs_params, *rhs_params]


def _register_fold(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(FOLD, 1, fold, deterministic=True)


def register() -> None:
    """Called once, from CoreConfig.ready()."""
    CharField.register_lookup(FoldedIContains)
    TextField.register_lookup(FoldedIContains)
    connection_created.connect(_register_fold, dispatch_uid="palabre_fold")
