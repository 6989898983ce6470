"""Writes of the restitution: the synthesis document (versions, sections, statements with their
evidence, contributors' comments on the draft) and the public answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from palabre.contributions.models import Contribution, published_q
from palabre.core.text import without_bidi_controls
from palabre.organizations.audit import audit_record
from palabre.organizations.models import AuditEvent
from palabre.processes.models import Process

from .models import AnalysisRun, Answer, DraftComment, Section, Statement, Synthesis, Topic
from .signals import answer_given, synthesis_published


def _method_of(process: Process) -> tuple[AnalysisRun | None, str]:
    run = (
        AnalysisRun.objects.filter(process=process, status=AnalysisRun.Status.DONE)
        .order_by("-pk")
        .first()
    )
    return run, (run.result or {}).get("method", "") if run else ""


@transaction.atomic
def draft_get_or_create(*, process: Process) -> Synthesis:
    """The draft being written; after a publication, a new draft copies the published version
    (sections, statements and their evidence) so that editing never changes what was
    published."""
    Process.objects.select_for_update().filter(pk=process.pk).first()
    draft = Synthesis.objects.filter(process=process, status=Synthesis.Status.DRAFT).first()
    if draft is not None:
        return draft
    latest = Synthesis.objects.filter(process=process).order_by("-version").first()
    run, method = _method_of(process)
    draft = Synthesis.objects.create(
        process=process,
        version=(latest.version + 1) if latest else 1,
        title=latest.title if latest else _("What we heard") + f" — {process.title}"[:190],
        introduction=latest.introduction if latest else "",
        method=method or (latest.method if latest else ""),
        run=run or (latest.run if latest else None),
    )
    if latest is not None:
        sections = latest.sections.select_related("topic").prefetch_related("statements__evidence")
        for section in sections:
            statements = list(section.statements.all())
            section.pk = None
            section.synthesis = draft
            section.published_count = None
            if section.title_follows_topic and section.topic is not None:
                section.title = section.topic.label  # renamed since the last version
            section.save()
            for statement in statements:
                evidence = [c.pk for c in statement.evidence.all()]
                statement.pk = None
                statement.section = section
                statement.save()
                # rows written directly: the prefetched evidence belongs to the published
                # statement, and set() would find every link "already there" and copy none
                link = Statement.evidence.through
                link.objects.bulk_create(
                    link(statement_id=statement.pk, contribution_id=pk) for pk in evidence
                )
    return draft


def _editable(synthesis: Synthesis) -> None:
    if synthesis.status != Synthesis.Status.DRAFT:
        raise ValidationError(
            _("A published synthesis is not changed: edit the new draft instead.")
        )


def synthesis_update(*, synthesis: Synthesis, **fields: Any) -> Synthesis:
    _editable(synthesis)
    for name in ("title", "introduction", "method", "comments_until"):
        if name in fields:
            setattr(synthesis, name, fields[name])
    synthesis.full_clean()
    synthesis.save()
    return synthesis


def section_add(
    *,
    synthesis: Synthesis,
    title: str,
    kind: str = Section.Kind.TOPIC,
    topic: Topic | None = None,
    body: str = "",
) -> Section:
    _editable(synthesis)
    if topic is not None and topic.process_id != synthesis.process_id:
        raise ValidationError(_("This topic belongs to another process."))
    follows = topic is not None and title.strip() in ("", topic.label)
    title = title.strip() or (topic.label if topic else "")
    if not title:
        raise ValidationError({"title": _("A section needs a title.")})
    position = (synthesis.sections.aggregate(m=Max("position"))["m"] or 0) + 1
    return Section.objects.create(
        synthesis=synthesis,
        title=title,
        title_follows_topic=follows,
        kind=kind,
        topic=topic,
        body=body,
        position=position,
    )


def section_delete(*, section: Section) -> None:
    _editable(section.synthesis)
    section.delete()


def _evidence(process: Process, ids: list[int]) -> list[int]:
    found = list(
        Contribution.objects.filter(published_q(), process=process, pk__in=ids).values_list(
            "pk", flat=True
        )
    )
    missing = set(ids) - set(found)
    if missing:
        raise ValidationError(
            _(
                "These contributions cannot back a statement (unknown, hidden, withdrawn or "
                "held for review): %s"
            )
            % ", ".join(str(pk) for pk in sorted(missing))
        )
    return found


@transaction.atomic
def statement_save(
    *,
    section: Section,
    text: str,
    evidence_ids: list[int],
    statement: Statement | None = None,
) -> Statement:
    """Add (or change) a statement and the contributions that back it."""
    _editable(section.synthesis)
    if not text.strip():
        raise ValidationError({"text": _("Write the statement.")})
    evidence = _evidence(section.synthesis.process, evidence_ids)
    if statement is None:
        position = (section.statements.aggregate(m=Max("position"))["m"] or 0) + 1
        statement = Statement.objects.create(section=section, text=text.strip(), position=position)
    else:
        statement.text = text.strip()
        statement.save(update_fields=["text"])
    statement.evidence.set(evidence)
    return statement


@transaction.atomic
def evidence_add(*, statement: Statement, contribution_ids: list[int]) -> int:
    """Cite more contributions as evidence of a draft statement (from the reading room).
    Returns how many were not cited yet."""
    _editable(statement.section.synthesis)
    evidence = _evidence(statement.section.synthesis.process, contribution_ids)
    already = set(statement.evidence.values_list("pk", flat=True))
    statement.evidence.add(*evidence)
    return len(set(evidence) - already)


def statement_delete(*, statement: Statement) -> None:
    _editable(statement.section.synthesis)
    statement.delete()


@transaction.atomic
def synthesis_publish(*, synthesis: Synthesis, user: Any) -> Synthesis:
    _editable(synthesis)
    statements = Statement.objects.filter(section__synthesis=synthesis)
    if not statements.exists():
        raise ValidationError(_("Write at least one statement before publishing."))
    unsupported = [
        f"« {Truncator(s.text).chars(60)} » ({s.section.title})"
        for s in statements.select_related("section")
        .annotate(backing=Count("evidence", filter=published_q("evidence__")))
        .filter(backing=0)
        .order_by("section__position", "position")
    ]
    if unsupported:  # every published sentence rests on contributions anyone can read
        raise ValidationError(
            _(
                "These statements are backed by no contribution anyone can read: add the "
                "contributions behind them, or remove them. %(list)s"
            )
            % {"list": "; ".join(unsupported)}
        )
    from .selectors import topic_tree

    tree = topic_tree(process=synthesis.process_id)
    for section in synthesis.sections.exclude(topic=None):  # the figures, frozen
        assert section.topic_id is not None
        Section.objects.filter(pk=section.pk).update(published_count=tree.total(section.topic_id))
    synthesis.status = Synthesis.Status.PUBLISHED
    synthesis.published_at = timezone.now()
    synthesis.published_by = user
    synthesis.save(update_fields=["status", "published_at", "published_by"])
    audit_record(
        organization=synthesis.process.organization,
        actor=user,
        action=AuditEvent.Kind.SYNTHESIS_PUBLISH,
        target=synthesis,
        label=synthesis.process.title,
        old={"status": Synthesis.Status.DRAFT},
        new={"status": Synthesis.Status.PUBLISHED, "version": synthesis.version},
    )
    transaction.on_commit(lambda: synthesis_published.send(sender=Synthesis, synthesis=synthesis))
    return synthesis


def _answer_audit(answer: Answer, previous: Answer | None, user: Any) -> None:
    """The audit event of an answer: the status before → after; the subject by its topic's
    name or the proposal's number (never a participant's words)."""
    process = answer.process
    subject = answer.topic.label if answer.topic else f"#{answer.contribution_id}"
    audit_record(
        organization=process.organization,
        actor=user,
        action=AuditEvent.Kind.ANSWER_GIVE,
        target=answer,
        label=f"{process.title} — {subject}",
        old={"status": previous.status, "progress": previous.progress} if previous else None,
        new={"status": answer.status, "progress": answer.progress},
    )


def draft_comments_closed_reason(synthesis: Synthesis, *, today: dt.date | None = None) -> str:
    """Why contributors may not comment on this draft now ("" when they may)."""
    today = today or timezone.localdate()
    if synthesis.status != Synthesis.Status.DRAFT or synthesis.comments_until is None:
        return _("This synthesis is not open for comments.")
    if today > synthesis.comments_until:
        return _("Comments on the draft closed on %(date)s.") % {
            "date": synthesis.comments_until.strftime("%d/%m/%Y")
        }
    return ""


def draft_comment_add(*, statement: Statement, user: Any, body: str) -> DraftComment:
    reason = draft_comments_closed_reason(statement.section.synthesis)
    if reason:
        raise ValidationError(reason)
    if not user.is_authenticated:
        raise ValidationError(_("Sign in to comment."))
    body = without_bidi_controls(body)
    if not body.strip():
        raise ValidationError({"body": _("Write your comment.")})
    return DraftComment.objects.create(statement=statement, author=user, body=body.strip()[:2000])


@transaction.atomic
def answer_give(
    *,
    process: Process,
    status: str,
    text: str,
    signed_as: str,
    user: Any,
    topic: Topic | None = None,
    contribution: Contribution | None = None,
    progress: int | None = None,
) -> Answer:
    """Give a public answer (or a new status) about a topic or a proposal; earlier answers stay
    as the history."""
    if (topic is None) == (contribution is None):
        raise ValidationError(_("An answer is about one topic or one proposal."))
    subject_process = (topic or contribution).process_id  # type: ignore[union-attr]
    if subject_process != process.pk:
        raise ValidationError(_("This belongs to another process."))
    if (
        contribution is not None
        and not Contribution.objects.filter(published_q(), pk=contribution.pk).exists()
    ):
        raise ValidationError(
            _("This proposal is hidden, withdrawn or held for review: it cannot be answered.")
        )
    if status not in Answer.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    if not text.strip():
        raise ValidationError({"text": _("Write the public answer.")})
    if status == Answer.Status.NOT_ADOPTED and len(text.strip()) < 20:
        raise ValidationError(
            {"text": _("When something is not adopted, say why (at least a sentence).")}
        )
    if not signed_as.strip():
        raise ValidationError({"signed_as": _("Say who gives this answer.")})
    if progress is not None and not 0 <= progress <= 100:
        raise ValidationError({"progress": _("Progress is a percentage between 0 and 100.")})
    previous = Answer.objects.filter(topic=topic, contribution=contribution).order_by("-pk").first()
    answer = Answer.objects.create(
        process=process,
        topic=topic,
        contribution=contribution,
        status=status,
        text=text.strip(),
        signed_as=signed_as.strip(),
        progress=progress,
        author=user,
    )
    _answer_audit(answer, previous, user)
    transaction.on_commit(lambda: answer_given.send(sender=Answer, answer=answer))
    return answer


@transaction.atomic
def statement_from_proposal(*, section: Section, proposal_id: str) -> Statement:
    """Add a proposal of the analysis (selectors.proposals_for_section) to the section as a
    statement, word for word, backed by its contributions still readable; the analyst can
    then reword or delete it like any statement. Refused for a published synthesis, and for a
    proposal the section does not offer (unknown, about another topic, already a statement
    of the draft, or with no readable contribution left)."""
    from .selectors import proposals_for_section

    _editable(section.synthesis)
    # one at a time per draft: a double click adds the statement once
    Synthesis.objects.select_for_update().filter(pk=section.synthesis_id).first()
    proposal = next(
        (p for p in proposals_for_section(section=section) if p["id"] == proposal_id), None
    )
    if proposal is None:
        raise ValidationError(
            _("This proposal of the analysis is not offered for this section any more.")
        )
    return statement_save(section=section, text=proposal["text"], evidence_ids=proposal["evidence"])
