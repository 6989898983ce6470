"""Open data on the public site: the organisation's list, a process's dataset page, and each
file of the latest dataset at a stable URL."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from palabre.core.http import attachment
from palabre.opendata import selectors
from palabre.opendata.models import Dataset
from palabre.organizations.selectors import organization_get
from palabre.processes.models import Process

from .idea_views import _process


def organization_datasets(request: HttpRequest, org: str) -> HttpResponse:
    organization = organization_get(slug=org)
    return render(
        request,
        "opendata/list.html",
        {
            "organization": organization,
            "datasets": selectors.datasets_of(organization=organization, user=request.user),
        },
    )


def _dataset(request: HttpRequest, org: str, slug: str) -> tuple[Process, Dataset]:
    process = _process(request, org, slug)
    dataset = selectors.dataset_latest(process=process)
    if dataset is None:
        raise Http404(_("No open data has been published for this process yet."))
    return process, dataset


def dataset_detail(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    process, dataset = _dataset(request, org, slug)
    return render(
        request,
        "opendata/detail.html",
        {
            "organization": process.organization,
            "process": process,
            "dataset": dataset,
            "resources": selectors.resources_of(dataset),
        },
    )


def dataset_download(request: HttpRequest, org: str, slug: str, name: str) -> HttpResponse:
    process, dataset = _dataset(request, org, slug)
    if name == "jeu-de-donnees.zip":
        with dataset.archive.open("rb") as handle:
            return attachment(handle.read(), f"{process.slug}-donnees.zip")
    content = selectors.dataset_file(dataset=dataset, name=name)
    if content is None:
        raise Http404(_("This file is not part of the dataset."))
    return attachment(content, name)
