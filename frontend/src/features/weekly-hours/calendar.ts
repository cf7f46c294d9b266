// The month calendar's pure parts: the weeks shown, free vs booked per day, time off per day, and why a day
// has no free slots (the explain endpoint's first reason).
import dayjs from "../../lib/dayjs";
import type { Appointment, ExplainResponse, FreeSlot, TimeOffEntry } from "./calendarTypes";

/** "2026-12" → every date from the Monday on or before the 1st to the Sunday on or after the last day. */
export function monthGrid(month: string): string[] {
  const first = dayjs(`${month}-01`, "YYYY-MM-DD");
  const start = first.subtract((first.day() + 6) % 7, "day");
  const last = first.endOf("month");
  const end = last.add((7 - last.day()) % 7, "day");
  const dates: string[] = [];
  for (let d = start; !d.isAfter(end, "day"); d = d.add(1, "day")) dates.push(d.format("YYYY-MM-DD"));
  return dates;
}

export function shiftMonth(month: string, by: number): string {
  return dayjs(`${month}-01`, "YYYY-MM-DD").add(by, "month").format("YYYY-MM");
}

export interface DayTotals {
  free: number;
  booked: number;
}

/** Free slots and live bookings per local date in `timezone`. */
export function dayTotals(slots: FreeSlot[], bookings: Appointment[], timezone: string): Map<string, DayTotals> {
  const totals = new Map<string, DayTotals>();
  const at = (date: string) => totals.get(date) ?? totals.set(date, { free: 0, booked: 0 }).get(date)!;
  for (const slot of slots) at(slot.date).free += 1;
  for (const b of bookings) at(dayjs(b.startsAt).tz(timezone).format("YYYY-MM-DD")).booked += 1;
  return totals;
}

/** For each date with time off (blocked) in `timezone`: its reason, or "Time off" without one. */
export function timeOffByDate(entries: TimeOffEntry[], dates: string[], timezone: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const date of dates) {
    const start = dayjs.tz(`${date}T00:00:00`, timezone).valueOf();
    const end = dayjs.tz(`${date}T00:00:00`, timezone).add(1, "day").valueOf();
    const hit = entries.find((e) => e.kind === "blocked" && Date.parse(e.startsAt) < end && Date.parse(e.endsAt) > start);
    if (hit) out.set(date, hit.reason || "Time off");
  }
  return out;
}

/** Why a day offers nothing: the first reason of its first unbookable start ("Time off: Conference"). */
export function whyNoSlots(explained: ExplainResponse | undefined): string | null {
  if (!explained) return null;
  if (!explained.candidates.length) return "No hours";
  const blocked = explained.candidates.find((c) => !c.bookable && c.reasons.length);
  if (!blocked) return null;
  return blocked.reasons[0].message.replace(/\.$/, "");
}
