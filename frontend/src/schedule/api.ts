// Every read and write of the schedule page goes through these hooks (TanStack Query), under the query keys
// the contract's issue names. Components never call fetch themselves.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "../lib/http";
import { scopeQuery } from "./payload";
import type {
  AvailabilityException,
  ExceptionRequest,
  PreviewRequest,
  PreviewResponse,
  RefData,
  RulesResponse,
  SaveRequest,
  SaveResponse,
  Scope,
} from "./types";

const BASE = "/api/doctor/schedule";

export const scheduleKeys = {
  refdata: (doctorId: string) => ["schedule_refdata", doctorId] as const,
  rulesAll: (doctorId: string) => ["schedule_rules", doctorId] as const,
  rules: (doctorId: string, scope: Scope) => ["schedule_rules", doctorId, scopeQuery(scope)] as const,
  previewAll: (doctorId: string) => ["schedule_preview", doctorId] as const,
  preview: (doctorId: string, payloadHash: string | null) => ["schedule_preview", doctorId, payloadHash] as const,
  exceptionsAll: (doctorId: string) => ["schedule_exceptions", doctorId] as const,
  exceptions: (doctorId: string, range: { start: string; end: string }) => ["schedule_exceptions", doctorId, range] as const,
};

export function useRefData(doctorId: string) {
  return useQuery({
    queryKey: scheduleKeys.refdata(doctorId),
    queryFn: ({ signal }) => apiFetch<RefData>(`${BASE}/refdata`, { query: { doctorId }, signal }),
    staleTime: 5 * 60_000,
  });
}

export function useRules(doctorId: string, scope: Scope) {
  return useQuery({
    queryKey: scheduleKeys.rules(doctorId, scope),
    queryFn: ({ signal }) =>
      apiFetch<RulesResponse>(`${BASE}/rules`, { query: { doctorId, ...scopeQuery(scope) }, signal }),
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
      const response = await apiFetch<PreviewResponse>(`${BASE}/preview`, { method: "POST", body, signal });
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
    mutationFn: (body: SaveRequest) => apiFetch<SaveResponse>(`${BASE}/rules/bulk_upsert`, { method: "POST", body }),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: scheduleKeys.rulesAll(doctorId) }),
        queryClient.invalidateQueries({ queryKey: scheduleKeys.previewAll(doctorId) }),
      ]),
  });
}

export function useExceptions(doctorId: string, range: { start: string; end: string }) {
  return useQuery({
    queryKey: scheduleKeys.exceptions(doctorId, range),
    queryFn: ({ signal }) =>
      apiFetch<{ exceptions: AvailabilityException[] }>(`${BASE}/exceptions`, { query: { doctorId, ...range }, signal }),
    select: (data) => data.exceptions,
  });
}

function useInvalidateAfterException(doctorId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: scheduleKeys.exceptionsAll(doctorId) }),
      queryClient.invalidateQueries({ queryKey: scheduleKeys.previewAll(doctorId) }),
    ]);
}

export function useCreateException(doctorId: string) {
  const invalidate = useInvalidateAfterException(doctorId);
  return useMutation({
    mutationFn: (body: ExceptionRequest) =>
      apiFetch<AvailabilityException>(`${BASE}/exceptions`, { method: "POST", body: { ...body, doctorId } }),
    onSuccess: invalidate,
  });
}

export function useUpdateException(doctorId: string) {
  const invalidate = useInvalidateAfterException(doctorId);
  return useMutation({
    // Exception ids are global: PATCH/DELETE need no doctorId.
    mutationFn: ({ id, body }: { id: string; body: ExceptionRequest }) =>
      apiFetch<AvailabilityException>(`${BASE}/exceptions/${encodeURIComponent(id)}`, { method: "PATCH", body }),
    onSuccess: invalidate,
  });
}

export function useDeleteException(doctorId: string) {
  const invalidate = useInvalidateAfterException(doctorId);
  return useMutation({
    mutationFn: (id: string) => apiFetch<void>(`${BASE}/exceptions/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: invalidate,
  });
}
