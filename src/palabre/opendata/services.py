"""Publishing a process's open dataset."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from palabre.core.tasks import enqueue_on_commit
from palabre.processes.models import Process

from .models import Dataset
from .package import build


@transaction.atomic
def dataset_publish(*, process: Process, user: Any = None) -> Dataset:
    """Build every file and store them as one zip; the newest dataset is the one served."""
    files, manifest = build(process)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(files.items()):
            archive.writestr(name, content)
    dataset = Dataset(process=process, manifest=manifest, published_by=user)
    stamp = manifest["published_at"][:10]
    dataset.archive.save(
        f"{process.organization.slug}-{process.slug}-{stamp}.zip",
        ContentFile(buffer.getvalue()),
        save=False,
    )
    dataset.save()
    return dataset


def dataset_publish_later(*, process: Process) -> None:
    from .tasks import dataset_publish as task

    enqueue_on_commit(task, process.pk)


def on_process_closed(sender: Any, process: Process, **kwargs: Any) -> None:
    dataset_publish_later(process=process)
