"""Reads of the shared infrastructure."""

from __future__ import annotations

from django.db import connection


def database_check() -> None:
    """Ask the database for `SELECT 1` (the liveness check of load balancers): raises when
    it cannot answer."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
