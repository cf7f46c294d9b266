"""Booking under load, on the real database.

1. Hold + confirm over HTTP: a real server (Granian as `make run` starts it; started here, stopped at the end)
   on a fresh database `medic_bench_http`, client threads racing for the earliest slots of 20 doctors, for
   today's design (the full path alone, MEDIC_FAST_BOOKING=false), the fast path through Django's middleware
   and DRF (MEDIC_FAST_LANE=false), the fast path behind the booking API's fast lane on gunicorn (the server
   before Granian) and the same on Granian (what ships), in the same run: pairs/s
   and latency percentiles at 8, 16, 32 and 64 clients, the ratios at 64, a plot
   (docs/img/hold_confirm_latency.png), each design on the database seeded afresh with a running clinic's
   diary (eight weeks of history with its audit trail, the days past the race half booked, analysed),
   the queued notice emails leaving the queue as the worker's do once sent (the sending itself is not
   measured), outcome counts, and a SQL check that no two held/confirmed appointments of one doctor overlap.
2. Earliest free slot across 1,000 doctors x 14 days with 50,000 confirmed appointments, in-process on a
   fresh database `medic_bench_search`: `availability.earliest_across` and GET /api/availability, with the
   query count, checked against a brute-force answer computed from the seeded data.

Run from the checkout: `.venv/bin/python -m bench.bench_booking` (`--help` for the knobs). Exits 1 on a
double booking, an unexpected response, or a wrong earliest-slot answer.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import statistics
import subprocess
import sys
import threading
import time as clock
import uuid
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from typing import Any, TypeVar

import psutil
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medic.settings")

from bench._server import BASE_DIR, HOST, Served, bench_env, embedded_conninfo, fresh_database, query, serve

T = TypeVar("T")

HTTP_DB = "medic_bench_http"
SEARCH_DB = "medic_bench_search"
ATHENS = zoneinfo.ZoneInfo("Europe/Athens")

# Part 1: 20 doctors, 09:00-17:00 every day at 15-minute slots, a 15-minute service; 64 patients.
HTTP_DOCTORS = 20
HTTP_PATIENTS = 64
HTTP_DAYS = 55  # room for every load of a run (the service books up to 60 days ahead), holidays left out
HTTP_SLOTS_PER_DAY = 32  # 8 hours / 15 minutes
HISTORY_DAYS = 56  # the diary's past the bench starts from (`_seed_diary`)
CLIENT_TIMEOUT = 30  # seconds per request: a slower answer counts as "other" (keeps the run bounded)

# Part 2: 1,000 doctors, weekdays 08:00-18:00 at 30-minute slots, 50,000 confirmed appointments.
SEARCH_DOCTORS = 1000
SEARCH_APPOINTMENTS = 50_000
SEARCH_DAYS = 14
SEARCH_SLOTS_PER_DAY = 20  # 10 hours / 30 minutes
SEARCH_LIMIT = 20
SEARCH_PER_DOCTOR = 3  # earliest_across's default


def iso_z(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def setup_django(dbname: str) -> None:
    """Django on `dbname` (must be called before any model import)."""
    os.environ["MEDIC_DB_NAME"] = dbname
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = min(len(sorted_values), max(1, math.ceil(p / 100 * len(sorted_values))))
    return sorted_values[rank - 1]


# === part 1: hold + confirm over HTTP ======================================================================


def seed_http() -> dict:
    """In the child process (Django on medic_bench_http): migrate, demo data + the bench's doctors and
    patients. Returns what the clients need: doctors with their service, and the patients' tokens."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from medic.clinic.demo import seed_demo
    from medic.clinic.models import ApiToken, AppointmentType, Clinic, Doctor, Patient, User
    from scheduling.models import ScheduleRule

    call_command("migrate", verbosity=0)
    seed_demo()
    clinic = Clinic.objects.get(name="Demo Clinic")
    unusable = make_password(None)
    doctor_users = User.objects.bulk_create(
        User(email=f"bench.doctor{i:02d}@example.org", full_name=f"Dr. Bench {i:02d}", password=unusable)
        for i in range(HTTP_DOCTORS)
    )
    doctors = Doctor.objects.bulk_create(
        Doctor(user=u, clinic=clinic, display_name=u.full_name, specialty="Bench") for u in doctor_users
    )
    types = AppointmentType.objects.bulk_create(
        AppointmentType(
            doctor=d, name="Quick visit", duration_minutes=15, min_notice_minutes=0, max_advance_days=60
        )
        for d in doctors
    )
    ScheduleRule.objects.bulk_create(
        ScheduleRule(
            doctor=d,
            timezone="Europe/Athens",
            day_of_week=dow,
            work_start_local=time(9),
            work_end_local=time(17),
            slot_interval_minutes=15,
        )
        for d in doctors
        for dow in range(1, 8)
    )
    patient_users = User.objects.bulk_create(
        User(email=f"bench.patient{i:02d}@example.org", full_name=f"Patient {i:02d}", password=unusable)
        for i in range(HTTP_PATIENTS)
    )
    Patient.objects.bulk_create(
        Patient(user=u, clinic=clinic, full_name=u.full_name, email=u.email, timezone="Europe/Athens")
        for u in patient_users
    )
    tokens = [ApiToken.issue(u, name="bench")[1] for u in patient_users]
    _seed_diary(clinic, doctors, types, Patient.objects.filter(user__in=patient_users).order_by("full_name"))
    # The days the clinic is closed (its public holidays): no slot to race for, so the clients skip them.
    from medic.clinic.closures import calendars, closures_of

    first = datetime.now(ATHENS).date() + timedelta(days=1)
    last = first + timedelta(days=HTTP_DAYS)
    closed = closures_of(calendars([clinic.pk], first, last)[clinic.pk], first, last)
    return {
        "doctors": [{"id": str(d.pk), "typeId": str(t.pk)} for d, t in zip(doctors, types, strict=True)],
        "tokens": tokens,
        "closed": sorted({c.date.isoformat() for c in closed}),
    }


