// Every read and write of the Time off tab (TanStack Query), under the query keys in lib/api.ts.
// A change of time off also changes what the weekly-hours previews show, so those are refreshed too.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { SCHEDULE_API, scheduleKeys } from "../../lib/api";
import { apiFetch } from "../../lib/http";
import type { AffectedAnswer } from "../../lib/types";
import type { AvailabilityException, ExceptionRequest } from "./types";

export function useExceptions(doctorId: string, range: { start: string; end: string }) {
  return useQuery({
    queryKey: scheduleKeys.exceptions(doctorId, range),
    queryFn: ({ signal }) =>
      apiFetch<{ exceptions: AvailabilityException[] }>(`${SCHEDULE_API}/exceptions`, { query: { doctorId, ...range }, signal }),
    select: (data) => data.exceptions,
  });
}

function useInvalidateAfterException(doctorId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: scheduleKeys.exceptionsAll(doctorId) }),
      queryClient.invalidateQueries({ queryKey: scheduleKeys.previewAll(doctorId) }),
      queryClient.invalidateQueries({ queryKey: scheduleKeys.calendarAll(doctorId) }),
    ]);
}

export function useCreateException(doctorId: string) {
  const invalidate = useInvalidateAfterException(doctorId);
  return useMutation({
    mutationFn: (body: ExceptionRequest) =>
      apiFetch<AvailabilityException>(`${SCHEDULE_API}/exceptions`, { method: "POST", body: { ...body, doctorId } }),
    onSuccess: invalidate,
  });
}

export function useUpdateException(doctorId: string) {
  const invalidate = useInvalidateAfterException(doctorId);
  return useMutation({
    // Exception ids are global: PATCH/DELETE need no doctorId.
    mutationFn: ({ id, body }: { id: string; body: ExceptionRequest }) =>
      apiFetch<AvailabilityException>(`${SCHEDULE_API}/exceptions/${encodeURIComponent(id)}`, { method: "PATCH", body }),
    onSuccess: invalidate,
  });
}

export function useDeleteException(doctorId: string) {
  const invalidate = useInvalidateAfterException(doctorId);
  return useMutation({
    // Without onAffectedBookings a delete that strands bookings (an opening they were made in) answers 409
    // BOOKINGS_AFFECTED; the doctor's keep/cancel answer goes in the query.
    mutationFn: ({ id, onAffectedBookings }: { id: string; onAffectedBookings?: AffectedAnswer }) =>
      apiFetch<void>(`${SCHEDULE_API}/exceptions/${encodeURIComponent(id)}`, { method: "DELETE", query: { onAffectedBookings } }),
    onSuccess: invalidate,
  });
}

/** A day the doctor's clinic is closed (a public holiday of its calendar, or its own closure): read-only here,
 * the clinic's staff manage closures at the front desk. */
export interface ClinicClosure {
  date: string;
  name: string;
  source: "holiday" | "custom";
  label: string;
}

export function useClosures(doctorId: string, range: { start: string; end: string }) {
  return useQuery({
    queryKey: scheduleKeys.calendar(doctorId, "closures", range),
    queryFn: ({ signal }) =>
      apiFetch<{ closures: ClinicClosure[] }>(`${SCHEDULE_API}/closures`, { query: { doctorId, ...range }, signal }),
    select: (data) => data.closures,
  });
}
