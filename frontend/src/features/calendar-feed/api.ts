// Every read and write of the Calendar feed tab (TanStack Query), under scheduleKeys.calendarFeed.
// Each answer is the whole feed, so a write puts it straight into the cache instead of refetching.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { scheduleKeys } from "../../lib/api";
import { apiFetch } from "../../lib/http";

export const CALENDAR_FEED_API = "/api/doctor/calendar-feed";

/** GET/PATCH /api/doctor/calendar-feed and POST …/rotate (appointments/feeds/api.py). */
export interface CalendarFeed {
  url: string;
  freeBusyUrl: string;
  includePatientNames: boolean;
}

export function useCalendarFeed(doctorId: string) {
  return useQuery({
    queryKey: scheduleKeys.calendarFeed(doctorId),
    queryFn: ({ signal }) => apiFetch<CalendarFeed>(CALENDAR_FEED_API, { query: { doctorId }, signal }),
  });
}

function useStoreFeed(doctorId: string) {
  const queryClient = useQueryClient();
  return (feed: CalendarFeed) => queryClient.setQueryData(scheduleKeys.calendarFeed(doctorId), feed);
}

export function useSetIncludePatientNames(doctorId: string) {
  const store = useStoreFeed(doctorId);
  return useMutation({
    mutationFn: (includePatientNames: boolean) =>
      apiFetch<CalendarFeed>(CALENDAR_FEED_API, { method: "PATCH", query: { doctorId }, body: { includePatientNames } }),
    onSuccess: store,
  });
}

/** A new secret: the old URLs answer 404 from now on. */
export function useRotateCalendarFeed(doctorId: string) {
  const store = useStoreFeed(doctorId);
  return useMutation({
    mutationFn: () => apiFetch<CalendarFeed>(`${CALENDAR_FEED_API}/rotate`, { method: "POST", query: { doctorId } }),
    onSuccess: store,
  });
}
