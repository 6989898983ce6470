"""Evaluation of processes (issue: evaluation and barometer). This slice: visits counted on
the server, without cookies and without keeping anyone's address.

A visitor of a process on a day is a hash of (that day's random salt, IP address, browser
signature, process); the salt is deleted with the day's hashes once the day is summed up
into DailyVisits (`palabre manage evaluation_daily`, daily cron), so no visit can be tied to
an address afterwards — the method of privacy-friendly analytics such as Plausible.
"""

from __future__ import annotations

from django.db import models

from palabre.processes.models import Process


class VisitSalt(models.Model):
    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self) -> str:
        return str(self.day)


class DailyVisitor(models.Model):
    """Today's distinct visitors, as salted hashes; summed up and deleted daily."""

    day = models.DateField()
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="+")
    visitor = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "process", "visitor"], name="daily_visitor_once")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.process_id}"


class DailyVisits(models.Model):
    day = models.DateField()
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="daily_visits")
    visitors = models.PositiveIntegerField(default=0)
    page_views = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["day", "process"], name="daily_visits_once")]

    def __str__(self) -> str:
        return f"{self.day} {self.process_id}: {self.visitors}"
