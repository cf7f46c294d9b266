// The Add Slot form: its values (named exactly like the JSON, so server paths are form paths) and the zod
// schema that mirrors scheduling/validation.py, code for code, so most errors show before any request.
// zod/mini: the same schemas as classic zod, tree-shakable (it keeps the lazy chunk small).
import { z } from "zod/mini";
import { scopeSchema, SLOT_INTERVALS, type Issue } from "../../lib/schema";
import { isKnownTimezone, isRealDate, TIME_RE, toMinutes } from "../../lib/time";
import { MAX_REPEAT_WEEKS, MIN_REPEAT_WEEKS, rotasMeet, type Rota } from "./rota";

export const REPLACE_MODES = ["replace_selected_days", "append"] as const;
export const MAX_DAYS = 7;
export const MAX_WINDOWS_PER_DAY = 20;
export const MAX_BREAKS_PER_WINDOW = 10;
export const MAX_LABEL_LENGTH = 100;
export const MIN_PRIORITY = -1000;
export const MAX_PRIORITY = 1000;

// The shape is deliberately loose (a cleared picker is null): every rule lives in `scheduleIssues`, so one
// pass reports every problem at the server's path with the server's code.
const time = z.nullable(z.string());

export const breakSchema = z.object({
  breakStartLocal: time,
  breakEndLocal: time,
  label: z.string(),
});

export const windowSchema = z.object({
  workStartLocal: time,
  workEndLocal: time,
  slotIntervalMinutes: z.nullable(z.number()),
  breaks: z.array(breakSchema),
  priority: z.nullable(z.number()),
  effectiveFrom: z.nullable(z.string()),
  effectiveTo: z.nullable(z.string()),
  /** A rota: every N weeks (1 = every week) counted from the week of repeatAnchor. Absent = every week. */
  repeatEveryWeeks: z.optional(z.nullable(z.number())),
  repeatAnchor: z.optional(z.nullable(z.string())),
});

export const daySchema = z.object({
  dayOfWeek: z.number(),
  enabled: z.boolean(),
  windows: z.array(windowSchema),
});

/** The form's scope: which rules (null = "All …") and the timezone they are saved in. */
export const formScopeSchema = z.extend(scopeSchema, { timezone: z.string() });

const formShape = z.object({
  scope: formScopeSchema,
  days: z.array(daySchema),
  replaceMode: z.enum(REPLACE_MODES),
  /** The `version` the form was loaded at; sent so a stale save is refused (409), never a silent overwrite. */
  expectedVersion: z.nullable(z.string()),
  /** Bookings the change would strand (BOOKINGS_AFFECTED): keep them or cancel them; null until asked. */
  onAffectedBookings: z.optional(z.nullable(z.enum(["keep", "cancel"]))),
});

export type BreakValues = z.infer<typeof breakSchema>;
export type WindowValues = z.infer<typeof windowSchema>;
export type DayValues = z.infer<typeof daySchema>;
export type ScheduleFormValues = z.infer<typeof formShape>;

export const scheduleFormSchema = formShape.check(
  z.superRefine((values: ScheduleFormValues, ctx) => {
    for (const issue of scheduleIssues(values)) {
      ctx.addIssue({
        code: "custom",
        path: issue.path.split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
        message: issue.message,
        params: { code: issue.code },
      });
    }
  }),
);

const TIME_HINT = "Use HH:MM, 24-hour (e.g. 09:30).";

interface Span {
  index: number;
  start: number;
  end: number;
  priority: number;
  effectiveFrom: string | null;
  effectiveTo: string | null;
  rota: Rota;
}

