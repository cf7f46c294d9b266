// Every read and write of the Weekly hours tab (TanStack Query), under the query keys in lib/api.ts.
import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { SCHEDULE_API, scheduleKeys } from "../../lib/api";
import { apiFetch } from "../../lib/http";
import { scopeQuery } from "../../lib/scope";
import type { Scope } from "../../lib/types";
import type { ScopedRule } from "./allHours";
import type { Appointment, ExplainResponse, FreeSlot, TimeOffEntry } from "./calendarTypes";
import type { PreviewRequest, PreviewResponse, RulesResponse, SaveRequest, SaveResponse } from "./types";

export function useRules(doctorId: string, scope: Scope) {
  return useQuery({
    queryKey: scheduleKeys.rules(doctorId, scope),
    queryFn: ({ signal }) =>
      apiFetch<RulesResponse>(`${SCHEDULE_API}/rules`, { query: { doctorId, ...scopeQuery(scope) }, signal }),
  });
}

export interface PreviewResult extends PreviewResponse {
  /** The form index of each day sent (paths `days.i…` in the answer refer to the i-th day sent). */
  dayIndexes: number[];
}

/** A preview keyed by the hash of its body; `request` null (invalid form, nothing to show) disables it. */
export function usePreview(doctorId: string, request: { hash: string; body: PreviewRequest } | null) {
  return useQuery({
    queryKey: scheduleKeys.preview(doctorId, request?.hash ?? null),
    queryFn: async ({ signal }): Promise<PreviewResult> => {
      const body = request!.body;
      const response = await apiFetch<PreviewResponse>(`${SCHEDULE_API}/preview`, { method: "POST", body, signal });
      return { ...response, dayIndexes: body.days.map((d) => d.dayOfWeek - 1) };
    },
    enabled: !!request?.hash,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

export function useSaveSchedule(doctorId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SaveRequest) => apiFetch<SaveResponse>(`${SCHEDULE_API}/rules/bulk_upsert`, { method: "POST", body }),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: scheduleKeys.rulesAll(doctorId) }),
        queryClient.invalidateQueries({ queryKey: scheduleKeys.previewAll(doctorId) }),
        queryClient.invalidateQueries({ queryKey: scheduleKeys.calendarAll(doctorId) }),
      ]),
  });
}

/** Every rule of the doctor across scopes, each with its scope: the one weekly view. */
export function useAllRules(doctorId: string) {
  return useQuery({
    queryKey: scheduleKeys.rulesAll(doctorId),
    queryFn: ({ signal }) =>
      apiFetch<{ version: string; rules: ScopedRule[] }>(`${SCHEDULE_API}/rules/all`, { query: { doctorId }, signal }),
  });
}

/** Where and what the calendar asks about: one service (required by availability), optionally a location and mode. */
export interface CalendarQuery {
  appointmentTypeId: string;
  doctorLocationId: string | null;
  consultationMode: string | null;
}

/** Free (bookable) starts of one service between two local dates, inclusive (at most 62 days). */
export function useFreeSlots(doctorId: string, q: CalendarQuery | null, range: { start: string; end: string }) {
  const params = { ...q, ...range } as Record<string, string | null>;
  return useQuery({
    queryKey: scheduleKeys.calendar(doctorId, "availability", params),
    queryFn: ({ signal }) =>
      apiFetch<{ slots: FreeSlot[] }>(`/api/doctors/${encodeURIComponent(doctorId)}/availability`, { query: params, signal }),
    select: (data) => data.slots,
    enabled: q !== null,
    placeholderData: keepPreviousData,
  });
}

/** The doctor's appointments overlapping [start, end) (instants), live ones only (held, confirmed). */
export function useBookings(doctorId: string, range: { start: string; end: string }) {
  const params = { doctorId, status: "held,confirmed", limit: "500", ...range };
  return useQuery({
    queryKey: scheduleKeys.calendar(doctorId, "appointments", params),
    queryFn: ({ signal }) => apiFetch<{ appointments: Appointment[] }>(`/api/appointments`, { query: params, signal }),
    select: (data) => data.appointments,
    placeholderData: keepPreviousData,
  });
}

/** Time off and openings between two local dates (the same list the Time off tab reads). */
export function useTimeOff(doctorId: string, range: { start: string; end: string }) {
  return useQuery({
    queryKey: scheduleKeys.exceptions(doctorId, range),
    queryFn: ({ signal }) =>
      apiFetch<{ exceptions: TimeOffEntry[] }>(`${SCHEDULE_API}/exceptions`, { query: { doctorId, ...range }, signal }),
    select: (data) => data.exceptions,
    placeholderData: keepPreviousData,
  });
}

function explainQuery(doctorId: string, q: CalendarQuery | null, date: string) {
  const params = { ...q, date } as Record<string, string | null>;
  return {
    queryKey: scheduleKeys.calendar(doctorId, "explain", params),
    queryFn: ({ signal }: { signal: AbortSignal }) =>
      apiFetch<ExplainResponse>(`/api/doctors/${encodeURIComponent(doctorId)}/availability/explain`, { query: params, signal }),
    enabled: q !== null,
    staleTime: 60_000,
  };
}

/** Why each candidate start of one day is (not) bookable. */
export function useExplainDay(doctorId: string, q: CalendarQuery | null, date: string | null) {
  return useQuery({ ...explainQuery(doctorId, q, date ?? ""), enabled: q !== null && date !== null });
}

/** The explanations of several days at once (the days without free slots, to say why). */
export function useExplainDays(doctorId: string, q: CalendarQuery | null, dates: string[]) {
  return useQueries({ queries: dates.map((date) => explainQuery(doctorId, q, date)) });
}
