"""Analysis runs, the agents' synthesis workspace, the published synthesis with its evidence,
and the public answers (glossary: analyse, thème, synthèse, énoncé, preuve, réponse).

A run (`AnalysisRun`) keeps what the engine said; the workspace (`Topic`, `Assignment`) is what
agents make of it: every edit is journalled (`Edit`) and survives the next run, whose topics are
matched to the workspace's by shared contributions. The synthesis is versioned: publishing
freezes a version, editing starts a new draft, old versions stay public.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palabre.contributions.models import Contribution
from palabre.processes.models import Process


class AnalysisRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="analysis_runs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    parameters = models.JSONField(default=dict)
    engine_version = models.CharField(max_length=40, blank=True)
    n_input = models.PositiveIntegerField(default=0)
    progress = models.JSONField(default=list, help_text="steps reported by the engine")
    result = models.JSONField(null=True, blank=True)
    comparison = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # the last sign of life of a running run (each step): a run silent for RUN_LOST_AFTER
    # lost its worker (killed, restarted) and is marked failed when the next one starts
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # a finished run is a proposal: the workspace changes only when an analyst accepts it
    # (all of it or some topics), as one journalled edit that can be undone
    applied_at = models.DateTimeField(null=True, blank=True)
    discarded_at = models.DateTimeField(null=True, blank=True)
    # set aside because a later run finished before anyone decided (None: by the analyst)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("analysis run")
        verbose_name_plural = _("analysis runs")

    def __str__(self) -> str:
        return f"{self.process} #{self.pk} ({self.status})"


class Topic(models.Model):
    """A topic of the workspace. `version` grows at each rename so that two analysts renaming
    the same topic at once cannot silently overwrite each other."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="topics")
    label = models.CharField(_("name"), max_length=200)
    label_edited = models.BooleanField(default=False, editable=False)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    keywords = models.JSONField(default=list, blank=True)
    engine_key = models.CharField(max_length=40, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.label


class Assignment(models.Model):
    """Where a contribution sits in the workspace. `source` says who put it there: an agent's
    choice is never overwritten by a run."""

    class Source(models.TextChoices):
        ENGINE = "engine", _("Analysis")
        AGENT = "agent", _("Agent")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="+")
    contribution = models.OneToOneField(
        Contribution, on_delete=models.CASCADE, related_name="synthesis_assignment"
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="assignments"
    )
    score = models.FloatField(default=0.0)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ENGINE)
    pinned = models.BooleanField(_("quote"), default=False)
    duplicate_of = models.ForeignKey(
        Contribution, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    campaign = models.BooleanField(_("campaign"), default=False)
    # the codebook category a codebook run filed it under: beside its topic, never instead
    category = models.ForeignKey(
        "CodebookCategory", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    category_score = models.FloatField(default=0.0)
    # the codebook run was not sure (low or close confidence): a person should look
    to_review = models.BooleanField(_("to review"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["process", "topic"])]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return f"{self.contribution_id} → {self.topic_id}"


class Edit(models.Model):
    """The workspace's journal: who changed what, when."""

    class Action(models.TextChoices):
        RUN_APPLIED = "run_applied", _("Analysis applied")
        RENAME = "rename", _("Renamed")
        MERGE = "merge", _("Merged")
        SPLIT = "split", _("Split")
        MOVE = "move", _("Contributions moved")
        PIN = "pin", _("Quote pinned")
        UNPIN = "unpin", _("Quote unpinned")
        DUPLICATE = "duplicate", _("Marked as duplicate")
        CAMPAIGN = "campaign", _("Marked as campaign")
        CODEBOOK_APPLIED = "codebook_applied", _("Codebook applied")
        CATEGORY = "category", _("Codebook category set")
        UNDO = "undo", _("Undone")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(
        Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="edits"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    detail = models.JSONField(default=dict)
    # what the edit changed, to undo it (synthesis.journal): rows before and after
    undo = models.JSONField(null=True, blank=True, editable=False)
    undone_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("workspace edit")
        verbose_name_plural = _("workspace edits")

    def __str__(self) -> str:
        return f"{self.action} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def undone_label(self) -> str:
        """For an undo, the name of the kind of edit it undid ("" otherwise)."""
        action = (self.detail or {}).get("action", "") if self.action == self.Action.UNDO else ""
        return str(self.Action(action).label) if action in self.Action.values else ""


class Synthesis(models.Model):
    """One version of a process's synthesis. Drafts are edited; a published version is frozen
    and stays visible when a newer one is published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="syntheses")
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    method = models.TextField(_("method"), blank=True)
    run = models.ForeignKey(
        AnalysisRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comments_until = models.DateField(
        _("open for comments until"),
        null=True,
        blank=True,
        help_text=_("Contributors may comment on the draft until this date (included)."),
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["process", "version"], name="synthesis_version_once"),
            models.UniqueConstraint(
                fields=["process"],
                condition=models.Q(status="draft"),
                name="synthesis_one_draft",
            ),
        ]
        verbose_name = _("synthesis")
        verbose_name_plural = _("syntheses")

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class Section(models.Model):
    class Kind(models.TextChoices):
        TOPIC = "topic", _("Topic")
        MINORITY = "minority", _("Minority views")
        OTHER = "other", _("Other")

    synthesis = models.ForeignKey(Synthesis, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TOPIC)
    topic = models.ForeignKey(
        Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    # the title is the topic's name and follows its renames while the synthesis is a draft,
    # until the analyst gives the section a title of their own
    title_follows_topic = models.BooleanField(default=False)
    body = models.TextField(_("text"), blank=True)
    position = models.PositiveIntegerField(default=0)
    # the topic's count (TopicTree.total) when the version was published: a published
    # version's figures do not follow later edits of the workspace (None: a draft, or a
    # version published before this was recorded, which shows the live count)
    published_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.title


class Statement(models.Model):
    """A sentence of the synthesis and the contributions that back it (its evidence)."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="statements")
    text = models.TextField(_("statement"))
    position = models.PositiveIntegerField(default=0)
    evidence = models.ManyToManyField(Contribution, blank=True, related_name="statements")

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")

    def __str__(self) -> str:
        return self.text[:60]


class DraftComment(models.Model):
    """A contributor's comment on a draft statement, while the draft is open for comments."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment on the draft")
        verbose_name_plural = _("comments on the draft")

    def __str__(self) -> str:
        return self.body[:60]


class Answer(models.Model):
    """A public answer about a topic or a proposal: its status, the text, who gives it. The
    latest answer is the current status; earlier ones are the history shown publicly."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        UNDER_STUDY = "under_study", _("Under study")
        ADOPTED = "adopted", _("Adopted")
        PARTLY_ADOPTED = "partly_adopted", _("Partly adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")
        DONE = "done", _("Done")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="answers")
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="answers"
    )
    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, null=True, blank=True, related_name="answers"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    text = models.TextField(_("public answer"))
    signed_as = models.CharField(
        _("given by"),
        max_length=200,
        help_text=_("The role that gives the answer, e.g. “The mayor” or “Roads department”."),
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (percent)"), null=True, blank=True, help_text=_("For adopted items.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(topic__isnull=False, contribution__isnull=True)
                    | models.Q(topic__isnull=True, contribution__isnull=False)
                ),
                name="answer_one_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__isnull=True) | models.Q(progress__lte=100),
                name="answer_progress_percent",
            ),
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.status}: {self.text[:40]}"


