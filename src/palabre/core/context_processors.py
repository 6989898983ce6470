from typing import Any

from django.conf import settings
from django.http import HttpRequest

import palabre


def site(request: HttpRequest) -> dict[str, Any]:
    return {"palabre_version": palabre.__version__, "palabre_debug": settings.DEBUG}
