import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
application = get_wsgi_application()

# Load every view module now, then freeze what is loaded: the garbage collector no longer
# walks these long-lived objects, whose full collection otherwise stalls one request in a few
# hundred by up to a quarter of a second (bench/opinion_votes_load.py).
get_resolver().url_patterns  # noqa: B018 - imports the views
gc.freeze()