class CodingSample(models.Model):
    """Double coding: two analysts code the same sample of contributions blind, each choosing
    a workspace topic; Palabre shows their agreement (Cohen's kappa) and the disagreements."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="coding_samples")
    coder_a = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    coder_b = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    contributions = models.ManyToManyField(Contribution, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("double-coding sample")
        verbose_name_plural = _("double-coding samples")

    def __str__(self) -> str:
        return f"{self.process} #{self.pk}"


class Coding(models.Model):
    sample = models.ForeignKey(CodingSample, on_delete=models.CASCADE, related_name="codings")
    coder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sample", "coder", "contribution"], name="coding_once_per_coder"
            )
        ]
        verbose_name = _("coding")
        verbose_name_plural = _("codings")

    def __str__(self) -> str:
        return f"{self.contribution_id} → {self.topic_id}"


class CodebookCategory(models.Model):
    """A category of the organisation's codebook (grille de codage): the analysis can classify
    a process's contributions into these instead of finding topics."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="codebook"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    keywords = models.CharField(
        _("keywords"),
        max_length=500,
        blank=True,
        help_text=_("Separated by commas or semicolons, e.g. “permis de construire; urbanisme”."),
    )
    examples = models.TextField(
        _("examples"), blank=True, help_text=_("Sentences typical of the category, one per line.")
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="codebook_name_once")
        ]
        verbose_name = _("codebook category")
        verbose_name_plural = _("codebook categories")

    def __str__(self) -> str:
        return self.name
