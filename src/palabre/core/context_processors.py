from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

import palabre


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "palabre_version": palabre.__version__,
        "palabre_debug": settings.DEBUG,
        "unread_notifications": SimpleLazyObject(lambda: _unread(request)),
    }


def _unread(request: HttpRequest) -> int:
    """Counted only when a page shows it (one query, signed-in people only)."""
    from django.apps import apps

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    notification = apps.get_model("notifications", "Notification")
    return int(notification.objects.filter(user=user, read_at__isnull=True).count())
