"""The clinic search (the earliest free starts across a clinic's doctors) over a read model kept in this
process: each service's bookable starts per searched chunk of days, reused while they provably still hold.

The answer is `baseline.earliest_across_baseline`'s, computed the same way (chunk by chunk, in order, each
service dropping out at `per_doctor` starts); only each chunk's `bookable_starts` may come from the read
model instead of the engine. An entry is reused when all of its inputs are what they were:

- the stored schedule and the other bookings: the doctor's availability stamp is unchanged. The database
  bumps it in the same transaction as every write to appointments, weekly rules, their breaks, time off and
  openings (triggers of migration appointments.0008_search_read_model), and a search reads it before the
  data it computes from, so an entry is never newer than the data it claims to be;
- the service's booking rules, the doctor's zone and the services of the doctor in the search (their
  scoped rules apply), the searched zone, scope and dates: the key, read fresh on every search;
- time: no hold counted as busy has run out since (`Schedule.holds_until`), the advance limit cuts the
  chunk where it did, and starts now inside the minimum notice are dropped, exactly as the engine drops
  them (whether a start fits never depends on the slots before it);
- resources shared with other doctors' bookings: services that need one are always computed afresh.
"""

from __future__ import annotations

import heapq
import threading
import uuid
import zoneinfo
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice

from django.db import connection

from appointments.availability.baseline import SEARCH_CHUNK_DAYS
from appointments.availability.engine import BookingRules, Schedule, Start, bookable_starts
from appointments.availability.loading import DoctorZone, load_schedules, resources_full, utc_range
from appointments.availability.offers import Offer, booking_rules
from appointments.selectors import services_offered_query, utcnow
from medic.clinic.models import AppointmentType, Clinic
from scheduling import slots
from scheduling.scope import Scope

# At most this many entries per process (a few hundred bytes each); the oldest quarter goes when full.
MAX_ENTRIES = 20_000
# Starts kept per entry at least: a later search may take more per doctor, or lose some to the notice.
KEEP_STARTS = 12

_STAMPS = "appointments_availability_stamp"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One service the search looks through, with only what it needs (no model rows: a clinic has
    thousands); `stamp` is the doctor's availability stamp, read with it."""

    type_id: uuid.UUID
    doctor_id: uuid.UUID
    doctor_name: str
    doctor_zone: str
    rules: BookingRules
    stamp: int
    clinic_id: uuid.UUID | None = None  # set by `search_candidates`: every candidate is of this clinic

    @property
    def pk(self) -> uuid.UUID:
        return self.type_id


def search_candidates(
    clinic: Clinic,
    *,
    name: str = "",
    location_id: uuid.UUID | None = None,
    consultation_mode: str | None = None,
) -> list[Candidate]:
    """`selectors.services_offered`, as candidates for `earliest_across`, with their doctors' stamps, in the
    same order.

    A clinic's services change far less often than its bookings, so the services are kept in this process
    too: one statement reads a digest of them (every column a candidate is made of, in order) with every
    doctor's current stamp, and only when the digest differs from the one kept are the rows read again (a
    second statement, which reads rows, digest and stamps together). Either way the stamps are read on every
    search, before any data an entry is computed from."""
    services = services_offered_query(
        clinic, name=name, location_id=location_id, consultation_mode=consultation_mode
    ).values_list(
        "pk",
        "doctor_id",
        "doctor__display_name",
        "doctor__timezone",
        "doctor__clinic__timezone",
        "duration_minutes",
        "buffer_before_minutes",
        "buffer_after_minutes",
        "min_notice_minutes",
        "max_advance_days",
        "daily_cap",
    )
    inner, params = services.query.sql_with_params()
    # The stamps by one join rather than a lookup per service; the order is the services query's own.
    head = (
        f"WITH q AS MATERIALIZED ({inner}), "  # noqa: S608 - the ORM's own SQL
        f"o AS (SELECT q.*, coalesce(s.version, 0) AS stamp FROM q LEFT JOIN {_STAMPS} s ON s.doctor_id = "
        "q.doctor_id), d AS (SELECT md5(string_agg(q::text, E'\\n' ORDER BY q.doctor__display_name, q.name, "
        "q.pk)) AS digest FROM q) "
    )
    order = "ORDER BY o.doctor__display_name, o.name, o.pk"
    key = (clinic.pk, name.lower(), location_id, consultation_mode)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{head}SELECT d.digest, (SELECT array_agg(o.stamp {order}) FROM o) FROM d",  # noqa: S608
            params,
        )
        digest, stamps = cursor.fetchone()
        kept = _directory.get(key)
        if kept is None or kept[0] != digest:
            cursor.execute(
                f"{head}SELECT o.pk, o.doctor_id, o.doctor__display_name, o.doctor__timezone, "  # noqa: S608
                "o.doctor__clinic__timezone, o.duration_minutes, o.buffer_before_minutes, "
                "o.buffer_after_minutes, o.min_notice_minutes, o.max_advance_days, o.daily_cap, o.stamp, "
                f"d.digest FROM o CROSS JOIN d {order}",
                params,
            )
            rows = cursor.fetchall()
            fresh = [_candidate(clinic, row) for row in rows]
            if rows:
                _keep_directory(key, rows[0][-1], fresh)
            return fresh
    return [
        Candidate(c.type_id, c.doctor_id, c.doctor_name, c.doctor_zone, c.rules, stamp, c.clinic_id)
        for c, stamp in zip(kept[1], stamps or (), strict=True)
    ]