/** Every problem of the form, at the server's paths, codes and (nearly) messages, in payload order. */
export function scheduleIssues(values: ScheduleFormValues): Issue[] {
  const issues: Issue[] = [];
  const add = (path: string, code: string, message: string) => issues.push({ path, code, message });

  const tz = values.scope.timezone;
  if (!tz) add("scope.timezone", "REQUIRED", "Choose a timezone (e.g. Europe/Athens).");
  else if (!isKnownTimezone(tz) || ["localtime", "posixrules", "Factory"].includes(tz))
    add("scope.timezone", "INVALID_TIMEZONE", "Use an IANA timezone name (e.g. Europe/Athens).");

  if (values.days.length === 0) add("days", "REQUIRED", "Choose at least one day.");
  if (values.days.length > MAX_DAYS) add("days", "TOO_MANY_ITEMS", `At most ${MAX_DAYS} days, one per weekday.`);
  const seen = new Set<number>();
  values.days.forEach((day, d) => {
    const path = `days.${d}`;
    if (!Number.isInteger(day.dayOfWeek) || day.dayOfWeek < 1 || day.dayOfWeek > 7) {
      add(`${path}.dayOfWeek`, "INVALID_DAY_OF_WEEK", "Use 1 (Monday) to 7 (Sunday).");
    } else if (seen.has(day.dayOfWeek)) {
      add(`${path}.dayOfWeek`, "DUPLICATE_DAY", "This weekday is already in the list; use each weekday once.");
    } else {
      seen.add(day.dayOfWeek);
    }
    // A disabled day is cleared on save: the server does not check its windows, nor do we.
    if (!day.enabled) return;
    if (day.windows.length === 0) add(`${path}.windows`, "NO_WINDOWS", "Add at least one work window, or turn this day off.");
    windowIssues(day.windows, `${path}.windows`, add);
  });
  return issues;
}

type Add = (path: string, code: string, message: string) => void;

function windowIssues(windows: WindowValues[], path: string, add: Add): void {
  const tooMany = windows.length > MAX_WINDOWS_PER_DAY;
  if (tooMany) add(path, "TOO_MANY_ITEMS", `At most ${MAX_WINDOWS_PER_DAY} work windows per day.`);
  const spans: Span[] = [];
  windows.forEach((window, w) => {
    const wp = `${path}.${w}`;
    const start = timeIssue(window.workStartLocal, `${wp}.workStartLocal`, add);
    const end = timeIssue(window.workEndLocal, `${wp}.workEndLocal`, add);
    let bounds: [number, number] | null = null;
    if (start !== null && end !== null) {
      if (end <= start) add(`${wp}.workEndLocal`, "END_BEFORE_START", "End after the start; a window cannot cross midnight.");
      else bounds = [start, end];
    }
    const interval = window.slotIntervalMinutes;
    if (interval === null || interval === undefined)
      add(`${wp}.slotIntervalMinutes`, "REQUIRED", "Choose a slot length: 5, 10, 15, 20, 30 or 60 minutes.");
    else if (!(SLOT_INTERVALS as readonly number[]).includes(interval))
      add(`${wp}.slotIntervalMinutes`, "INVALID_INTERVAL", "Use 5, 10, 15, 20, 30 or 60 minutes.");
    breakIssues(window.breaks, `${wp}.breaks`, bounds, add);
    const priority = window.priority ?? 0;
    let priorityOk = true;
    if (!Number.isInteger(priority) || priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
      add(`${wp}.priority`, "OUT_OF_RANGE", `Use a whole number from ${MIN_PRIORITY} to ${MAX_PRIORITY}.`);
      priorityOk = false;
    }
    const fromOk = dateIssue(window.effectiveFrom, `${wp}.effectiveFrom`, add);
    const toOk = dateIssue(window.effectiveTo, `${wp}.effectiveTo`, add);
    let datesOk = fromOk && toOk;
    if (datesOk && window.effectiveFrom && window.effectiveTo && window.effectiveTo < window.effectiveFrom) {
      add(`${wp}.effectiveTo`, "EFFECTIVE_RANGE_INVALID", "The last effective date must be on or after the first.");
      datesOk = false;
    }
    const rota = repeatIssues(window, wp, add);
    if (bounds && priorityOk && datesOk && rota) {
      spans.push({
        index: w,
        start: bounds[0],
        end: bounds[1],
        priority,
        effectiveFrom: window.effectiveFrom,
        effectiveTo: window.effectiveTo,
        rota,
      });
    }
  });
  if (tooMany) return;
  for (const index of laterOverlapping(spans)) {
    add(
      `${path}.${index}.workStartLocal`,
      "WINDOWS_OVERLAP",
      "Overlaps another window with the same priority that can work on the same dates; windows may touch but not overlap.",
    );
  }
}