def _seed_diary(clinic: Any, doctors: list, types: list, patients: Any) -> None:
    """The bench doctors' diaries as a running clinic's: the past HISTORY_DAYS mostly booked (completed,
    a few no-shows and cancellations) and the days past the ones the clients race for half booked, then
    ANALYZE, as autovacuum would have. An empty, never-analysed table is no clinic's, and its plans are
    not: PostgreSQL cannot tell the doctor's two exclusion indexes apart on it."""
    from django.db import connection

    from appointments.models import ActorType, Appointment, AppointmentEvent, Status
    from medic.dbops import as_owner

    rng = random.Random(14)
    today = datetime.now(ATHENS).date()
    past = [today - timedelta(days=n) for n in range(1, HISTORY_DAYS + 1)]
    ahead = [today + timedelta(days=n) for n in range(HTTP_DAYS + 2, 61)]  # past the race, inside 60 days
    patients = list(patients)
    now = datetime.now(UTC)

    def row(doctor: Any, service: Any, day: date, k: int, status: str) -> Appointment:
        starts = datetime.combine(day, time(9), tzinfo=ATHENS) + timedelta(minutes=15 * k)
        ends = starts + timedelta(minutes=15)
        return Appointment(
            doctor=doctor,
            patient=rng.choice(patients),
            appointment_type=service,
            starts_at=starts,
            ends_at=ends,
            busy_starts_at=starts,
            busy_ends_at=ends,
            status=status,
            confirmed_at=now,
            patient_timezone="Europe/Athens",
            doctor_timezone="Europe/Athens",
            created_by_type=ActorType.SYSTEM,
        )

    history = (Status.COMPLETED,) * 17 + (Status.NO_SHOW, Status.CANCELLED, Status.CANCELLED)
    rows = [
        row(d, t, day, k, rng.choice(history))
        for d, t in zip(doctors, types, strict=True)
        for day in past
        for k in range(HTTP_SLOTS_PER_DAY)
        if rng.random() < 0.7
    ] + [
        row(d, t, day, k, Status.CONFIRMED)
        for d, t in zip(doctors, types, strict=True)
        for day in ahead
        for k in range(HTTP_SLOTS_PER_DAY)
        if rng.random() < 0.5
    ]
    Appointment.objects.bulk_create(rows, batch_size=5000)
    # Their audit trail, as the services leave it: held, then confirmed, then what became of them.
    AppointmentEvent.objects.bulk_create(
        (
            AppointmentEvent(appointment=a, kind=kind, actor_type=ActorType.SYSTEM, before=None, after=None)
            for a in rows
            for kind in ("held", "confirmed", *(() if a.status == Status.CONFIRMED else (a.status,)))
        ),
        batch_size=5000,
    )
    with as_owner(), connection.cursor() as cursor:  # ANALYZE skips tables the app role does not own
        cursor.execute("ANALYZE")


@dataclass
class LoadResult:
    clients: int
    hold_ms: list[float] = field(default_factory=list)
    confirm_ms: list[float] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)
    others: Counter = field(default_factory=Counter)
    elapsed: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds used during the load, by `cpu_kinds`

    def cpu_ms_per_request(self, kind: str) -> float:
        n = len(self.hold_ms) + len(self.confirm_ms)
        return self.cpu.get(kind, 0.0) * 1000 / n if n else 0.0

    @property
    def pairs_per_second(self) -> float:
        """Holds confirmed (a 201 then a 200) per second."""
        return self.outcomes["confirm 200 confirmed"] / self.elapsed if self.elapsed else 0.0

    @property
    def requests(self) -> list[float]:
        """Every request's latency (holds, including the lost ones, and confirms), ascending."""
        return sorted(self.hold_ms + self.confirm_ms)


