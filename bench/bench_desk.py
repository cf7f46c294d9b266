"""The front desk's day view under a full clinic, on the real database.

A fresh database `medic_bench_desk` on the embedded server: the demo clinic plus 20 doctors working
08:00-20:00 at 15-minute slots, each with 40 confirmed appointments on the benchmarked day (and a time off).
The day view (GET /desk/?date=…) is rendered in-process through Django's test client as the clinic's
receptionist; reported: server time p50/p95 over the runs, and the query count (fixed whatever the number of
appointments; the tests assert it).

Run from the checkout: `.venv/bin/python -m bench.bench_desk` (`--runs N`). Target: p50 <= 150 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medic.settings")

from bench._server import fresh_database

DB = "medic_bench_desk"
DOCTORS = 20
PER_DOCTOR = 40


def setup_django() -> None:
    os.environ["MEDIC_DB_NAME"] = DB
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


def seed(day: date) -> None:
    import zoneinfo

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from appointments.models import ActorType, Appointment, Status
    from medic.clinic.demo import seed_demo
    from medic.clinic.models import AppointmentType, Clinic, Doctor, Patient, User
    from scheduling.models import AvailabilityException, ScheduleRule

    call_command("migrate", verbosity=0)
    seed_demo()
    clinic = Clinic.objects.get(name="Demo Clinic")
    Doctor.objects.filter(clinic=clinic).update(is_active=False)  # exactly DOCTORS columns
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"desk.doctor{i:02d}@example.org", full_name=f"Dr. Desk {i:02d}", password=unusable)
        for i in range(DOCTORS)
    )
    doctors = Doctor.objects.bulk_create(
        Doctor(user=u, clinic=clinic, display_name=u.full_name, specialty="Bench") for u in users
    )
    types = AppointmentType.objects.bulk_create(
        AppointmentType(doctor=d, name="Quick visit", duration_minutes=15) for d in doctors
    )
    ScheduleRule.objects.bulk_create(
        ScheduleRule(
            doctor=d,
            timezone="Europe/Athens",
            day_of_week=dow,
            work_start_local=time(8),
            work_end_local=time(20),
            slot_interval_minutes=15,
        )
        for d in doctors
        for dow in range(1, 8)
    )
    patients = Patient.objects.bulk_create(
        Patient(clinic=clinic, full_name=f"Patient {i:03d}", phone=f"+30 210 555 {i:04d}") for i in range(200)
    )
    zone = zoneinfo.ZoneInfo("Europe/Athens")
    start = datetime.combine(day, time(8), tzinfo=zone).astimezone(UTC)
    rows = []
    for n, (d, t) in enumerate(zip(doctors, types, strict=True)):
        for i in range(PER_DOCTOR):
            s = start + timedelta(minutes=15 * i)
            rows.append(
                Appointment(
                    doctor=d,
                    patient=patients[(n * PER_DOCTOR + i) % len(patients)],
                    appointment_type=t,
                    starts_at=s,
                    ends_at=s + timedelta(minutes=15),
                    busy_starts_at=s,
                    busy_ends_at=s + timedelta(minutes=15),
                    status=Status.CONFIRMED,
                    patient_timezone="Europe/Athens",
                    doctor_timezone="Europe/Athens",
                    created_by_type=ActorType.STAFF,
                )
            )
    Appointment.objects.bulk_create(rows)
    AvailabilityException.objects.bulk_create(
        AvailabilityException(
            doctor=d,
            kind="blocked",
            starts_at=start + timedelta(hours=11),
            ends_at=start + timedelta(hours=12),
            reason="Admin time",
        )
        for d in doctors
    )


def measure(day: date, runs: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test import Client

    from medic.clinic.models import User

    client = Client()
    client.force_login(User.objects.get(email="staff@example.com"))
    url = f"/desk/?date={day.isoformat()}"
    response = client.get(url)  # warm up (templates, connections)
    assert response.status_code == 200, response.status_code
    assert response.content.decode().count('class="appt ') == DOCTORS * PER_DOCTOR
    # Django resets its query log when a request starts, so count at the driver instead.
    statements: list[str] = []

    def counted(execute: Any, sql: str, *rest: Any) -> Any:
        statements.append(sql)
        return execute(sql, *rest)

    with connection.execute_wrapper(counted):
        client.get(url)
    times = []
    for _ in range(runs):
        t0 = clock.perf_counter()
        response = client.get(url)
        times.append((clock.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    return sorted(times), len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    fresh_database(DB)
    setup_django()
    day = datetime.now(UTC).date() + timedelta(days=3)
    t0 = clock.perf_counter()
    seed(day)
    print(
        f"desk day view: {DOCTORS} doctors x {PER_DOCTOR} appointments on {day}"
        f" (seeded in {clock.perf_counter() - t0:.1f} s)"
    )
    times, queries = measure(day, args.runs)
    p50 = statistics.median(times)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"  GET /desk/?date=…  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  ({args.runs} runs, {queries} queries)")
    print(f"  target p50 <= 150 ms: {'met' if p50 <= 150 else 'MISSED'}")


if __name__ == "__main__":
    main()