def _candidate(clinic: Clinic, row: tuple) -> Candidate:
    type_id, doctor_id, doctor_name, doctor_zone, clinic_zone = row[:5]
    duration, before, after, notice, advance, cap = row[5:11]
    return Candidate(
        type_id,
        doctor_id,
        doctor_name,
        doctor_zone or clinic_zone,  # Doctor.effective_timezone
        BookingRules(duration * 60, before * 60, after * 60, notice * 60, advance * 86_400, daily_cap=cap),
        row[11],
        clinic.pk,
    )


# Each searched clinic and filter's services (digest, candidates), at most this many kept per process.
MAX_DIRECTORIES = 256
_directory: dict[tuple[object, ...], tuple[str, list[Candidate]]] = {}


def _keep_directory(key: tuple[object, ...], digest: str, candidates: list[Candidate]) -> None:
    with _lock:
        if len(_directory) >= MAX_DIRECTORIES:
            _directory.clear()
        _directory[key] = (digest, candidates)


@dataclass(frozen=True, slots=True)
class _Entry:
    stamp: int  # the doctor's availability stamp the inputs were read under
    now: int  # when it was computed (epoch seconds, as the engine saw it)
    hi: int  # where the engine stopped: the chunk's end or the advance limit, whichever came first
    holds_until: int | None  # the first moment a hold counted as busy runs out
    starts: tuple[Start, ...]  # the chunk's first bookable starts as of `now`, in order
    complete: bool  # `starts` are all of them


_Key = tuple[int, tuple[int, ...], str, tuple[int, int, int, int, int, int | None]]
_EntryKey = tuple[str, _Key]  # the chunk (zone, first and last date, location, mode) and `_key`
_entries: dict[_EntryKey, _Entry] = {}
_lock = threading.Lock()


def clear() -> None:
    """Forget every entry and every clinic's services (tests)."""
    with _lock:
        _entries.clear()
        _directory.clear()


def stamps(doctor_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Each doctor's availability stamp (absent: never written since the stamps exist, read as 0)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT doctor_id, version FROM appointments_availability_stamp WHERE doctor_id = ANY(%s)",
            [list(doctor_ids)],
        )
        return dict(cursor.fetchall())


def _candidates(types: Sequence[AppointmentType]) -> list[Candidate]:
    current = stamps(list({t.doctor_id for t in types}))  # before any data an entry is computed from
    return [
        Candidate(
            t.pk,
            t.doctor_id,
            t.doctor.display_name,
            t.doctor.effective_timezone,
            booking_rules(t),
            current.get(t.doctor_id, 0),
        )
        for t in types
    ]


