"""Times a full-week bulk upsert through the API on the real database, and counts its queries."""

from __future__ import annotations

import os
import statistics
import sys
import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medic.settings")
os.environ.setdefault("MEDIC_DB_NAME", "medic_bench")  # never touch the demo database

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from medic.clinic.demo import seed_demo  # noqa: E402
from medic.clinic.models import Doctor  # noqa: E402

URL = "/api/doctor/schedule/rules/bulk_upsert"
RUNS = 50


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def week(windows_per_day: int) -> dict:
    """Every day of the week with `windows_per_day` windows, each with one break."""
    if windows_per_day == 2:
        windows = [
            {
                "workStartLocal": "08:00",
                "workEndLocal": "13:00",
                "slotIntervalMinutes": 10,
                "breaks": [{"breakStartLocal": "10:30", "breakEndLocal": "10:45", "label": "Coffee"}],
            },
            {
                "workStartLocal": "14:00",
                "workEndLocal": "20:00",
                "slotIntervalMinutes": 10,
                "breaks": [{"breakStartLocal": "16:00", "breakEndLocal": "16:15", "label": "Tea"}],
            },
        ]
    else:
        windows = [
            {
                "workStartLocal": hhmm(420 + 40 * i),
                "workEndLocal": hhmm(450 + 40 * i),
                "slotIntervalMinutes": 5,
                "breaks": [{"breakStartLocal": hhmm(430 + 40 * i), "breakEndLocal": hhmm(435 + 40 * i)}],
            }
            for i in range(windows_per_day)
        ]
    days = [{"dayOfWeek": d, "enabled": True, "windows": windows} for d in range(1, 8)]
    return {"scope": {"timezone": "Europe/Athens"}, "days": days, "replaceMode": "replace_selected_days"}


def save(client: APIClient, payload: dict) -> None:
    response = client.post(URL, payload, format="json")
    if response.status_code != 200:
        raise SystemExit(f"save failed: {response.status_code} {response.content[:300]!r}")


def main() -> None:
    call_command("migrate", verbosity=0)
    seed_demo()
    client = APIClient()
    client.force_authenticate(Doctor.objects.get(user__email="doctor@example.com").user)

    payload = week(2)
    for _ in range(5):
        save(client, payload)
    timings = []
    for _ in range(RUNS):
        started = clock.perf_counter()
        save(client, payload)
        timings.append((clock.perf_counter() - started) * 1000)
    timings.sort()

    counts = {}
    for n in (1, 20):
        save(client, week(n))  # the first save of a shape may differ (creates rows); count the steady state
        with CaptureQueriesContext(connection) as ctx:
            save(client, week(n))
        counts[n] = len(ctx.captured_queries)

    print(
        "Bulk upsert over the API (in-process DRF client, real PostgreSQL, "
        f"database {connection.settings_dict['NAME']})"
    )
    print(f"full week, 7 days x 2 windows x 1 break each (14 rules, 14 breaks), replace mode, {RUNS} runs")
    print(
        f"  p50 {statistics.median(timings):7.2f} ms   p95 {timings[int(0.95 * len(timings)) - 1]:7.2f} ms   "
        f"min {timings[0]:7.2f} ms"
    )
    print("queries per save (steady state, replace mode):")
    print(f"   1 window/day  (7 rules):   {counts[1]}")
    print(f"  20 windows/day (140 rules): {counts[20]}")
    if counts[1] != counts[20]:
        raise SystemExit("query count grows with the number of windows")


if __name__ == "__main__":
    main()
