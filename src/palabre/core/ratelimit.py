"""Limits on public writes (ideas, comments, reports, supports, votes, comparisons, statement
proposals, questionnaire answers), per account and per visitor address, counted in the
shared cache (CACHE_URL: Redis or the database, so that every app server counts together).

`PALABRE_RATE_LIMITS` maps an action to (per account, per address) rates such as "10/h",
"30/10m", "5/s". The per-address rate is generous: a town hall's Wi-Fi or a school puts
many people behind one address. Addresses are read behind trusted proxies
(core.client_address) and kept in the cache only as a keyed hash for the length of a window.
A write over the limit gets a 429 page in plain French that says when to try again; nothing
was saved, and the browser's Back button returns to the form as it was typed.
"""

from __future__ import annotations

import functools
import math
import re
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

View = Callable[..., HttpResponse]
_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@functools.cache
def parse_rate(rate: str) -> tuple[int, int]:
    """ "30/10m" → (30 writes, 600 seconds)."""
    match = _RATE.match(rate.strip())
    if not match:
        raise ValueError(f"Not a rate: {rate!r} (e.g. 10/h, 30/10m)")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * _UNIT[unit]


def _key(action: str, scope: str, ident: str, window: int) -> str:
    digest = salted_hmac("palabre.ratelimit", ident, algorithm="sha256").hexdigest()
    return f"palabre:rl:{action}:{scope}:{digest[:32]}:{window}"


def wait_before(request: HttpRequest, action: str) -> int:
    """Count one write of `action` by this person and address; 0 if it is allowed, else
    the seconds to wait before the next one."""
    per_account, per_address = settings.PALABRE_RATE_LIMITS[action]
    now = time.time()
    scopes = [("ip", request.META.get("REMOTE_ADDR", ""), per_address)]
    if request.user.is_authenticated:
        scopes.append(("user", str(request.user.pk), per_account))
    wait = 0
    for scope, ident, rate in scopes:
        if not rate:
            continue
        limit, period = parse_rate(rate)
        window = int(now // period)
        key = _key(action, scope, ident, window)
        try:
            count = cache.incr(key)  # one round trip while the window's counter exists
        except ValueError:  # the first write of the window (or another process's just made)
            count = 1 if cache.add(key, 1, timeout=period + 5) else cache.incr(key)
        if count > limit:
            wait = max(wait, math.ceil((window + 1) * period - now))
    return wait


def too_many(request: HttpRequest, wait: int) -> HttpResponse:
    minutes = max(1, math.ceil(wait / 60))
    response = render(
        request,
        "429.html",
        {
            "wait": ngettext(
                "Please try again in %(n)d minute.",
                "Please try again in %(n)d minutes.",
                minutes,
            )
            % {"n": minutes},
            "title": _("Too many sends in a short time"),
        },
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


def rate_limit(action: str) -> Callable[[View], View]:
    """Decorate a view: its POSTs count against `action`'s limits (GETs are free)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                wait = wait_before(request, action)
                if wait:
                    return too_many(request, wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
