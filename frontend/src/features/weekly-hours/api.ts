// Every read and write of the Weekly hours tab (TanStack Query), under the query keys in lib/api.ts.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { SCHEDULE_API, scheduleKeys } from "../../lib/api";
import { apiFetch } from "../../lib/http";
import { scopeQuery } from "../../lib/scope";
import type { Scope } from "../../lib/types";
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
      ]),
  });
}