class SlotBook:
    """The slots of the bench's doctors, and which are known to be gone (held by a client, or refused to
    one): shared by every load of a run, so a later load never aims at a slot an earlier one took.

    Every client picks a random doctor and one of that doctor's `choices` earliest slots not yet known to
    be taken, so clients in flight at the same moment collide on purpose: the losers get 409 SLOT_TAKEN (lost
    the race in the database) or 422 SLOT_NOT_AVAILABLE (the winner had already committed).
    """

    def __init__(self, doctors: int, choices: int, closed: frozenset[str] = frozenset()) -> None:
        first = datetime.now(ATHENS).date() + timedelta(days=1)
        days = [first + timedelta(days=d) for d in range(HTTP_DAYS)]
        self.slots = [
            iso_z(datetime.combine(day, time(9), tzinfo=ATHENS) + timedelta(minutes=15 * k))
            for day in days
            if day.isoformat() not in closed  # a public holiday of the clinic: nothing to book
            for k in range(HTTP_SLOTS_PER_DAY)
        ]
        self.doctors, self.choices = doctors, choices
        self.lock = threading.Lock()
        self.taken: set[tuple[int, int]] = set()
        self.low = [0] * doctors  # per doctor: no slot before this index is free

    def pick(self, rng: random.Random) -> tuple[int, int]:
        with self.lock:
            for _ in range(100):
                d = rng.randrange(self.doctors)
                while self.low[d] < len(self.slots) and (d, self.low[d]) in self.taken:
                    self.low[d] += 1
                candidates: list[int] = []
                i = self.low[d]
                while len(candidates) < self.choices and i < len(self.slots):
                    if (d, i) not in self.taken:
                        candidates.append(i)
                    i += 1
                if candidates:
                    return d, rng.choice(candidates)
            raise RuntimeError("the bench ran out of free slots: raise HTTP_DAYS")

    def gone(self, d: int, i: int) -> None:
        with self.lock:
            self.taken.add((d, i))


CPU_KINDS = ("web", "database", "client")


def cpu_seconds(server: Served, dbname: str) -> dict[str, float]:
    """CPU seconds (user + system) used so far by the server (its main process and workers: its session),
    the PostgreSQL backends serving `dbname`, and this process (the clients): where a request's time goes on
    the shared machine."""
    used = dict.fromkeys(CPU_KINDS, 0.0)
    for process in psutil.process_iter(["cmdline", "cpu_times"]):
        line = " ".join(process.info["cmdline"] or [])
        times = process.info["cpu_times"]
        if times is None:
            continue
        if _session_of(process.pid) == server.session:
            used["web"] += times.user + times.system
        elif line.startswith("postgres:") and f" {dbname} " in f"{line} ":
            used["database"] += times.user + times.system
    own = psutil.Process().cpu_times()
    used["client"] = own.user + own.system
    return used


def _session_of(pid: int) -> int | None:
    try:
        return os.getsid(pid)
    except OSError:  # gone since the listing
        return None


