// The JSON shapes both tabs share (CONTRACT.md; scheduling/api/serializers.py), camelCase as sent.
// Each feature keeps its own request/response shapes in its types.ts.

export type ConsultationMode = "in_person" | "video" | "phone";

/** Which rules a request talks about; null means "All …". */
export interface Scope {
  appointmentTypeId: string | null;
  doctorLocationId: string | null;
  locationRoomId: string | null;
  consultationMode: ConsultationMode | null;
}

export interface RefData {
  appointmentTypes: { id: string; name: string; durationMinutes: number; consultationModes: ConsultationMode[] }[];
  locations: { id: string; name: string }[];
  rooms: { id: string; name: string; locationId: string }[];
  consultationModes: ConsultationMode[];
  slotIntervals: number[];
  timezoneDefault: string;
}

/** One entry of an error answer (`{ok: false, errors: [...]}`), or of the preview's warnings. */
export interface ApiFieldError {
  path: string;
  code: string;
  message: string;
  /** BOOKINGS_AFFECTED only: the bookings the change would leave outside bookable time. */
  appointments?: AffectedAppointment[];
}

/** A booking a schedule change would strand (BOOKINGS_AFFECTED in a preview warning or a 409). */
export interface AffectedAppointment {
  id: string;
  /** UTC instant. */
  startsAt: string;
  patientName: string;
  service: string;
}

/** What to do with the bookings a change strands: keep them (marked outside hours) or cancel them. */
export type AffectedAnswer = "keep" | "cancel";
