"""HTTP helpers that answer bad requests with a French page and the right status."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

View = Callable[..., HttpResponse]

ROBOTS = ("bot", "crawl", "spider", "slurp", "preview", "monitor", "headless")


def is_robot(user_agent: str) -> bool:
    """No user agent, or one that says it is a robot: not counted as a visitor."""
    return not user_agent or any(word in user_agent.lower() for word in ROBOTS)


def require_post(view: View) -> View:
    """Like Django's `require_POST`, but the 405 answer is a translated page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            response = render(request, "405.html", status=405)
            response["Allow"] = "POST"
            return response
        return view(request, *args, **kwargs)

    return wrapper


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "pb": "text/plain; charset=utf-8",
    "zip": "application/zip",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}


def attachment(content: str | bytes, filename: str) -> HttpResponse:
    """A file to download; its type follows the extension of `filename`."""
    extension = filename.rsplit(".", 1)[-1]
    response = HttpResponse(content, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
