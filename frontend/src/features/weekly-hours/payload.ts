// Form values ⇄ request bodies. Which days a save sends is decided here, and only here.
//
// The form always holds all seven days (index = dayOfWeek − 1), loaded from the stored rules of the chosen
// scope ("replace") or empty ("append"). That load is the form's *base* (RHF's defaultValues).
// A save sends only the days that differ from the base ("edited days"):
// - replace: each edited day is sent whole — the stored windows the doctor kept plus the changes — so
//   "replace this day" stores exactly what the modal shows for it; an edited day switched off is sent as
//   `enabled: false, windows: []`, which clears it. Untouched days are not sent and stay as stored.
//   A changed timezone also sends every day that has stored windows, so the whole scope moves zone.
// - append: the form starts empty; each day with new windows is sent and only those are inserted.
// The server answers with paths into the *sent* list (`days.0…`); `dayIndexes` maps them back.
import { hashPayload, stableStringify } from "../../lib/hash";
import { addDays, fromMinutes, toMinutes } from "../../lib/time";
import type { DayValues, ScheduleFormValues, WindowValues } from "./schema";
import type { DateRange, DayJson, FormScope, PreviewRequest, ReplaceMode, RulesResponse, SaveRequest, WindowJson } from "./types";

export const DAY_INDEXES = [0, 1, 2, 3, 4, 5, 6] as const;

export function emptyDay(dayOfWeek: number): DayValues {
  return { dayOfWeek, enabled: false, windows: [] };
}

export function emptyWeek(): DayValues[] {
  return DAY_INDEXES.map((i) => emptyDay(i + 1));
}

/** A new window: 09:00–17:00 on an empty day; after another window, an hour after it ends (3 h long). */
export function newWindow(previous?: WindowValues): WindowValues {
  let start: string | null = "09:00";
  let end: string | null = "17:00";
  if (previous) {
    const after = toMinutes(previous.workEndLocal ?? "") + 60;
    const fits = Number.isFinite(after) && after <= 23 * 60;
    start = fits ? fromMinutes(after) : null;
    end = fits ? fromMinutes(Math.min(after + 180, 23 * 60 + 55)) : null;
  }
  return {
    workStartLocal: start,
    workEndLocal: end,
    slotIntervalMinutes: previous?.slotIntervalMinutes ?? 30,
    breaks: [],
    priority: 0,
    effectiveFrom: null,
    effectiveTo: null,
    repeatEveryWeeks: 1,
    repeatAnchor: null,
  };
}

/** A deep copy of a day's windows for "Copy to…" (no shared arrays between days). */
export function cloneWindows(windows: WindowValues[]): WindowValues[] {
  return windows.map((w) => ({ ...w, breaks: w.breaks.map((b) => ({ ...b })) }));
}

/** The stored days of a scope as the form's seven days (the server already sends all seven, in order). */
export function daysFromServer(days: DayJson[] | undefined): DayValues[] {
  const week = emptyWeek();
  for (const day of days ?? []) {
    if (day.dayOfWeek < 1 || day.dayOfWeek > 7) continue;
    week[day.dayOfWeek - 1] = {
      dayOfWeek: day.dayOfWeek,
      enabled: day.enabled,
      windows: day.windows.map((w) => ({
        workStartLocal: w.workStartLocal,
        workEndLocal: w.workEndLocal,
        slotIntervalMinutes: w.slotIntervalMinutes,
        breaks: w.breaks.map((b) => ({ breakStartLocal: b.breakStartLocal, breakEndLocal: b.breakEndLocal, label: b.label ?? "" })),
        priority: w.priority ?? 0,
        effectiveFrom: w.effectiveFrom ?? null,
        effectiveTo: w.effectiveTo ?? null,
        repeatEveryWeeks: w.repeatEveryWeeks ?? 1,
        repeatAnchor: (w.repeatEveryWeeks ?? 1) > 1 ? (w.repeatAnchor ?? null) : null,
      })),
    };
  }
  return week;
}

/** The form's base: the stored days of the scope for "replace", nothing for "append". */
export function formBase(
  rules: Pick<RulesResponse, "days" | "version" | "scope"> | undefined,
  scope: FormScope,
  replaceMode: ReplaceMode,
): ScheduleFormValues {
  return {
    scope,
    days: replaceMode === "replace_selected_days" ? daysFromServer(rules?.days) : emptyWeek(),
    replaceMode,
    expectedVersion: rules?.version ?? null,
    onAffectedBookings: null,
  };
}

