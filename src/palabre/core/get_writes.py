"""A check the test suite runs on every request (test_settings): a GET writes nothing to the
database, except the documented counters and what Django itself keeps.

Allowed on a GET: the cookie-free visit counter (evaluation's daily visitor hashes, salts
and totals), an idea's openings (contributions' IdeaViewer rows), sessions (a sign-in flow's
state) and the database cache. Anything else (an UPDATE of a contribution, a task enqueued,
a row created) fails the request with the statement, so that the rule "reads are reads" is
checked by every page test rather than by review.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse

ALLOWED_ON_GET = frozenset(
    {
        "evaluation_dailyvisitor",
        "evaluation_dailyvisits",
        "evaluation_visitsalt",
        "contributions_ideaviewer",
        "django_session",
        "palabre_cache",
    }
)
_WRITE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE
)


class GetWriteError(AssertionError):
    pass


class GetWritesCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        writes: list[str] = []

        def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            match = _WRITE.match(sql)
            if match and match.group(1).lower() not in ALLOWED_ON_GET:
                writes.append(sql[:200])
            return execute(sql, params, many, context)

        wrappers = [c.execute_wrapper(watch) for c in connections.all()]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        if writes:
            raise GetWriteError(f"GET {request.path} wrote to the database: {writes}")
        return response
