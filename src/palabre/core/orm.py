"""Small helpers around Django's ORM for hot paths that build instances themselves."""

from __future__ import annotations

from typing import Any

from django.db import models


def prefetched(instance: models.Model, name: str, objects: list[Any]) -> None:
    """Make `instance.<name>.all()` return `objects` without a query, as
    `prefetch_related(name)` would have (the same cache Django fills)."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[name] = queryset


def loaded(model: type[models.Model], db: str, **values: Any) -> Any:
    """An instance of `model` as the database loaded it with only these fields (as
    `.only()` would): the others are loaded on access."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(db, names, [values[name] for name in names])
