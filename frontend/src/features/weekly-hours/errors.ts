// Server error paths → form fields. The form's field names equal the JSON's, so a path only needs its day
// index translated from "the i-th day sent" to the form's day (see payload.ts `dayIndexes`).
import { splitServerErrors, type FieldFor, type RoutedErrors } from "../../lib/serverErrors";
import type { ApiFieldError } from "../../lib/types";
import type { ScheduleFormValues } from "./schema";

/** `days.{sent index}…` → `days.{form index}…`; other paths unchanged; null when the sent index is unknown. */
export function toFormPath(serverPath: string, dayIndexes: number[]): string | null {
  const match = /^days\.(\d+)(\..*)?$/.exec(serverPath);
  if (!match) return serverPath;
  const formIndex = dayIndexes[Number(match[1])];
  if (formIndex === undefined) return null;
  return `days.${formIndex}${match[2] ?? ""}`;
}

const SCOPE_FIELDS = new Set(["appointmentTypeId", "doctorLocationId", "locationRoomId", "consultationMode", "timezone"]);
const WINDOW_FIELDS = new Set([
  "workStartLocal",
  "workEndLocal",
  "slotIntervalMinutes",
  "priority",
  "effectiveFrom",
  "effectiveTo",
  "repeatEveryWeeks",
  "repeatAnchor",
]);
const BREAK_FIELDS = new Set(["breakStartLocal", "breakEndLocal", "label"]);

/**
 * The RHF name of the control that shows errors for `path`, or null when the form has no such control
 * (then the error belongs in the form-level Alert). List-level errors (NO_WINDOWS on `days.0.windows`,
 * TOO_MANY_ITEMS on `…breaks`) go to RHF's `root` of that field array.
 */
export function fieldNameFor(path: string, values: ScheduleFormValues): string | null {
  const parts = path.split(".");
  if (parts[0] === "scope") return parts.length === 2 && SCOPE_FIELDS.has(parts[1]) ? path : null;
  if (path === "replaceMode") return path;
  if (parts[0] !== "days" || parts.length < 3) return null;
  const day = values.days[Number(parts[1])];
  if (!/^\d+$/.test(parts[1]) || !day) return null;
  if (parts.length === 3) {
    if (parts[2] === "enabled") return path;
    if (parts[2] === "windows") return `${path}.root`;
    return null;
  }
  if (parts[2] !== "windows" || !/^\d+$/.test(parts[3])) return null;
  const window = day.windows[Number(parts[3])];
  if (!window) return null;
  if (parts.length === 5) {
    if (WINDOW_FIELDS.has(parts[4])) return path;
    if (parts[4] === "breaks") return `${path}.root`;
    return null;
  }
  if (parts.length === 7 && parts[4] === "breaks" && /^\d+$/.test(parts[5])) {
    const brk = window.breaks[Number(parts[5])];
    return brk && BREAK_FIELDS.has(parts[6]) ? path : null;
  }
  return null;
}

/** Where the form shows the server's error at `path`, for a save or preview that sent `dayIndexes`. */
export function scheduleFieldFor(dayIndexes: number[], values: ScheduleFormValues): FieldFor {
  return (path) => {
    const formPath = toFormPath(path, dayIndexes);
    return formPath === null ? null : fieldNameFor(formPath, values);
  };
}

/** The server's errors for a sent schedule, each routed to the form field that shows it (lib/serverErrors.ts). */
export function routeServerErrors(errors: ApiFieldError[], dayIndexes: number[], values: ScheduleFormValues): RoutedErrors {
  return splitServerErrors(errors, scheduleFieldFor(dayIndexes, values));
}
