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
}
