// A scope (service, location, room, consultation mode; null = "All …") and what every scope choice needs:
// the options of its selects ("All …" is the empty string in a select, null in JSON), keeping a chosen scope
// coherent, comparing, describing and querying it.
import type { ConsultationMode, RefData, Scope } from "./types";

export const MODE_LABELS: Record<string, string> = { in_person: "In person", video: "Video", phone: "Phone" };

export const ALL_SCOPE: Scope = {
  appointmentTypeId: null,
  doctorLocationId: null,
  locationRoomId: null,
  consultationMode: null,
};

export function sameScope(a: Scope, b: Scope): boolean {
  return (
    (a.appointmentTypeId ?? null) === (b.appointmentTypeId ?? null) &&
    (a.doctorLocationId ?? null) === (b.doctorLocationId ?? null) &&
    (a.locationRoomId ?? null) === (b.locationRoomId ?? null) &&
    (a.consultationMode ?? null) === (b.consultationMode ?? null)
  );
}

/** Query parameters for GET …/rules of a scope (an absent parameter means "All"). */
export function scopeQuery(scope: Scope): Record<string, string | null> {
  return {
    appointmentTypeId: scope.appointmentTypeId,
    doctorLocationId: scope.doctorLocationId,
    locationRoomId: scope.locationRoomId,
    consultationMode: scope.consultationMode,
  };
}

export interface Option {
  value: string;
  label: string;
}

export const toSelectValue = (value: string | null | undefined): string => value ?? "";
export const fromSelectValue = <T extends string>(value: string | undefined): T | null => (value ? (value as T) : null);

export function scopeOptions(refdata: RefData | undefined, scope: Scope) {
  const locations = refdata?.locations ?? [];
  const locationName = new Map(locations.map((l) => [l.id, l.name]));
  const rooms = (refdata?.rooms ?? []).filter((r) => !scope.doctorLocationId || r.locationId === scope.doctorLocationId);
  const type = refdata?.appointmentTypes.find((t) => t.id === scope.appointmentTypeId);
  const modes: ConsultationMode[] = type?.consultationModes ?? refdata?.consultationModes ?? ["in_person", "video", "phone"];
  return {
    services: [{ value: "", label: "All services" }, ...(refdata?.appointmentTypes ?? []).map((t) => ({ value: t.id, label: `${t.name} (${t.durationMinutes} min)` }))],
    locations: [{ value: "", label: "All locations" }, ...locations.map((l) => ({ value: l.id, label: l.name }))],
    rooms: [
      { value: "", label: "All rooms" },
      ...rooms.map((r) => ({
        value: r.id,
        label: scope.doctorLocationId ? r.name : `${r.name} · ${locationName.get(r.locationId) ?? ""}`,
      })),
    ],
    modes: [{ value: "", label: "All modes" }, ...modes.map((m) => ({ value: m, label: MODE_LABELS[m] ?? m }))],
  };
}

/** The scope after one select changed, keeping it coherent: a room must be at the location, a mode allowed for the service. */
export function nextScope<S extends Scope>(refdata: RefData | undefined, scope: S, change: Partial<Scope>): S {
  const next = { ...scope, ...change };
  if (change.doctorLocationId !== undefined && next.locationRoomId) {
    const room = refdata?.rooms.find((r) => r.id === next.locationRoomId);
    if (next.doctorLocationId && room && room.locationId !== next.doctorLocationId) next.locationRoomId = null;
  }
  if (change.appointmentTypeId !== undefined && next.consultationMode) {
    const type = refdata?.appointmentTypes.find((t) => t.id === next.appointmentTypeId);
    if (type && !type.consultationModes.includes(next.consultationMode)) next.consultationMode = null;
  }
  return next;
}

export function describeScope(refdata: RefData | undefined, scope: Scope): string {
  const parts = [
    refdata?.appointmentTypes.find((t) => t.id === scope.appointmentTypeId)?.name ?? (scope.appointmentTypeId ? "a service" : "All services"),
    refdata?.locations.find((l) => l.id === scope.doctorLocationId)?.name ?? (scope.doctorLocationId ? "a location" : "all locations"),
  ];
  if (scope.locationRoomId) parts.push(refdata?.rooms.find((r) => r.id === scope.locationRoomId)?.name ?? "a room");
  parts.push(scope.consultationMode ? MODE_LABELS[scope.consultationMode] : "all modes");
  return parts.join(" · ");
}
