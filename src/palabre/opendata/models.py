"""Open data (glossary: données ouvertes, jeu de données): a process's published dataset, a
Frictionless data package stored as one zip; the latest one is served at stable URLs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palabre.processes.models import Process


class Dataset(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="datasets")
    archive = models.FileField(upload_to="opendata/%Y/%m/")
    manifest = models.JSONField(default=dict, help_text="files, row counts, exclusions")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("open dataset")
        verbose_name_plural = _("open datasets")

    def __str__(self) -> str:
        return f"{self.process} ({self.published_at:%Y-%m-%d})"
