from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from palabre.organizations.roles import Role

from .factories import PASSWORD, UserFactory, make_member, make_organization, make_process

SHARED_DATA = Path(settings.SHARED_DATA_DIR)


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"../shared/data is absent ({SHARED_DATA}): real-data test skipped")
    return SHARED_DATA


@pytest.fixture
def org_a(db):
    return make_organization("Ville A", slug="ville-a", neighbourhoods=["Nord", "Sud"])


@pytest.fixture
def org_b(db):
    return make_organization("Ville B", slug="ville-b")


@pytest.fixture
def agent_a(org_a):
    return make_member(org_a, Role.AGENT, email="agent@ville-a.fr")


@pytest.fixture
def admin_a(org_a):
    return make_member(org_a, Role.ADMIN, email="admin@ville-a.fr")


@pytest.fixture
def agent_b(org_b):
    return make_member(org_b, Role.AGENT, email="agent@ville-b.fr")


@pytest.fixture
def citizen(db):
    return UserFactory(email="habitant@exemple.fr", pseudonym="Habitant")


@pytest.fixture
def published_a(org_a):
    return make_process(org_a, title="Idées pour Ville A")


@pytest.fixture
def draft_b(org_b):
    return make_process(org_b, title="Brouillon secret de B", status="draft")


def login(client: Client, user) -> Client:
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def as_user(client):
    def _as(user) -> Client:
        return login(client, user)

    return _as


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def pytest_report_header(config):
    from django.db import connection

    return f"database: {connection.vendor} ({settings.DATABASES['default']['NAME']})"
