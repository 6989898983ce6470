"""Building blocks shared by every domain app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Channel(models.TextChoices):
    """How a contribution reached Palabre (glossary: canal)."""

    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper")
    MEETING = "meeting", _("Meeting")
    ASSISTED = "assisted", _("Assisted")
    IMPORTED = "imported", _("Imported")
