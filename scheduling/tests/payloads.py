"""Builders for Add Slot payloads in the contract's JSON shape, for the API tests."""

from __future__ import annotations

from typing import Any


def brk(start: str, end: str, label: str = "") -> dict[str, Any]:
    return {"breakStartLocal": start, "breakEndLocal": end, "label": label}


def window(
    start: str = "09:00", end: str = "17:00", interval: int = 30, *breaks: dict, **extra: Any
) -> dict[str, Any]:
    return {
        "workStartLocal": start,
        "workEndLocal": end,
        "slotIntervalMinutes": interval,
        "breaks": list(breaks),
        **extra,
    }


def day(day_of_week: int, *windows: dict, enabled: bool = True) -> dict[str, Any]:
    return {"dayOfWeek": day_of_week, "enabled": enabled, "windows": list(windows)}


def form(*days: dict, timezone: str = "Europe/Athens", **extra: Any) -> dict[str, Any]:
    scope = {
        "appointmentTypeId": None,
        "doctorLocationId": None,
        "locationRoomId": None,
        "consultationMode": None,
        "timezone": timezone,
    }
    scope.update(extra.pop("scope", {}))
    return {"scope": scope, "days": list(days), **extra}


def monday_nine_to_five() -> dict[str, Any]:
    return form(day(1, window("09:00", "17:00", 30, brk("13:00", "14:00", "Lunch"))))
