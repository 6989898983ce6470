"""Counts visits of public process pages (see `services.visit_record`)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class VisitCountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
        if (
            user_agent
            and request.method == "GET"
            and response.status_code == 200
            and match is not None
            and not match.namespace  # public pages only, not the agents' space
            and {"org", "slug"} <= set(match.kwargs)
            and "demarches/" in request.path
        ):
            from palabre.processes.models import Process

            process = (
                Process.objects.filter(
                    organization__slug=match.kwargs["org"], slug=match.kwargs["slug"]
                )
                .only("pk")
                .first()
            )
            if process is not None:  # the page answered 200: the visitor may see it
                from .services import visit_record

                visit_record(
                    process=process,
                    address=request.META.get("REMOTE_ADDR", ""),
                    user_agent=user_agent,
                )
        return response
