// The JSON the calendar reads: free slots (GET /api/doctors/{id}/availability), appointments (GET
// /api/appointments), time off (GET …/exceptions) and the explain endpoint's reasons. camelCase as sent.
export interface FreeSlot {
  date: string;
  startLocal: string;
  endLocal: string;
  startUtc: string;
  endUtc: string;
}

export interface Appointment {
  id: string;
  status: string;
  startsAt: string;
  endsAt: string;
  appointmentTypeId: string;
  outsideHours: boolean;
}

export interface TimeOffEntry {
  id: string;
  kind: "blocked" | "available";
  startsAt: string;
  endsAt: string;
  reason: string;
}

export interface ExplainReason {
  code: string;
  message: string;
  detail: Record<string, unknown> | null;
}

export interface ExplainCandidate {
  startUtc: string | null;
  startLocal: string;
  endUtc: string | null;
  bookable: boolean;
  reasons: ExplainReason[];
}

export interface ExplainResponse {
  timezone: string;
  date: string | null;
  candidates: ExplainCandidate[];
}
