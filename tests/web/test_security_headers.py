"""Every page sends a Content-Security-Policy without inline script, and the other security
headers; the organisation's colour (the one inline style) carries the request's nonce."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ..factories import make_contribution


def _pages(org, process, idea):
    return [
        "/",
        f"/{org.slug}/",
        f"/{org.slug}/demarches/{process.slug}/",
        f"/{org.slug}/demarches/{process.slug}/idees/{idea.pk}/",
        reverse("account_login"),
        reverse("account_signup"),
        f"/{org.slug}/espace/",
        "/page-qui-n-existe-pas/",
        "/api/docs",
    ]


@pytest.mark.django_db
def test_every_page_sends_a_strict_content_security_policy(client, org_a, published_a, agent_a):
    idea = make_contribution(published_a, title="Un banc", body="Près de l'école")
    client.force_login(agent_a)
    for path in _pages(org_a, published_a, idea):
        response = client.get(path)
        policy = response.get("Content-Security-Policy", "")
        assert policy, path
        parts = [part.strip().split(" ", 1) for part in policy.split(";") if part.strip()]
        directives = {name[0]: (name[1] if len(name) > 1 else "") for name in parts}
        assert directives["script-src"] == "'self'", (path, policy)
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path
        assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        body = response.content.decode(errors="replace")
        if "<html" in body:
            inline = r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>"
            assert not re.search(inline, body), path  # no inline script (JSON data is not run)
            assert not re.search(r"\son[a-z]+=\"", body), path  # no inline event handler
            for tag in re.findall(r"<style[^>]*>", body):
                nonce = re.search(r'nonce="([^"]+)"', tag)
                assert nonce and f"'nonce-{nonce.group(1)}'" in directives["style-src"], path