function sameDay(a: DayValues | undefined, b: DayValues | undefined): boolean {
  return stableStringify(a) === stableStringify(b);
}

/** Form indexes (0 = Monday) of the days whose values differ from the base. */
export function editedDayIndexes(values: ScheduleFormValues, base: ScheduleFormValues): number[] {
  return values.days.map((day, i) => (sameDay(day, base.days[i]) ? -1 : i)).filter((i) => i >= 0);
}

/** Form indexes of the days a save (and its preview) sends, in weekday order. */
export function daysToSend(values: ScheduleFormValues, base: ScheduleFormValues): number[] {
  const edited = new Set(editedDayIndexes(values, base));
  if (values.replaceMode === "append") {
    // Appending a day with no windows inserts nothing: leave it out.
    return [...edited].filter((i) => values.days[i].enabled && values.days[i].windows.length > 0).sort((a, b) => a - b);
  }
  if (values.scope.timezone !== base.scope.timezone) {
    base.days.forEach((day, i) => {
      if (day.enabled && day.windows.length > 0) edited.add(i);
    });
  }
  return [...edited].sort((a, b) => a - b);
}

function windowJson(w: WindowValues): WindowJson {
  return {
    workStartLocal: w.workStartLocal ?? "",
    workEndLocal: w.workEndLocal ?? "",
    slotIntervalMinutes: w.slotIntervalMinutes ?? 0,
    breaks: w.breaks.map((b) => ({
      breakStartLocal: b.breakStartLocal ?? "",
      breakEndLocal: b.breakEndLocal ?? "",
      label: b.label.trim(),
    })),
    priority: w.priority ?? 0,
    effectiveFrom: w.effectiveFrom || null,
    effectiveTo: w.effectiveTo || null,
    repeatEveryWeeks: w.repeatEveryWeeks ?? 1,
    // A weekly window sends no anchor (the server would drop it anyway).
    repeatAnchor: (w.repeatEveryWeeks ?? 1) > 1 ? w.repeatAnchor || null : null,
  };
}

export function dayJson(day: DayValues): DayJson {
  // A switched-off day is sent without windows: it clears the day; its windows stay only in the form.
  return { dayOfWeek: day.dayOfWeek, enabled: day.enabled, windows: day.enabled ? day.windows.map(windowJson) : [] };
}

export function scopeJson(scope: FormScope): FormScope {
  return {
    appointmentTypeId: scope.appointmentTypeId || null,
    doctorLocationId: scope.doctorLocationId || null,
    locationRoomId: scope.locationRoomId || null,
    consultationMode: scope.consultationMode || null,
    timezone: scope.timezone,
  };
}

export interface BuiltDays {
  days: DayJson[];
  /** dayIndexes[i] is the form index of the sent day i (server path `days.i` ⇒ form path `days.{dayIndexes[i]}`). */
  dayIndexes: number[];
}

export function buildDays(values: ScheduleFormValues, base: ScheduleFormValues): BuiltDays {
  const dayIndexes = daysToSend(values, base);
  return { days: dayIndexes.map((i) => dayJson(values.days[i])), dayIndexes };
}

export function buildSavePayload(
  values: ScheduleFormValues,
  base: ScheduleFormValues,
  doctorId: string,
): { body: SaveRequest; dayIndexes: number[] } {
  const { days, dayIndexes } = buildDays(values, base);
  return {
    body: {
      doctorId,
      scope: scopeJson(values.scope),
      days,
      replaceMode: values.replaceMode,
      expectedVersion: values.expectedVersion,
      ...(values.onAffectedBookings ? { onAffectedBookings: values.onAffectedBookings } : {}),
    },
    dayIndexes,
  };
}

export function previewRange(today: string, weeks: number): DateRange {
  return { start: today, end: addDays(today, weeks * 7 - 1) };
}

export function buildPreviewPayload(
  values: ScheduleFormValues,
  base: ScheduleFormValues,
  doctorId: string,
  dateRange: DateRange,
): { body: PreviewRequest; dayIndexes: number[] } {
  const { days, dayIndexes } = buildDays(values, base);
  return { body: { doctorId, scope: scopeJson(values.scope), days, dateRange, replaceMode: values.replaceMode }, dayIndexes };
}

/** The query-key part of a preview: equal bodies, equal hash (whatever the key order). */
export function payloadHash(body: unknown): string {
  return hashPayload(body);
}
