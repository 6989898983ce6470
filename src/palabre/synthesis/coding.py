"""Double coding: two analysts code the same random sample blind; their agreement is Cohen's
kappa (`palabre_analysis.evaluation.coder_agreement`), their disagreements are listed for an
agent to settle (which moves the contribution, as any agent's edit). Also the removal of a
category from the organisation's codebook (the categories a codebook run codes into)."""

from __future__ import annotations

import random
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from palabre.organizations.permissions import organization_user_can
from palabre.organizations.roles import Action
from palabre.processes.models import Process
from palabre_analysis.evaluation import coder_agreement

from .models import Assignment, Coding, CodingSample, Topic

MIN_SAMPLE, MAX_SAMPLE = 10, 500


@transaction.atomic
def sample_create(
    *, process: Process, coder_a: Any, coder_b: Any, size: int, user: Any, seed: int | None = None
) -> CodingSample:
    if coder_a is None or coder_b is None or coder_a.pk == coder_b.pk:
        raise ValidationError(_("Choose two different people to code the sample."))
    for coder in (coder_a, coder_b):
        if not organization_user_can(coder, process.organization, Action.ANALYSE):
            raise ValidationError(
                _("%(name)s may not work on the synthesis of this organisation.")
                % {"name": coder.pseudonym}
            )
    if not MIN_SAMPLE <= size <= MAX_SAMPLE:
        raise ValidationError(
            _("A sample holds between %(min)d and %(max)d contributions.")
            % {"min": MIN_SAMPLE, "max": MAX_SAMPLE}
        )
    pool = list(
        Assignment.objects.filter(process=process, contribution__is_hidden=False)
        .order_by("contribution_id")
        .values_list("contribution_id", flat=True)
    )
    if len(pool) < size:
        raise ValidationError(
            _(
                "Only %(n)d contributions are in the workspace: run the analysis first or take a "
                "smaller sample."
            )
            % {"n": len(pool)}
        )
    chosen = random.Random(seed).sample(pool, size)  # noqa: S311 — sampling, not security
    sample = CodingSample.objects.create(
        process=process, coder_a=coder_a, coder_b=coder_b, created_by=user
    )
    sample.contributions.set(chosen)
    return sample


def is_coder(sample: CodingSample, user: Any) -> bool:
    return user.is_authenticated and user.pk in (sample.coder_a_id, sample.coder_b_id)


@transaction.atomic
def codes_save(*, sample: CodingSample, coder: Any, codes: dict[int, int | None]) -> int:
    """Save a coder's codes (contribution → topic, None for "none of these")."""
    if not is_coder(sample, coder):
        raise ValidationError(_("Only the two coders of this sample code it."))
    in_sample = set(sample.contributions.values_list("pk", flat=True))
    topics = set(
        Topic.objects.filter(process=sample.process_id, merged_into__isnull=True).values_list(
            "pk", flat=True
        )
    )
    saved = 0
    for contribution_id, topic_id in codes.items():
        if contribution_id not in in_sample:
            continue
        if topic_id is not None and topic_id not in topics:
            raise ValidationError(_("Choose a topic from the list."))
        Coding.objects.update_or_create(
            sample=sample,
            coder=coder,
            contribution_id=contribution_id,
            defaults={"topic_id": topic_id},
        )
        saved += 1
    return saved


def progress_of(sample: CodingSample) -> dict[str, int]:
    size = sample.contributions.count()
    done = {
        coder_id: Coding.objects.filter(sample=sample, coder=coder_id).count()
        for coder_id in (sample.coder_a_id, sample.coder_b_id)
    }
    return {
        "size": size,
        "a": done.get(sample.coder_a_id, 0),
        "b": done.get(sample.coder_b_id, 0),
    }


def codes_of(sample: CodingSample, coder_id: int | None) -> dict[int, int | None]:
    return dict(
        Coding.objects.filter(sample=sample, coder=coder_id).values_list(
            "contribution_id", "topic_id"
        )
    )


def agreement_of(sample: CodingSample) -> dict[str, Any]:
    """Kappa over the contributions both coded, and the disagreements with both codes."""
    first, second = codes_of(sample, sample.coder_a_id), codes_of(sample, sample.coder_b_id)
    result = coder_agreement(
        {str(k): str(v or "") for k, v in first.items()},
        {str(k): str(v or "") for k, v in second.items()},
    )
    result["rows"] = [
        {"contribution": int(pk), "a": first[int(pk)], "b": second[int(pk)]}
        for pk in result["disagreements"]
    ]
    return result
