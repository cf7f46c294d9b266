// What both tabs read from the schedule API: its base URL, every query key (the contract's issue names them;
// one place, because a write in one tab refreshes queries of the other) and the reference data.
// Each feature's other hooks are in its own api.ts. Components never call fetch themselves.
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "./http";
import { scopeQuery } from "./scope";
import type { RefData, Scope } from "./types";

export const SCHEDULE_API = "/api/doctor/schedule";

export const scheduleKeys = {
  refdata: (doctorId: string) => ["schedule_refdata", doctorId] as const,
  rulesAll: (doctorId: string) => ["schedule_rules", doctorId] as const,
  rules: (doctorId: string, scope: Scope) => ["schedule_rules", doctorId, scopeQuery(scope)] as const,
  previewAll: (doctorId: string) => ["schedule_preview", doctorId] as const,
  preview: (doctorId: string, payloadHash: string | null) => ["schedule_preview", doctorId, payloadHash] as const,
  exceptionsAll: (doctorId: string) => ["schedule_exceptions", doctorId] as const,
  exceptions: (doctorId: string, range: { start: string; end: string }) => ["schedule_exceptions", doctorId, range] as const,
  /** What patients can book and have booked (availability, appointments, explain): refreshed by every write. */
  calendarAll: (doctorId: string) => ["schedule_calendar", doctorId] as const,
  calendar: (doctorId: string, what: string, params: Record<string, string | null>) => ["schedule_calendar", doctorId, what, params] as const,
  /** The doctor's calendar subscription (URLs, patient names on or off): only the Calendar feed tab writes it. */
  calendarFeed: (doctorId: string) => ["calendar_feed", doctorId] as const,
};

export function useRefData(doctorId: string) {
  return useQuery({
    queryKey: scheduleKeys.refdata(doctorId),
    queryFn: ({ signal }) => apiFetch<RefData>(`${SCHEDULE_API}/refdata`, { query: { doctorId }, signal }),
    staleTime: 5 * 60_000,
  });
}
