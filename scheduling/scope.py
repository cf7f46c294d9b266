"""The scope of a schedule row or a request: service, location, room and consultation mode (None = any)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Q

# The model fields that hold a scope on rules, exceptions and appointments, in the contract's order.
FIELDS: tuple[str, ...] = ("appointment_type_id", "location_id", "room_id", "consultation_mode")


@dataclass(frozen=True, slots=True)
class Scope:
    """One value type for every scope: the Add Slot form's, a time-off row's, a booking request's.

    A row (rule or exception) stores a scope where None means "any". Three questions are asked of rows:
    `exact_filter` (same scope: what a save replaces), `covering_filter` (rows that hold for every request
    in this scope: what a preview of this scope's rules applies) and `request_filter` (rows that can apply
    to one booking request, whose None fields are left open).
    """

    appointment_type_id: uuid.UUID | None = None
    location_id: uuid.UUID | None = None
    room_id: uuid.UUID | None = None
    consultation_mode: str | None = None

    def values(self) -> dict[str, object]:
        """The scope as model field values (for building or filtering rows)."""
        return {field: getattr(self, field) for field in FIELDS}

    def exact_filter(self) -> Q:
        """Rows whose scope is exactly this one (null matches null)."""
        return Q(**self.values())

    def covering_filter(self) -> Q:
        """Rows whose every scope field is null or equal to this scope's (None here matches only null)."""
        q = Q()
        for field, value in self.values().items():
            null = Q(**{f"{field}__isnull": True})
            q &= null if value is None else null | Q(**{field: value})
        return q

    def applies_to_request(self, request: Scope) -> bool:
        """`request_filter` for one row in Python: does a row of this scope apply to `request`?"""
        return all(
            mine is None or theirs is None or mine == theirs
            for mine, theirs in zip(self.values().values(), request.values().values(), strict=True)
        )

    def request_filter(self, *, appointment_type_ids: Collection[uuid.UUID] | None = None) -> Q:
        """Rows that apply to a booking request in this scope: for each field the request names, the row's is
        null or equal; a field the request leaves None is open.

        A search across doctors passes `appointment_type_ids` (each doctor's matching service) instead of one
        `appointment_type_id`: services belong to one doctor, so a row of doctor D can only match D's own.
        """
        q = Q()
        type_ids = appointment_type_ids
        if type_ids is None and self.appointment_type_id is not None:
            type_ids = (self.appointment_type_id,)
        if type_ids is not None:
            q &= Q(appointment_type_id__isnull=True) | Q(appointment_type_id__in=type_ids)
        for field in FIELDS[1:]:
            value = getattr(self, field)
            if value is not None:
                q &= Q(**{f"{field}__isnull": True}) | Q(**{field: value})
        return q
