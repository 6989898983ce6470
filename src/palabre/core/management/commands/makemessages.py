"""makemessages without fuzzy matching: a new string stays untranslated (and `make lint`
says so) instead of silently receiving the translation of a similar one."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
