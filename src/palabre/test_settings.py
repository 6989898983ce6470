"""Settings for the test suite: the normal settings with PALABRE_ENV=test."""

import os

os.environ["PALABRE_ENV"] = "test"
os.environ.setdefault("PALABRE_ENV_FILE", "/nonexistent")

from palabre.settings import *  # noqa: F403

# Every request of the suite checks that a GET writes nothing but the documented counters.
MIDDLEWARE = ["palabre.core.get_writes.GetWritesCheckMiddleware", *MIDDLEWARE]  # noqa: F405
