// The JSON shapes of the weekly-hours endpoints (rules, preview, bulk_upsert; CONTRACT.md;
// scheduling/api/serializers.py), camelCase as sent. Shapes both tabs use are in lib/types.ts.
import type { AffectedAnswer, ApiFieldError, Scope } from "../../lib/types";

export type ReplaceMode = "replace_selected_days" | "append";

export interface FormScope extends Scope {
  timezone: string;
}

export interface BreakJson {
  breakStartLocal: string;
  breakEndLocal: string;
  label: string;
}

export interface WindowJson {
  workStartLocal: string;
  workEndLocal: string;
  slotIntervalMinutes: number;
  breaks: BreakJson[];
  priority: number;
  effectiveFrom: string | null;
  effectiveTo: string | null;
  /** Works every N weeks (1–8; 1 = every week) from repeatAnchor's Monday-based week (required when N > 1). */
  repeatEveryWeeks?: number;
  repeatAnchor?: string | null;
}

export interface DayJson {
  dayOfWeek: number;
  enabled: boolean;
  windows: WindowJson[];
}

export interface StoredRule {
  id: string;
  dayOfWeek: number;
  workStartLocal: string;
  workEndLocal: string;
  slotIntervalMinutes: number;
  priority: number;
  effectiveFrom: string | null;
  effectiveTo: string | null;
  repeatEveryWeeks?: number;
  repeatAnchor?: string | null;
  isActive: boolean;
  timezone: string;
  breaks: (BreakJson & { id: string })[];
}

export interface RulesResponse {
  version: string;
  scope: FormScope;
  rules: StoredRule[];
  /** The same rules in the Add Slot form's shape: all seven days, a day without rules disabled. */
  days: DayJson[];
}

export interface DateRange {
  start: string;
  end: string;
}

export interface PreviewRequest {
  doctorId?: string;
  scope: FormScope;
  days: DayJson[];
  dateRange?: DateRange;
  /** "append" previews warn WINDOWS_OVERLAP (severity error) naming the stored windows a save would meet. */
  replaceMode?: ReplaceMode;
}

export interface SaveRequest {
  doctorId?: string;
  scope: FormScope;
  days: DayJson[];
  replaceMode: ReplaceMode;
  expectedVersion: string | null;
  /** Without it a save that strands bookings is refused (409 BOOKINGS_AFFECTED). */
  onAffectedBookings?: AffectedAnswer;
}

export interface PreviewSlot {
  startLocal: string;
  endLocal: string;
  startUtc: string;
  endUtc: string;
}

export interface PreviewWindow {
  kind: "rule" | "opening";
  /** "days.0.windows.1" (an index into the request's `days`), rules only. */
  path: string | null;
  workStartLocal: string;
  workEndLocal: string;
  slotIntervalMinutes: number;
  slots: PreviewSlot[];
}

export interface PreviewDay {
  date: string;
  dayOfWeek: number;
  /** With a service in scope: starts where a whole appointment fits, and how many fit back to back. */
  bookableStarts?: number;
  backToBack?: number;
  windows: PreviewWindow[];
}

export interface PreviewWarning extends ApiFieldError {
  severity: "error" | "warning";
}

export interface PreviewResponse {
  summary: {
    totalSlots: number;
    daysEnabled: number;
    /** Present with a service in scope: the slot starts a whole appointment fits at, and how many fit back to back. */
    bookableStarts?: number;
    backToBack?: number;
    service?: { id: string; name: string; durationMinutes: number };
  };
  days: PreviewDay[];
  warnings: PreviewWarning[];
}

export interface SaveResponse {
  ok: true;
  insertedRules: number;
  deletedRules: number;
  version: string;
}