class Load:
    """`clients` patients, each with its own keep-alive connection, holding then confirming slots from
    `book` for `seconds` (after a warm-up request each, not counted)."""

    def __init__(self, server: Served, fixture: dict, book: SlotBook, *, seconds: float) -> None:
        self.server = server
        self.port = server.port
        self.doctors = fixture["doctors"]
        self.tokens = fixture["tokens"]
        self.book = book
        self.seconds = seconds
        self.lock = threading.Lock()
        self.deadline = 0.0
        self.go = threading.Event()  # set once the deadline is known: every client starts together
        self.result = LoadResult(clients=0)
        self.dbname = HTTP_DB

    def _client(self, n: int, barrier: threading.Barrier) -> None:
        rng = random.Random(n * 7919 + len(self.book.taken))
        token = self.tokens[n % len(self.tokens)]
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        conn = HTTPConnection(HOST, self.port, timeout=CLIENT_TIMEOUT)
        hold_ms: list[float] = []
        confirm_ms: list[float] = []
        outcomes: Counter = Counter()
        others: Counter = Counter()

        def call(method: str, path: str, body: dict | None) -> tuple[int, dict, float]:
            nonlocal conn
            started = clock.perf_counter()
            try:
                conn.request(
                    method, path, body=json.dumps(body) if body is not None else None, headers=headers
                )
                response = conn.getresponse()
                raw = response.read()
            except (OSError, HTTPException) as exc:
                conn.close()
                conn = HTTPConnection(HOST, self.port, timeout=CLIENT_TIMEOUT)
                return -1, {"transport": type(exc).__name__}, (clock.perf_counter() - started) * 1000
            elapsed = (clock.perf_counter() - started) * 1000
            try:
                data = json.loads(raw) if raw else {}
            except ValueError:
                data = {"raw": raw[:200].decode(errors="replace")}
            return response.status, data, elapsed

        def code_of(data: Any) -> str | None:
            return (data.get("errors") or [{}])[0].get("code") if isinstance(data, dict) else None

        try:
            # Warm-up (not counted): opens this client's connection and a server thread's database connection.
            call("GET", "/api/me", None)
            barrier.wait()
            self.go.wait()
            while clock.perf_counter() < self.deadline:
                d, i = self.book.pick(rng)
                doctor = self.doctors[d]
                body = {
                    "doctorId": doctor["id"],
                    "appointmentTypeId": doctor["typeId"],
                    "startsAt": self.book.slots[i],
                    "consultationMode": "in_person",
                }
                status, data, ms = call("POST", "/api/appointments/holds", body)
                hold_ms.append(ms)
                code = code_of(data)
                self.book.gone(d, i)  # held by us, or someone else has it: either way it is gone
                if status == 201:
                    outcomes["hold 201 held"] += 1
                elif status == 409 and code == "SLOT_TAKEN":
                    outcomes["hold 409 SLOT_TAKEN"] += 1
                    continue
                elif status == 422 and code == "SLOT_NOT_AVAILABLE":
                    outcomes["hold 422 SLOT_NOT_AVAILABLE"] += 1
                    continue
                else:
                    others[f"hold {status} {code or data}"] += 1
                    continue
                status, data, ms = call("POST", f"/api/appointments/{data['id']}/confirm", None)
                confirm_ms.append(ms)
                if status == 200 and data.get("status") == "confirmed":
                    outcomes["confirm 200 confirmed"] += 1
                else:
                    others[f"confirm {status} {code_of(data) or data}"] += 1
        finally:
            conn.close()
            with self.lock:
                self.result.hold_ms += hold_ms
                self.result.confirm_ms += confirm_ms
                self.result.outcomes.update(outcomes)
                self.result.others.update(others)

    def run(self, clients: int) -> LoadResult:
        self.result = LoadResult(clients=clients)
        # Each load waits for its own start: were the event still set by the previous load, a client could
        # read that load's (past) deadline before this one's is set, and stop at once.
        self.go.clear()
        barrier = threading.Barrier(clients + 1)
        threads = [
            threading.Thread(target=self._client, args=(n, barrier), daemon=True) for n in range(clients)
        ]
        for t in threads:
            t.start()
        barrier.wait(timeout=120)  # every client has warmed up
        before = cpu_seconds(self.server, self.dbname)
        started = clock.perf_counter()
        self.deadline = started + self.seconds
        self.go.set()
        for t in threads:
            t.join(timeout=self.seconds + 3 * CLIENT_TIMEOUT)
        self.result.elapsed = clock.perf_counter() - started
        after = cpu_seconds(self.server, self.dbname)
        self.result.cpu = {kind: after[kind] - before[kind] for kind in CPU_KINDS}
        if any(t.is_alive() for t in threads):
            self.result.others["client threads still running at the end"] += 1
        return self.result


DOUBLE_BOOKINGS_SQL = """
SELECT count(*) FROM appointments_appointment a
JOIN appointments_appointment b ON a.doctor_id = b.doctor_id AND a.id < b.id
WHERE a.status IN ('held', 'confirmed') AND b.status IN ('held', 'confirmed')
  AND (a.period && b.period OR a.busy_period && b.busy_period)
"""


@dataclass(frozen=True, slots=True)
class Design:
    server: str  # bench._server.SERVERS
    env: dict[str, str]


# The designs compared in one run: the full path alone (today's); the fast path in front of it, through
# Django's middleware and DRF ("no lane"); the fast path behind the booking API's fast lane, on gunicorn (the
# server before Granian) and on Granian (what `make run` serves with: the default).
FAST = {"MEDIC_FAST_BOOKING": "true", "MEDIC_FAST_LANE": "true"}
DESIGNS = {
    "today": Design("granian", {"MEDIC_FAST_BOOKING": "false"}),
    "no lane": Design("granian", {"MEDIC_FAST_BOOKING": "true", "MEDIC_FAST_LANE": "false"}),
    "gunicorn": Design("gunicorn", FAST),
    "fast path": Design("granian", FAST),
}
TARGET_PAIRS, TARGET_P99_MS = 250.0, 400.0  # issue 14, with 64 clients
PLOT = BASE_DIR / "docs" / "img" / "hold_confirm_latency.png"