function breakIssues(breaks: BreakValues[], path: string, window: [number, number] | null, add: Add): void {
  const tooMany = breaks.length > MAX_BREAKS_PER_WINDOW;
  if (tooMany) add(path, "TOO_MANY_ITEMS", `At most ${MAX_BREAKS_PER_WINDOW} breaks per window.`);
  const spans: Span[] = [];
  breaks.forEach((brk, b) => {
    const bp = `${path}.${b}`;
    const start = timeIssue(brk.breakStartLocal, `${bp}.breakStartLocal`, add);
    const end = timeIssue(brk.breakEndLocal, `${bp}.breakEndLocal`, add);
    if (brk.label.trim().length > MAX_LABEL_LENGTH) add(`${bp}.label`, "TOO_LONG", `Use at most ${MAX_LABEL_LENGTH} characters.`);
    if (start === null || end === null) return;
    if (end <= start) {
      add(`${bp}.breakEndLocal`, "BREAK_END_BEFORE_START", "End the break after it starts.");
      return;
    }
    if (window && !(window[0] <= start && end <= window[1])) {
      add(
        `${bp}.breakStartLocal`,
        "BREAK_OUTSIDE_WINDOW",
        `Keep the break within its window (${fmt(window[0])}-${fmt(window[1])}).`,
      );
      return;
    }
    spans.push({ index: b, start, end, priority: 0, effectiveFrom: null, effectiveTo: null, rota: [1, null] });
  });
  if (tooMany) return;
  for (const index of laterOverlapping(spans)) {
    add(`${path}.${index}.breakStartLocal`, "BREAKS_OVERLAP", "Overlaps another break of this window; breaks may touch but not overlap.");
  }
}

function fmt(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

function timeIssue(value: string | null, path: string, add: Add): number | null {
  if (value === null || value === undefined) {
    add(path, "REQUIRED", "Enter a time as HH:MM, 24-hour (e.g. 09:30).");
    return null;
  }
  if (!TIME_RE.test(value)) {
    add(path, "INVALID_TIME", TIME_HINT);
    return null;
  }
  return toMinutes(value);
}

/** INVALID_REPEAT / INVALID_DATE for the window's rota; its (every, anchor) when sound, else null. */
function repeatIssues(window: WindowValues, wp: string, add: Add): Rota | null {
  const every = window.repeatEveryWeeks ?? 1;
  if (!Number.isInteger(every) || every < MIN_REPEAT_WEEKS || every > MAX_REPEAT_WEEKS) {
    add(`${wp}.repeatEveryWeeks`, "INVALID_REPEAT", `Repeat every ${MIN_REPEAT_WEEKS} to ${MAX_REPEAT_WEEKS} weeks (1 is every week).`);
    return null;
  }
  const anchor = window.repeatAnchor ?? null;
  if (!dateIssue(anchor, `${wp}.repeatAnchor`, add)) return null;
  if (every === 1) return [1, null]; // a weekly window counts from nothing: the server drops its anchor
  if (!anchor) {
    add(`${wp}.repeatAnchor`, "INVALID_REPEAT", `Choose the week the rota starts from: a window repeating every ${every} weeks needs it.`);
    return null;
  }
  return [every, anchor];
}

function dateIssue(value: string | null, path: string, add: Add): boolean {
  if (value === null || value === undefined) return true;
  if (isRealDate(value)) return true;
  add(path, "INVALID_DATE", "Use a real date as YYYY-MM-DD (e.g. 2026-01-31).");
  return false;
}

/** Indexes of spans that overlap an earlier-starting span (list order breaks ties); touching is fine. */
export function laterOverlapping(spans: Span[]): number[] {
  const ordered = [...spans].sort((a, b) => a.start - b.start || a.index - b.index);
  const out: number[] = [];
  ordered.forEach((span, position) => {
    if (ordered.slice(0, position).some((earlier) => overlap(earlier, span))) out.push(span.index);
  });
  return out.sort((a, b) => a - b);
}

function overlap(earlier: Span, later: Span): boolean {
  if (earlier.priority !== later.priority || later.start >= earlier.end) return false;
  // Effective ranges are inclusive; null is unbounded on that side.
  const starts = [earlier.effectiveFrom, later.effectiveFrom].filter((d): d is string => !!d);
  const ends = [earlier.effectiveTo, later.effectiveTo].filter((d): d is string => !!d);
  const maxStart = starts.length ? starts.reduce((a, b) => (a > b ? a : b)) : null;
  const minEnd = ends.length ? ends.reduce((a, b) => (a < b ? a : b)) : null;
  if (maxStart !== null && minEnd !== null && maxStart > minEnd) return false;
  // Windows of different weeks of a rota never work on one date, so they may share the clock.
  return rotasMeet(earlier.rota, later.rota, maxStart, minEnd);
}

/** The form's issues keyed by path (first message wins), for rendering under fields. */
export function issuesByPath(issues: Issue[]): Map<string, Issue> {
  const map = new Map<string, Issue>();
  for (const issue of issues) if (!map.has(issue.path)) map.set(issue.path, issue);
  return map;
}
