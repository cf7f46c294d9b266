"""WSGI entry point (gunicorn medic.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medic.settings")
application = get_wsgi_application()

# Everything built at start-up (settings, apps, models, URL patterns) lives as long as the process: keep it
# out of the garbage collector's scans, and collect the young generation less often. A full collection
# otherwise walks all of it, with the GIL held, and that showed as the slowest 1% of requests under load
# (docs/PERFORMANCE.md: p99 of hold + confirm at 64 clients ~500 ms -> ~300 ms).
gc.collect()
gc.freeze()
gc.set_threshold(20_000, 50, 100)
