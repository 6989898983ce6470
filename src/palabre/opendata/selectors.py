"""Reads of open data: the latest dataset of a process, the organisation's list, one file;
which restitution pages a process has (synthesis, answers, open data)."""

from __future__ import annotations

import zipfile
from typing import Any

from palabre.organizations.models import Organization
from palabre.processes.models import Process
from palabre.processes.selectors import processes_listed_for

from .models import Dataset


def restitution_pages(*, process: Process) -> dict[str, bool]:
    """Which restitution pages the process has, in one query: `synthesis` (one published),
    `answers` (one given), `open_data` (one dataset published)."""
    from django.db.models import Exists, OuterRef

    from palabre.synthesis.models import Answer, Synthesis

    row = (
        Process.objects.filter(pk=process.pk)
        .annotate(
            has_synthesis=Exists(
                Synthesis.objects.filter(process=OuterRef("pk"), status=Synthesis.Status.PUBLISHED)
            ),
            has_answers=Exists(Answer.objects.filter(process=OuterRef("pk"))),
            has_open_data=Exists(Dataset.objects.filter(process=OuterRef("pk"))),
        )
        .values("has_synthesis", "has_answers", "has_open_data")
        .first()
    )
    return {key.removeprefix("has_"): bool(value) for key, value in (row or {}).items()}


def dataset_latest(*, process: Process) -> Dataset | None:
    return Dataset.objects.filter(process=process).order_by("-published_at", "-pk").first()


def datasets_of(*, organization: Organization, user: Any) -> list[Dataset]:
    """The latest dataset of each public process of the organisation."""
    processes = processes_listed_for(user=user, organization=organization)
    latest: dict[int, Dataset] = {}
    for dataset in (
        Dataset.objects.filter(process__in=processes)
        .select_related("process")
        .order_by("-published_at", "-pk")
    ):
        latest.setdefault(dataset.process_id, dataset)
    return sorted(latest.values(), key=lambda d: d.process.title.lower())


def dataset_file(*, dataset: Dataset, name: str) -> bytes | None:
    with dataset.archive.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        if name not in archive.namelist():
            return None
        return archive.read(name)


def resources_of(dataset: Dataset) -> list[dict[str, Any]]:
    """The data package's resources (name, file, title, description, rows) for the page."""
    import json

    package = json.loads(dataset_file(dataset=dataset, name="datapackage.json") or b"{}")
    rows = dataset.manifest.get("rows", {})
    return [
        {**resource, "rows": rows.get(resource["name"])}
        for resource in package.get("resources", [])
    ]
