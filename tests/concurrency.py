"""Two writers at the same instant, made deterministic (PostgreSQL): the first runs inside a
transaction kept open until the second, in another thread, has had time to block on its
rows or constraints; then the first commits and the second goes on."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections, transaction


def race(first_call: Callable[[], Any], second_call: Callable[[], Any]) -> tuple[Any, Any]:
    """Both results (or the exceptions they raised), first's then second's."""
    first_done, release = threading.Event(), threading.Event()
    results: dict[str, Any] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = first_call()
                first_done.set()
                release.wait(10)
        except Exception as error:
            results["first"] = error
            first_done.set()
        finally:
            connections.close_all()

    def second() -> None:
        try:
            results["second"] = second_call()
        except Exception as error:
            results["second"] = error
        finally:
            connections.close_all()

    a = threading.Thread(target=first)
    a.start()
    assert first_done.wait(10)
    b = threading.Thread(target=second)
    b.start()
    b.join(0.5)  # the second now waits on the first (or, unprotected, has gone through)
    release.set()
    a.join(10)
    b.join(10)
    return results["first"], results["second"]
