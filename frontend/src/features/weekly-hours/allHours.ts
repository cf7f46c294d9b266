// All the doctor's hours across scopes (GET …/rules/all) as one week: which rules apply to the scope filter,
// grouped by weekday, and how each is badged ("Consultation · Central · Any mode").
import { MODE_LABELS } from "../../lib/scope";
import type { RefData, Scope } from "../../lib/types";
import type { DayJson, StoredRule } from "./types";

export type ScopedRule = StoredRule & { scope: Scope };

const KEYS = ["appointmentTypeId", "doctorLocationId", "locationRoomId", "consultationMode"] as const;

/** A rule applies to the filter when, for each choice made in the filter, the rule has the same or "any". */
export function appliesTo(rule: Scope, filter: Scope): boolean {
  return KEYS.every((k) => filter[k] === null || rule[k] === null || rule[k] === filter[k]);
}

/** The seven days (Monday first) of the active rules that apply to `filter`, each day's windows by start. */
export function weekOfAll(rules: ScopedRule[], filter: Scope): ScopedRule[][] {
  const week: ScopedRule[][] = [[], [], [], [], [], [], []];
  for (const rule of rules) {
    if (rule.isActive && rule.dayOfWeek >= 1 && rule.dayOfWeek <= 7 && appliesTo(rule.scope, filter)) week[rule.dayOfWeek - 1].push(rule);
  }
  for (const day of week) day.sort((a, b) => a.workStartLocal.localeCompare(b.workStartLocal));
  return week;
}

/** The rules as the grid's seven days (the shape the calendar and the modal read). */
export function asDays(week: ScopedRule[][]): DayJson[] {
  return week.map((rules, i) => ({ dayOfWeek: i + 1, enabled: rules.length > 0, windows: rules }));
}

/** The scope as short names: "Consultation · Central (Syntagma) · Any mode" ("Any …" where null). */
export function scopeBadge(refdata: RefData | undefined, scope: Scope): string {
  const name = <T extends { id: string; name: string }>(list: T[] | undefined, id: string | null, any: string) =>
    id === null ? any : (list?.find((x) => x.id === id)?.name ?? "…");
  const parts = [name(refdata?.appointmentTypes, scope.appointmentTypeId, "Any service"), name(refdata?.locations, scope.doctorLocationId, "Any location")];
  if (scope.locationRoomId !== null) parts.push(name(refdata?.rooms, scope.locationRoomId, "Any room"));
  parts.push(scope.consultationMode === null ? "Any mode" : (MODE_LABELS[scope.consultationMode] ?? scope.consultationMode));
  return parts.join(" · ");
}
