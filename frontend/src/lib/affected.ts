// Bookings a schedule change would strand (BOOKINGS_AFFECTED): gathered from preview warnings and 409 answers.
import { ApiError } from "./http";
import type { AffectedAppointment, ApiFieldError } from "./types";

export const BOOKINGS_AFFECTED = "BOOKINGS_AFFECTED";

/** Every appointment named by BOOKINGS_AFFECTED entries, once each, earliest first. */
export function affectedAppointments(...lists: (readonly ApiFieldError[] | undefined)[]): AffectedAppointment[] {
  const byId = new Map<string, AffectedAppointment>();
  for (const list of lists) {
    for (const entry of list ?? []) {
      if (entry.code !== BOOKINGS_AFFECTED) continue;
      for (const a of entry.appointments ?? []) if (!byId.has(a.id)) byId.set(a.id, a);
    }
  }
  return [...byId.values()].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}

/** A save refused (409) because it would strand bookings and did not say keep or cancel. */
export function isBookingsAffected(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 409 && error.hasCode(BOOKINGS_AFFECTED);
}
