"""The grid's cells as HTML, built in Python: a full clinic day is ~1,000 cells refreshed every 30 s, and a
template loop over them costs several times the whole query work."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from appointments.desk.selectors import Column


def column_body(column: Column, *, location: str = "") -> SafeString:
    """Time off, free cells and appointment blocks of one column (every value escaped)."""
    e = escape
    book = reverse("desk-book")
    doctor = e(column.doctor.display_name)
    extra = f"&amp;location={e(location)}" if location else ""
    out: list[str] = []
    for off in column.time_off:
        out.append(
            f'<div class="timeoff" style="top: {off.top}px; height: {off.height}px" '
            f'title="{e(off.reason)} {off.span}"><span>{e(off.reason)}</span> '
            f'<span class="small">{off.span}</span></div>'
        )
    for cell in column.free:
        out.append(
            f'<a class="free" style="top: {cell.top}px; height: {cell.height}px" '
            f'href="{book}?doctor={column.doctor.pk}&amp;start={cell.start_iso}{extra}" '
            f'aria-label="Book {cell.start} with {doctor}">{cell.start} '
            '<span class="free-word">free</span></a>'
        )
    for b in column.blocks:
        countdown = (
            f' <span class="count" data-countdown="{b.hold_expires_iso}"></span>'
            if b.hold_expires_iso
            else ""
        )
        flag = (
            ' <span class="flag" title="Kept outside the doctor\'s hours">⚠ outside hours</span>'
            if b.outside_hours
            else ""
        )
        out.append(
            f'<a class="appt st-{b.status}{" outside" if b.outside_hours else ""}" '
            f'style="top: {b.top}px; height: {b.height}px" href="{b.url}" '
            f'hx-get="{b.url}" hx-target="#panel" '
            f'hx-swap="innerHTML" hx-push-url="false" data-testid="appt-{b.id}">'
            f'<span class="appt-time">{b.start}–{b.end}</span><span class="appt-who">{e(b.patient)}</span>'
            f'<span class="appt-what">{e(b.service)} · <span class="badge">{e(b.status_label)}</span>'
            f"{countdown}{flag}</span></a>"
        )
    return mark_safe("".join(out))  # noqa: S308 - every interpolated text is escaped above
