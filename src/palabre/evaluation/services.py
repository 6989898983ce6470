"""Counting visits (no cookie, no address kept) and summing them up each day."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from palabre.core.http import is_robot
from palabre.processes.models import Process

from .models import DailyVisitor, DailyVisits, VisitSalt


def _salt(day: dt.date) -> str:
    salt = VisitSalt.objects.filter(day=day).values_list("salt", flat=True).first()
    if salt is None:
        try:
            with transaction.atomic():
                salt = VisitSalt.objects.create(day=day, salt=secrets.token_hex(32)).salt
        except IntegrityError:  # created meanwhile by another request
            salt = VisitSalt.objects.get(day=day).salt
    return salt


def visit_record(*, process: Process, address: str, user_agent: str) -> None:
    """Count one page view of `process` and, once a day, its visitor (salted hash)."""
    if is_robot(user_agent):
        return
    day = timezone.localdate()
    digest = hashlib.sha256(
        f"{_salt(day)}|{address}|{user_agent}|{process.pk}".encode()
    ).hexdigest()
    DailyVisitor.objects.bulk_create(
        [DailyVisitor(day=day, process=process, visitor=digest)], ignore_conflicts=True
    )
    updated = DailyVisits.objects.filter(day=day, process=process).update(
        page_views=F("page_views") + 1
    )
    if not updated:
        DailyVisits.objects.bulk_create(
            [DailyVisits(day=day, process=process, page_views=1)], ignore_conflicts=True
        )


@transaction.atomic
def visits_roll_up(*, today: Any = None) -> int:
    """Sum up the finished days: distinct visitors into DailyVisits, then delete the hashes
    and the salts of those days. Returns the number of days summed up."""
    today = today or timezone.localdate()
    rows = (
        DailyVisitor.objects.filter(day__lt=today)
        .values("day", "process_id")
        .annotate(n=Count("visitor"))
    )
    days = set()
    for row in rows:
        DailyVisits.objects.update_or_create(
            day=row["day"], process_id=row["process_id"], defaults={"visitors": row["n"]}
        )
        days.add(row["day"])
    DailyVisitor.objects.filter(day__lt=today).delete()
    VisitSalt.objects.filter(day__lt=today).delete()
    return len(days)


def profile_save(
    *,
    organization: Any,
    user: Any,
    consent: bool,
    age_band: str = "",
    sex: str = "",
    neighbourhood: Any = None,
) -> Any:
    """Record (or change) a participant's optional answers; nothing without consent."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from .models import Profile

    if not consent:
        raise ValidationError({"consent": _("Tick the box to agree, or simply leave this page.")})
    if neighbourhood is not None and neighbourhood.organization_id != organization.pk:
        raise ValidationError({"neighbourhood": _("This belongs to another local government.")})
    profile, _created = Profile.objects.update_or_create(
        organization=organization,
        user=user,
        defaults={
            "age_band": age_band,
            "sex": sex,
            "neighbourhood": neighbourhood,
            "consent_at": timezone.now(),
        },
    )
    return profile


def profile_delete(*, organization: Any, user: Any) -> None:
    from .models import Profile

    Profile.objects.filter(organization=organization, user=user).delete()


def reference_save(*, organization: Any, margins: dict[str, Any], source: str) -> Any:
    """Store the reference population after checking its shares (refused when a dimension
    does not add up to 100 %)."""
    from django.core.exceptions import ValidationError

    from palabre_analysis.representativeness import PopulationError, check_margins

    from .models import ReferencePopulation

    try:
        clean = check_margins(margins)
    except PopulationError as error:
        raise ValidationError(str(error)) from None
    reference, _created = ReferencePopulation.objects.update_or_create(
        organization=organization, defaults={"margins": clean, "source": source[:200]}
    )
    return reference


FEEDBACK_PHASES = ("restitution", "follow_up")


def feedback_closed_reason(
    process: Process, *, synthesis_published: bool | None = None
) -> str | None:
    """The feedback survey opens with the restitution (its phase, or a published synthesis)
    or once the process is closed. `synthesis_published` spares the query when the caller
    already knows."""
    from django.utils.translation import gettext as _

    from palabre.synthesis.models import Synthesis

    if process.status == Process.Status.CLOSED:
        return None
    if process.status == Process.Status.PUBLISHED:
        phase = process.current_phase()
        if phase and phase.kind in FEEDBACK_PHASES:
            return None
        if synthesis_published is None:
            synthesis_published = Synthesis.objects.filter(
                process=process, status=Synthesis.Status.PUBLISHED
            ).exists()
        if synthesis_published:
            return None
    return _("The feedback survey opens when the results are given back.")


@transaction.atomic
def feedback_submit(*, process: Process, respondent: Any, **answers: Any) -> Any:
    """One answer per participant and process; answering again changes it."""
    from django.core.exceptions import ValidationError

    from .models import FeedbackAnswer

    reason = feedback_closed_reason(process)
    if reason:
        raise ValidationError(reason)
    answer, _created = FeedbackAnswer.objects.update_or_create(
        process=process, respondent=respondent, defaults=answers
    )
    answer.full_clean()
    return answer


def sheet_save(*, process: Process, **fields: Any) -> Any:
    """Save the evaluation sheet; "none" as a partner excludes the others."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from .models import EvaluationSheet

    partners = fields.get("partners") or []
    if "none" in partners and len(partners) > 1:
        raise ValidationError({"partners": _("“None” cannot go with a partner.")})
    sheet, _created = EvaluationSheet.objects.update_or_create(process=process, defaults=fields)
    return sheet


@transaction.atomic
def barometer_wave_create(*, organization: Any, year: int, author: Any) -> Process:
    """The barometer questionnaire for one year's wave, run by a network's organisation:
    one answer per local government (the respondent answers for theirs)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from palabre.processes.services import process_create
    from palabre.questionnaires import services as questionnaires
    from palabre_analysis.barometer import WAVE_QUESTIONS

    slug = f"barometre-{year}"
    if Process.objects.filter(organization=organization, slug=slug).exists():
        raise ValidationError(_("The barometer of this year already exists."))
    process = process_create(
        organization=organization,
        template=Process.Template.QUESTIONNAIRE,
        slug=slug,
        title=f"Baromètre de la démocratie locale numérique — vague {year}",
        question="Comment votre collectivité associe-t-elle ses habitants en ligne ?",
        created_by=author,
    )
    for kind, text, choices in WAVE_QUESTIONS.values():
        questionnaires.question_create(
            process=process,
            kind=kind,
            text=text,
            choices=[label for _code, label in choices],
            required=kind == "single",
        )
    return process
