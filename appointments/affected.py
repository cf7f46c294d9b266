"""Bookings a schedule change would strand: live future appointments that the change leaves outside
bookable time (a day switched off, a shorter window, a new break, new time off, a removed opening)."""

from __future__ import annotations

import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from appointments.availability.engine import sourced_slots
from appointments.models import Appointment
from medic.clinic.models import Doctor
from scheduling import slots
from scheduling.scope import Scope
from scheduling.selectors import schedule_inputs


@dataclass(frozen=True, slots=True)
class ScheduleChange:
    """What a save would do to the doctor's stored schedule, in the engine's terms.

    `replace_days`: rules of exactly `scope` on these ISO weekdays are replaced by `windows` (in `timezone`);
    with no replace_days the windows are added. `blocked`/`openings` are exceptions added in `scope`;
    `removed_exceptions` are stored exceptions the change takes away (an edited or deleted one); `closed`
    replaces the clinic closures (UTC spans of closed days) when a change of closures is weighed.
    """

    scope: Scope
    timezone: str = "UTC"
    replace_days: frozenset[int] = frozenset()
    windows: Sequence[slots.Window] = ()
    blocked: Sequence[tuple[int, int]] = ()
    openings: Sequence[slots.Opening] = ()
    removed_exceptions: frozenset[uuid.UUID] = field(default_factory=frozenset)
    closed: Sequence[tuple[int, int]] | None = None  # the clinic's closures after it (None: unchanged)


@dataclass(frozen=True, slots=True)
class Affected:
    appointment: Appointment
    day_of_week: int  # in the doctor's zone


def affected_by(
    doctor: Doctor,
    change: ScheduleChange,
    *,
    now: datetime,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[Affected]:
    """Live appointments of `doctor` from `now` (and within [start, end) when given) that are inside bookable
    time today and would not be after `change`. Bookable time here is the schedule's slots for the
    appointment's own service, place and mode; other bookings do not count (they never strand anyone).
    Appointments already kept outside hours on purpose are not listed again."""
    rows = (
        Appointment.objects.live(now)
        .filter(doctor=doctor, starts_at__gte=max(now, start) if start else now, outside_hours=False)
        .select_related("patient", "appointment_type")
        .order_by("starts_at")
    )
    if end is not None:
        rows = rows.filter(starts_at__lt=end)
    appointments = list(rows)
    if not appointments:
        return []
    groups: dict[Scope, list[Appointment]] = defaultdict(list)
    for a in appointments:
        groups[Scope(a.appointment_type_id, a.location_id, None, a.consultation_mode)].append(a)
    lo = min(a.starts_at for a in appointments)
    hi = max(a.ends_at for a in appointments)
    zone = doctor.effective_timezone
    out: list[Affected] = []
    for request, group in groups.items():
        before = schedule_inputs([doctor.pk], request.request_filter(), lo, hi)[doctor.pk]
        after = _changed(before, change, request)
        lo_s, hi_s = int(lo.timestamp()), int(hi.timestamp())
        covered_before = slots.merge((s, e) for s, e, _ in sourced_slots(before, zone, lo_s, hi_s))
        covered_after = slots.merge((s, e) for s, e, _ in sourced_slots(after, zone, lo_s, hi_s))
        for a in group:
            s, e = int(a.starts_at.timestamp()), int(a.ends_at.timestamp())
            if slots.covered(*covered_before, s, e) and not slots.covered(*covered_after, s, e):
                out.append(Affected(a, _weekday(a, zone)))
    out.sort(key=lambda x: x.appointment.starts_at)
    return out


def _changed(stored: slots.ScheduleInputs, change: ScheduleChange, request: Scope) -> slots.ScheduleInputs:
    """The stored schedule as one request sees it, after `change`."""
    windows = {zone: list(ws) for zone, ws in stored.windows_by_zone.items()}
    if change.replace_days:
        for zone, ws in windows.items():
            windows[zone] = [
                w
                for w in ws
                if not (w.day_of_week in change.replace_days and stored.places.get(w.key) == change.scope)
            ]
    applies = change.scope.applies_to_request(request)
    if applies and change.windows:
        windows.setdefault(change.timezone, []).extend(change.windows)
    blocked = [(s, e) for s, e, key in _keyed_blocked(stored) if key not in change.removed_exceptions]
    openings = [o for o in stored.openings if o.key not in change.removed_exceptions]
    if applies:
        blocked.extend(change.blocked)
        openings.extend(change.openings)
    closed = stored.closed if change.closed is None else list(change.closed)
    return slots.ScheduleInputs(
        windows, blocked, openings, stored.places, [None] * len(blocked), closed, [None] * len(closed)
    )


def _keyed_blocked(stored: slots.ScheduleInputs) -> list[tuple[int, int, object]]:
    keys = stored.blocked_keys or [None] * len(stored.blocked)
    return [(s, e, k) for (s, e), k in zip(stored.blocked, keys, strict=True)]


def _weekday(a: Appointment, zone: str) -> int:
    return a.starts_at.astimezone(zoneinfo.ZoneInfo(zone)).isoweekday()