def earliest_across(
    *,
    types: Sequence[AppointmentType] | Sequence[Candidate],
    scope_location: uuid.UUID | None,
    consultation_mode: str | None,
    zone: zoneinfo.ZoneInfo,
    first: date,
    last: date,
    limit: int,
    per_doctor: int = 3,
    now: datetime | None = None,
) -> list[Offer]:
    """The earliest `limit` bookable starts across the doctors offering these services (models, or
    `search_candidates`), at most `per_doctor` from any one doctor so that one free diary does not hide
    everyone else.

    The slots are looked at a few days at a time, in order, and a service drops out once it has
    `per_doctor` starts: everything found later is later. Each service's starts of a chunk come from the
    read model when they still hold (see the module), else the doctors concerned are loaded (one query per
    kind of data, at most once per search) and computed.
    """
    models = {t.pk: t for t in types if isinstance(t, AppointmentType)}
    candidates = (
        _candidates(list(models.values())) if models else [t for t in types if isinstance(t, Candidate)]
    )
    found = earliest_starts(
        candidates,
        scope_location=scope_location,
        consultation_mode=consultation_mode,
        zone=zone,
        first=first,
        last=last,
        limit=limit,
        per_doctor=per_doctor,
        now=now,
    )
    missing = {c.type_id for c, _ in found} - models.keys()
    if missing:  # the few services that made it, as rows for the answer
        models.update(AppointmentType.objects.select_related("doctor__clinic").in_bulk(missing))
    return [Offer(models[c.type_id].doctor, models[c.type_id], s) for c, s in found]


def earliest_starts(
    candidates: list[Candidate],
    *,
    scope_location: uuid.UUID | None,
    consultation_mode: str | None,
    zone: zoneinfo.ZoneInfo,
    first: date,
    last: date,
    limit: int,
    per_doctor: int = 3,
    now: datetime | None = None,
) -> list[tuple[Candidate, Start]]:
    """`earliest_across` for `search_candidates`, as (candidate, start) pairs: all an answer of ids and
    names needs, with no service or doctor rows to load."""
    now = now or utcnow()
    at, at_exact = int(now.timestamp()), now.timestamp()
    lo, hi = utc_range(zone, first, last)
    all_type_ids = [c.type_id for c in candidates]
    clinics = {c.clinic_id for c in candidates}
    clinic_id = next(iter(clinics)) if len(clinics) == 1 else None
    full = resources_full(all_type_ids, scope_location, lo, hi, now, clinic_id=clinic_id)
    own_types: dict[uuid.UUID, list[int]] = {}
    for c in candidates:
        own_types.setdefault(c.doctor_id, []).append(c.type_id.int)
    # What an entry depends on besides the chunk; a service that needs a shared resource has no key. The
    # loop below goes by position: a thousand services are looked up without hashing a uuid each time.
    keys = [None if c.type_id in full else _key(c, own_types[c.doctor_id]) for c in candidates]
    capped = any(c.rules.daily_cap is not None for c in candidates)
    loaded: dict[uuid.UUID, Schedule] = {}

    def load(doctor_ids: set[uuid.UUID]) -> None:
        # Exactly the baseline's rows: rules and exceptions of any service in this search, or of none.
        rows = Scope(location_id=scope_location, consultation_mode=consultation_mode).request_filter(
            appointment_type_ids=all_type_ids
        )
        zones = {c.doctor_id: c.doctor_zone for c in candidates if c.doctor_id in doctor_ids}
        doctors = [DoctorZone(pk, zone) for pk, zone in zones.items()]
        loaded.update(load_schedules(doctors, rows, lo, hi, now, count_days=capped))

    found = [0] * len(candidates)
    waiting = list(range(len(candidates)))
    offers: list[tuple[Candidate, Start]] = []
    chunk_first = first
    while waiting and chunk_first <= last:
        chunk_last = min(last, chunk_first + timedelta(days=SEARCH_CHUNK_DAYS - 1))
        day_lo, day_hi = slots.day_bounds(zone, chunk_first, chunk_last)
        chunk = f"{zone.key}|{chunk_first}|{chunk_last}|{scope_location}|{consultation_mode}"
        results = []
        for i in waiting:
            key = keys[i]
            entry = _entries.get((chunk, key)) if key is not None else None
            results.append(
                None
                if entry is None
                else _reuse(entry, candidates[i], at, at_exact, day_lo, day_hi, per_doctor - found[i])
            )
        missing = {
            candidates[i].doctor_id for i, got in zip(waiting, results, strict=True) if got is None
        } - loaded.keys()
        if missing:
            load(missing)
        for i, starts in zip(waiting, results, strict=True):
            c = candidates[i]
            if starts is None:
                key = keys[i]
                starts = _compute(
                    c,
                    loaded[c.doctor_id],
                    zone=zone,
                    chunk=(chunk_first, chunk_last),
                    day_hi=day_hi,
                    at=at,
                    need=per_doctor - found[i],
                    unavailable=full.get(c.type_id, ()),
                    store_as=None if key is None else (chunk, key),
                )
            found[i] += len(starts)
            offers.extend((c, s) for s in starts)
        waiting = [i for i in waiting if found[i] < per_doctor]
        chunk_first = chunk_last + timedelta(days=1)
        if len(offers) >= limit:
            break  # a later chunk can only add later starts than all of these
    # sorted(...)[:limit], without sorting the thousands that are not shown
    return heapq.nsmallest(limit, offers, key=lambda o: (o[1].start_utc, o[0].doctor_name))


