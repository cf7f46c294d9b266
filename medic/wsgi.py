"""WSGI entry point (Granian serves `medic.wsgi:application`, see medic/server.py): Django, behind the booking
API's fast lane."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medic.settings")
django_application = get_wsgi_application()

# A patient's own hold and confirm skip the middleware and DRF's dispatch when the request is plain; anything
# else, and anything the lane does not answer itself, is Django's (appointments/api/fastlane.py).
from appointments.api.fastlane import FastLane  # noqa: E402 - needs Django set up

application = FastLane(django_application)

# Everything built at start-up (settings, apps, models, URL patterns) lives as long as the process: keep it
# out of the garbage collector's scans, and collect the young generation less often. A full collection
# otherwise walks all of it, with the GIL held, and that showed as the slowest 1% of requests under load
# (docs/PERFORMANCE.md: p99 of hold + confirm at 64 clients ~500 ms -> ~300 ms).
gc.collect()
gc.freeze()
gc.set_threshold(20_000, 50, 100)
