// The JSON shapes of the time-off endpoints (exceptions; CONTRACT.md; scheduling/api/serializers.py),
// camelCase as sent. Shapes both tabs use are in lib/types.ts.
import type { AffectedAnswer, Scope } from "../../lib/types";

export type ExceptionKind = "blocked" | "available";

export interface AvailabilityException {
  id: string;
  kind: ExceptionKind;
  startsAt: string;
  endsAt: string;
  slotIntervalMinutes: number | null;
  reason: string;
  source: string;
  scope: Scope;
}

export interface ExceptionRequest {
  doctorId?: string;
  kind: ExceptionKind;
  startsAt: string;
  endsAt: string;
  slotIntervalMinutes: number | null;
  reason: string;
  scope: Scope;
  onAffectedBookings?: AffectedAnswer;
}