def _key(c: Candidate, own_types: list[int]) -> _Key:
    """What an entry depends on besides its chunk: the service, the doctor's services in this search (their
    scoped rules apply), the doctor's zone and the booking rules; plain ints and strings, quick to hash."""
    r = c.rules
    return (
        c.type_id.int,
        tuple(own_types),
        c.doctor_zone,
        (r.duration, r.buffer_before, r.buffer_after, r.min_notice, r.max_advance, r.daily_cap),
    )


def _reuse(
    entry: _Entry, c: Candidate, at: int, at_exact: float, day_lo: int, day_hi: int, need: int
) -> list[Start] | None:
    """The first `need` starts `bookable_starts` would give now, from `entry`; None when it cannot say."""
    if entry.stamp != c.stamp or at < entry.now:
        return None
    if entry.holds_until is not None and at_exact >= entry.holds_until:
        return None  # a hold may have run out: its time is free now
    if min(day_hi, at + c.rules.max_advance) != entry.hi:
        return None  # the advance limit moved inside the chunk: later starts may have come in
    starts = entry.starts
    if starts and starts[0].start_utc < at + c.rules.min_notice:
        starts = starts[bisect_left(starts, max(day_lo, at + c.rules.min_notice), key=_start) :]
    if len(starts) < need and not entry.complete:
        return None
    return list(starts[:need])


def _compute(
    c: Candidate,
    schedule: Schedule,
    *,
    zone: zoneinfo.ZoneInfo,
    chunk: tuple[date, date],
    day_hi: int,
    at: int,
    need: int,
    unavailable: Sequence[tuple[int, int]],
    store_as: _EntryKey | None,
) -> list[Start]:
    """The chunk's first `need` bookable starts, computed; kept in the read model under `store_as`."""
    starts = bookable_starts(
        schedule, c.rules, zone=zone, first=chunk[0], last=chunk[1], now=at, unavailable=unavailable
    )
    if store_as is not None:
        keep = max(need, KEEP_STARTS)
        _store(
            store_as,
            _Entry(
                stamp=c.stamp,
                now=at,
                hi=min(day_hi, at + c.rules.max_advance),
                holds_until=schedule.holds_until,
                starts=tuple(starts[:keep]),
                complete=len(starts) <= keep,
            ),
        )
    return starts[:need]


def _start(s: Start) -> int:
    return s.start_utc


def _store(key: _EntryKey, entry: _Entry) -> None:
    with _lock:
        _entries.pop(key, None)  # to the end: the oldest entries are the ones dropped
        _entries[key] = entry
        if len(_entries) > MAX_ENTRIES:
            for old in list(islice(_entries, MAX_ENTRIES // 4)):
                del _entries[old]
