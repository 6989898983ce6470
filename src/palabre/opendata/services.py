"""Publishing a process's open dataset."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from palabre.core.tasks import enqueue_on_commit
from palabre.organizations.audit import audit_record
from palabre.organizations.models import AuditEvent
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
    audit_record(
        organization=process.organization,
        actor=user,
        action=AuditEvent.Kind.DATASET_PUBLISH,
        target=dataset,
        label=process.title,
        new={"files": len(manifest.get("files", []))},
    )
    return dataset


def dataset_publish_later(*, process: Process, user: Any = None) -> None:
    """Publish in the background (`user`: who asked, for the audit log; None on closing)."""
    from .tasks import dataset_publish as task

    enqueue_on_commit(task, process.pk, user.pk if user is not None else None)


def on_process_closed(sender: Any, process: Process, **kwargs: Any) -> None:
    dataset_publish_later(process=process)
