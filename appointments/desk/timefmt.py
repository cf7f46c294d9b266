"""One way to write times at the desk: `Mon 30 Nov · 09:40` in the clinic's zone."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime


def zone_of(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def when(value: datetime, zone: zoneinfo.ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%a %d %b · %H:%M")


def hhmm(value: datetime, zone: zoneinfo.ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%H:%M")


def when_for_patient(value: datetime, clinic_zone: zoneinfo.ZoneInfo, patient_zone: str) -> str:
    """The clinic's time, and the patient's own beside it when their zone shows a different clock."""
    text = when(value, clinic_zone)
    try:
        theirs = zoneinfo.ZoneInfo(patient_zone) if patient_zone else clinic_zone
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return text
    if value.astimezone(theirs).utcoffset() != value.astimezone(clinic_zone).utcoffset():
        text += f" ({when(value, theirs)} {patient_zone})"
    return text


def from_epoch(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def iso_utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