def _seed_http() -> dict:
    """A fresh `medic_bench_http` with the demo data and the bench's doctors and patients (in a child
    process, so this one never sets Django up): the fixture the clients need."""
    fresh_database(HTTP_DB)
    child = subprocess.run(
        [sys.executable, "-m", "bench.bench_booking", "--seed-http"],
        cwd=BASE_DIR,
        env=bench_env(HTTP_DB),
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        raise SystemExit(f"seeding {HTTP_DB} failed:\n{child.stderr[-3000:]}")
    fixture: dict = json.loads(child.stdout.strip().splitlines()[-1])
    return fixture


_NEWEST_JOB = "SELECT coalesce(max(id), 0) FROM procrastinate_jobs"
_SENT_NOTICES = "DELETE FROM procrastinate_jobs WHERE queue_name = 'emails' AND status = 'todo' AND id <= %s"


@contextlib.contextmanager
def _notices_sent(dbname: str, every: float = 0.5) -> Iterator[None]:
    """While the block runs, the queued notice emails leave the job queue as the worker's would once sent
    (`manage.py procrastinate worker --delete-jobs successful`, as `make run` starts it): every `every`
    seconds, those queued before the previous tick are deleted. The worker's own work (rendering and sending
    two emails per booking) is not part of the bench; without it the queue only grows, which no running
    clinic's does, and PostgreSQL's check of each job's events reads it all (the queue's table is empty
    when its plan is made, so the plan is a scan)."""
    stop = threading.Event()

    def drain() -> None:
        with psycopg.connect(embedded_conninfo(dbname), autocommit=True) as conn:
            last = 0
            while not stop.wait(every):
                (top,) = conn.execute(_NEWEST_JOB).fetchone() or (0,)
                conn.execute(_SENT_NOTICES, [last])
                last = top

    thread = threading.Thread(target=drain, name="notices-sent", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _check_rows(runs: list[LoadResult]) -> tuple[int, bool, dict]:
    """After one design's loads: (double bookings in SQL, whether the rows match the responses, the rows)."""
    doubles = int(query(HTTP_DB, DOUBLE_BOOKINGS_SQL)[0][0])
    rows = dict(
        query(
            HTTP_DB,
            "SELECT status, count(*) FROM appointments_appointment WHERE created_by_type = 'patient' "
            "GROUP BY status",
        )
    )
    held = sum(r.outcomes["hold 201 held"] for r in runs)
    confirmed = sum(r.outcomes["confirm 200 confirmed"] for r in runs)
    consistent = rows.get("confirmed", 0) == confirmed and rows.get("held", 0) == held - confirmed
    return doubles, consistent, rows


def part_http(args: argparse.Namespace) -> bool:
    print(
        f"Part 1 · hold + confirm over HTTP: Granian (gunicorn's gthread for the design so named) "
        f"{args.workers} workers x {args.threads} threads, keep-alive clients, database {HTTP_DB} (seeded "
        "afresh for each design)"
    )
    print(
        f"  {HTTP_DOCTORS} doctors 09:00-17:00 daily at 15 min (the clinic's holidays left out), a 15-minute "
        f"service; each client takes a random doctor and one of its {args.choices} earliest slots not known "
        f"to be taken; {args.seconds:.0f} s per point"
    )
    sweep = sorted(set(args.sweep) | {args.clients})
    results: dict[str, list[LoadResult]] = {}
    doubles, consistent = 0, True
    confirmed_rows = held_rows = 0
    for design, setup in DESIGNS.items():
        # Each design starts from the same data: a later one would otherwise book into a fuller table.
        started = clock.perf_counter()
        fixture = _seed_http()
        seeded = clock.perf_counter() - started
        book = SlotBook(len(fixture["doctors"]), args.choices, frozenset(fixture["closed"]))
        started = clock.perf_counter()
        with (
            serve(
                HTTP_DB,
                server=setup.server,
                workers=args.workers,
                threads=args.threads,
                log_path=args.server_log,
                env=setup.env,
            ) as server,
            _notices_sent(HTTP_DB),
        ):
            ready = clock.perf_counter() - started
            load = Load(server, fixture, book, seconds=args.seconds)
            results[design] = [load.run(clients) for clients in sweep]
        found, matches, rows = _check_rows(results[design])
        doubles, consistent = doubles + found, consistent and matches
        confirmed_rows, held_rows = confirmed_rows + rows.get("confirmed", 0), held_rows + rows.get("held", 0)
        print(f"  {design}: fresh database + migrate + seed {seeded:4.1f} s, server ready in {ready:4.1f} s")

    every = [r for runs in results.values() for r in runs]
    other = Counter[str]()
    for r in every:
        other.update(r.others)

    print(
        "  design      clients  pairs/s   req/s   hold 409  hold 422   p50 ms   p95 ms   p99 ms   max ms"
        "  other"
    )
    for design, runs in results.items():
        for r in runs:
            lat = r.requests
            print(
                f"  {design:<10} {r.clients:8d} {r.pairs_per_second:8.1f} {len(lat) / r.elapsed:7.1f} "
                f"{r.outcomes['hold 409 SLOT_TAKEN']:9d} {r.outcomes['hold 422 SLOT_NOT_AVAILABLE']:9d} "
                f"{percentile(lat, 50):8.1f} {percentile(lat, 95):8.1f} {percentile(lat, 99):8.1f} "
                f"{(lat[-1] if lat else 0):8.1f} {sum(r.others.values()):6d}"
            )
    for name, count in other.most_common(5):
        print(f"      {count:5d} x {name[:90]}")
    print("  CPU per request (ms), on the same 2 cores: web (the server) / database (its backends) / client")
    for design, runs in results.items():
        print(
            f"  {design:<10} "
            + "  ".join(
                f"{r.clients:3d}: " + " / ".join(f"{r.cpu_ms_per_request(kind):.2f}" for kind in CPU_KINDS)
                for r in runs
            )
        )
    today, fast = results["today"][-1], results["fast path"][-1]
    no_lane, on_gunicorn = results["no lane"][-1], results["gunicorn"][-1]
    fast_p99 = percentile(fast.requests, 99)
    print(
        f"  at {args.clients} clients: fast path / today = "
        f"{fast.pairs_per_second / max(today.pairs_per_second, 1e-9):.2f}x pairs/s "
        f"(without the lane {no_lane.pairs_per_second / max(today.pairs_per_second, 1e-9):.2f}x); Granian / "
        f"gunicorn = {fast.pairs_per_second / max(on_gunicorn.pairs_per_second, 1e-9):.2f}x; p99 "
        f"{fast_p99:.0f} ms vs {percentile(today.requests, 99):.0f} ms; target >= {TARGET_PAIRS:.0f} pairs/s "
        f"and p99 <= {TARGET_P99_MS:.0f} ms: "
        + ("met" if fast.pairs_per_second >= TARGET_PAIRS and fast_p99 <= TARGET_P99_MS else "NOT met")
    )
    print(f"  double bookings (SQL: overlapping held/confirmed periods of one doctor): {doubles}")
    print(
        f"  rows: {confirmed_rows} confirmed, {held_rows} held "
        f"({'matches' if consistent else 'DOES NOT MATCH'} the responses, design by design)"
    )
    if not args.no_plot:
        plot_latency(results, PLOT, workers=args.workers, threads=args.threads)
        print(f"  plot: {PLOT.relative_to(BASE_DIR)}")
    return doubles == 0 and not other and consistent


def plot_latency(results: dict[str, list[LoadResult]], path: Path, *, workers: int, threads: int) -> None:
    """Latency percentiles and throughput against concurrent clients, one line style per design."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    colours = {"p50": "tab:blue", "p95": "tab:orange", "p99": "tab:red"}
    styles = {"today": "--", "no lane": ":", "gunicorn": "-.", "fast path": "-"}
    for design, runs in results.items():
        clients = [r.clients for r in runs]
        for name, p in (("p50", 50), ("p95", 95), ("p99", 99)):
            left.plot(
                clients,
                [percentile(r.requests, p) for r in runs],
                styles[design],
                color=colours[name],
                marker="o",
                label=f"{design} {name}",
            )
        right.plot(clients, [r.pairs_per_second for r in runs], styles[design], marker="o", label=design)
    left.axhline(TARGET_P99_MS, color="grey", linewidth=0.8, linestyle=":", label="p99 target")
    left.set(xlabel="concurrent clients", ylabel="latency per request (ms)", yscale="log")
    left.set_title("Hold / confirm latency")
    right.axhline(TARGET_PAIRS, color="grey", linewidth=0.8, linestyle=":", label="target")
    right.set(xlabel="concurrent clients", ylabel="hold+confirm pairs per second", ylim=(0, None))
    right.set_title("Throughput")
    for ax in (left, right):
        ax.set_xscale("log", base=2)
        ax.set_xticks(sorted({r.clients for runs in results.values() for r in runs}))
        ax.get_xaxis().set_major_formatter(matplotlib.ticker.ScalarFormatter())
        ax.grid(True, alpha=0.3)
    left.legend(fontsize=7, ncol=2)
    right.legend(fontsize=8)
    fig.suptitle(
        f"make bench · {workers} workers x {threads} threads (Granian; gunicorn for the design so named) on "
        "2 shared cores (one run; noisy machine)",
        fontsize=9,
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


# === part 2: earliest free slot across 1,000 doctors =======================================================


@dataclass
class SearchData:
    clinic_id: uuid.UUID
    patient_user: Any
    first: date
    last: date
    expected: list[tuple[int, str]]  # brute-force answer: (start epoch, doctor id) of the earliest offers
    seed_seconds: dict[str, float]


def seed_search(rng: random.Random) -> SearchData:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection

    from appointments.models import ActorType, Appointment, Status
    from medic.clinic.models import AppointmentType, Clinic, Doctor, Patient, User
    from scheduling.models import ScheduleRule

    timings: dict[str, float] = {}

    def step(name: str, fn: Callable[[], T]) -> T:
        started = clock.perf_counter()
        out = fn()
        timings[name] = clock.perf_counter() - started
        return out

    step("migrate", lambda: call_command("migrate", verbosity=0))
    today = datetime.now(ATHENS).date()
    first, last = today + timedelta(days=1), today + timedelta(days=SEARCH_DAYS)
    unusable = make_password(None)

    def directory() -> tuple:
        clinic = Clinic.objects.create(name="Search Bench Clinic", timezone="Europe/Athens")
        users = User.objects.bulk_create(
            (
                User(
                    email=f"search.doctor{i:04d}@example.org",
                    full_name=f"Dr. Search {i:04d}",
                    password=unusable,
                )
                for i in range(SEARCH_DOCTORS)
            ),
            batch_size=1000,
        )
        doctors = Doctor.objects.bulk_create(
            (Doctor(user=u, clinic=clinic, display_name=u.full_name) for u in users), batch_size=1000
        )
        types = AppointmentType.objects.bulk_create(
            (
                AppointmentType(
                    doctor=d,
                    name="Consultation",
                    duration_minutes=30,
                    min_notice_minutes=0,
                    max_advance_days=60,
                )
                for d in doctors
            ),
            batch_size=1000,
        )
        patient_user = User.objects.create(email="search.patient@example.org", full_name="Search Patient")
        patients = Patient.objects.bulk_create(
            [Patient(user=patient_user, clinic=clinic, full_name="Search Patient", timezone="Europe/Athens")]
            + [
                Patient(clinic=clinic, full_name=f"Patient {i:04d}", timezone="Europe/Athens")
                for i in range(999)
            ],
            batch_size=1000,
        )
        return clinic, doctors, types, patient_user, patients

    clinic, doctors, types, patient_user, patients = step("directory", directory)
    step(
        "rules",
        lambda: ScheduleRule.objects.bulk_create(
            (
                ScheduleRule(
                    doctor=d,
                    timezone="Europe/Athens",
                    day_of_week=dow,
                    work_start_local=time(8),
                    work_end_local=time(18),
                    slot_interval_minutes=30,
                )
                for d in doctors
                for dow in range(1, 6)
            ),
            batch_size=5000,
        ),
    )

    # Every weekday slot of the 14 days (always exactly 10 weekdays), as UTC epochs.
    grid = [
        int((datetime.combine(day, time(8), tzinfo=ATHENS) + timedelta(minutes=30 * k)).timestamp())
        for day in (first + timedelta(days=n) for n in range(SEARCH_DAYS))
        if day.isoweekday() <= 5
        for k in range(SEARCH_SLOTS_PER_DAY)
    ]
    per_doctor = SEARCH_APPOINTMENTS // SEARCH_DOCTORS
    booked: dict[object, list[int]] = {}
    for d in doctors:
        # A busy diary is full near-term: the first k slots in a row, then the rest scattered.
        k = rng.randint(0, per_doctor - 5)
        booked[d.pk] = grid[:k] + rng.sample(grid[k:], per_doctor - k)

    def appointments() -> None:
        now = datetime.now(UTC)
        rows = (
            Appointment(
                doctor=d,
                patient=patients[(n + j) % len(patients)],
                appointment_type=t,
                starts_at=(s := datetime.fromtimestamp(epoch, UTC)),
                ends_at=(e := s + timedelta(minutes=30)),
                busy_starts_at=s,
                busy_ends_at=e,
                status=Status.CONFIRMED,
                confirmed_at=now,
                patient_timezone="Europe/Athens",
                doctor_timezone="Europe/Athens",
                created_by_type=ActorType.SYSTEM,
            )
            for n, (d, t) in enumerate(zip(doctors, types, strict=True))
            for j, epoch in enumerate(booked[d.pk])
        )
        Appointment.objects.bulk_create(rows, batch_size=5000)

    step("appointments", appointments)
    from medic.dbops import as_owner

    with as_owner(), connection.cursor() as cursor:  # ANALYZE skips tables the app role does not own
        step("analyze", lambda: cursor.execute("ANALYZE"))

    offers: list[tuple[int, str, str]] = []
    for d in doctors:
        taken = set(booked[d.pk])
        free = [s for s in grid if s not in taken][:SEARCH_PER_DOCTOR]
        offers += [(s, d.display_name, str(d.pk)) for s in free]
    offers.sort()
    expected = [(s, doctor_id) for s, _, doctor_id in offers[:SEARCH_LIMIT]]
    return SearchData(clinic.pk, patient_user, first, last, expected, timings)


def timed(fn: Callable[[], T], runs: int) -> tuple[list[float], T]:
    out = fn()  # warm-up: imports, query plans, zoneinfo caches
    times = []
    for _ in range(runs):
        started = clock.perf_counter()
        out = fn()
        times.append((clock.perf_counter() - started) * 1000)
    return sorted(times), out


def part_search(args: argparse.Namespace) -> bool:
    fresh_database(SEARCH_DB)
    setup_django(SEARCH_DB)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from appointments import availability
    from appointments.availability.loading import load_schedules
    from medic.clinic.models import AppointmentType
    from scheduling.scope import Scope

    data = seed_search(random.Random(7))
    types = list(
        AppointmentType.objects.filter(doctor__clinic_id=data.clinic_id, name="Consultation").select_related(
            "doctor__clinic"
        )
    )

    def search() -> list:
        return availability.earliest_across(
            types=types,
            scope_location=None,
            consultation_mode=None,
            zone=ATHENS,
            first=data.first,
            last=data.last,
            limit=SEARCH_LIMIT,
        )

    def load_only() -> dict:
        lo = datetime.combine(data.first, time(), tzinfo=ATHENS)
        hi = datetime.combine(data.last + timedelta(days=1), time(), tzinfo=ATHENS)
        doctors = list({t.doctor_id: t.doctor for t in types}.values())
        rows = Scope().request_filter(appointment_type_ids=[t.pk for t in types])
        return load_schedules(doctors, rows, lo, hi, datetime.now(UTC))

    search_ms, offers = timed(search, args.runs)
    load_ms, _ = timed(load_only, args.runs)
    got = [(o.start.start_utc, str(o.doctor.pk)) for o in offers]

    client = APIClient()
    client.force_authenticate(data.patient_user)
    url = (
        f"/api/availability?clinicId={data.clinic_id}&service=Consultation"
        f"&start={data.first.isoformat()}&end={data.last.isoformat()}"
    )

    def get() -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: {response.status_code} {response.content[:300]!r}")
        return response

    http_ms, response = timed(get, args.runs)
    with CaptureQueriesContext(connection) as ctx:
        get()
    api = [
        (int(datetime.fromisoformat(s["startUtc"]).timestamp()), s["doctorId"])
        for s in response.json()["slots"]
    ]

    seeding = data.seed_seconds
    print()
    print(
        f"Part 2 · earliest free slot: {SEARCH_DOCTORS} doctors x {SEARCH_DAYS} days "
        f"({data.first} .. {data.last}), {SEARCH_APPOINTMENTS:,} confirmed appointments, in-process, "
        f"database {SEARCH_DB}"
    )
    print(
        "  seeding: "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in seeding.items())
        + f"  (total {sum(seeding.values()):.1f} s)"
    )
    print(f"  timings (ms), {args.runs} runs after a warm-up       best   median      max")
    rows = (
        (f"earliest_across(limit={SEARCH_LIMIT})", search_ms),
        ("  its load_schedules alone (DB + ORM)", load_ms),
        ("GET /api/availability (APIClient)", http_ms),
    )
    for name, values in rows:
        print(f"    {name:<44} {values[0]:8.1f} {statistics.median(values):8.1f} {values[-1]:8.1f}")
    print(f"  queries per GET /api/availability: {len(ctx.captured_queries)}")
    ok_service, ok_api = got == data.expected, api == data.expected
    earliest = iso_z(datetime.fromtimestamp(got[0][0], UTC)) if got else "-"
    print(
        f"  answer ({len(got)} offers, the first at {earliest}): "
        f"earliest_across {'matches' if ok_service else 'DIFFERS FROM'} the brute-force answer, "
        f"the API {'matches' if ok_api else 'DIFFERS'}"
    )
    return ok_service and ok_api


# === main ==================================================================================================


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=["all", "http", "search"], default="all")
    parser.add_argument("--workers", type=int, default=2, help="server processes (part 1)")
    # 2 x 8 rather than the 2 x 16 of earlier rounds: on 2 cores the extra threads only add GIL and lock
    # contention; every design did better with 8 (docs/PERFORMANCE.md).
    parser.add_argument("--threads", type=int, default=8, help="server threads per process (part 1)")
    parser.add_argument("--clients", type=int, default=64, help="concurrent clients of the headline (part 1)")
    parser.add_argument(
        "--sweep",
        type=int,
        nargs="*",
        default=[8, 16, 32],
        help="the other client counts measured for the plot (part 1)",
    )
    parser.add_argument("--seconds", type=float, default=6.0, help="load time per design and point (part 1)")
    parser.add_argument("--choices", type=int, default=3, help="earliest free slots a client picks from")
    parser.add_argument("--server-log", metavar="PATH", help="keep the server's log in this file (part 1)")
    parser.add_argument(
        "--no-plot", action="store_true", help="do not write docs/img/hold_confirm_latency.png"
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (part 2)")
    parser.add_argument("--seed-http", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.seed_http:  # the child process of part 1: Django on medic_bench_http
        setup_django(HTTP_DB)
        print(json.dumps(seed_http()))
        return

    ok = True
    if args.part in ("all", "http"):
        ok &= part_http(args)
    if args.part in ("all", "search"):
        ok &= part_search(args)
    if not ok:
        print("FAILED: see the figures above", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
