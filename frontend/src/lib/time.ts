// Wall-clock helpers: "HH:MM" strings, calendar dates in a zone, and instants in the doctor's zone.
import dayjs, { type Dayjs } from "../lib/dayjs";

/** HH:MM, 24-hour: the server's pattern exactly (scheduling/validation.py `_TIME_RE`). */
export const TIME_RE = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;
export const DATE_RE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

export function toMinutes(hhmm: string): number {
  const match = TIME_RE.exec(hhmm);
  if (!match) return Number.NaN;
  return Number(match[1]) * 60 + Number(match[2]);
}

export function fromMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

/** A real calendar date as YYYY-MM-DD (2026-02-30 is not). */
export function isRealDate(value: string): boolean {
  if (!DATE_RE.test(value)) return false;
  const [y, m, d] = value.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export function isKnownTimezone(name: string): boolean {
  if (!name) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Today's calendar date in `timezone` (the server reads preview date ranges in the schedule's zone). */
export function todayIn(timezone: string, now: Date = new Date()): string {
  return dayjs(now).tz(isKnownTimezone(timezone) ? timezone : "UTC").format("YYYY-MM-DD");
}

export function addDays(date: string, days: number): string {
  return dayjs(date, "YYYY-MM-DD").add(days, "day").format("YYYY-MM-DD");
}

/** HH:MM → a dayjs for a TimePicker (today's date; only the time matters). */
export function timeToDayjs(value: string | null): Dayjs | null {
  if (!value || !TIME_RE.test(value)) return null;
  return dayjs(value, "HH:mm");
}

export function dayjsToTime(value: Dayjs | null | undefined): string | null {
  return value ? value.format("HH:mm") : null;
}

/**
 * An instant shown as a picker value: a browser-local dayjs carrying the doctor's wall-clock time, so
 * pickers (which work in the browser's zone) show what the clock says where the doctor works.
 */
export function wallClock(instant: string, timezone: string): Dayjs {
  return dayjs(dayjs(instant).tz(timezone).format("YYYY-MM-DDTHH:mm:ss"));
}

/** The reverse: a picked wall-clock time in `timezone` → an ISO 8601 instant with that zone's offset. */
export function instantFromWallClock(value: Dayjs, timezone: string): string {
  return dayjs.tz(value.format("YYYY-MM-DDTHH:mm:ss"), timezone).format("YYYY-MM-DDTHH:mm:ssZ");
}

/** Whole local days in `timezone`: the first day's midnight to the midnight after the last day (inclusive). */
export function allDayRange(startDate: string, endDate: string, timezone: string): { startsAt: string; endsAt: string } {
  const midnight = (date: string) => dayjs.tz(`${date}T00:00:00`, timezone).format("YYYY-MM-DDTHH:mm:ssZ");
  return { startsAt: midnight(startDate), endsAt: midnight(addDays(endDate, 1)) };
}

/** The reverse: the first and last (inclusive) local dates of a range of whole days, or null if it is not one. */
export function allDayDates(startsAt: string, endsAt: string, timezone: string): { startDate: string; endDate: string } | null {
  const start = dayjs(startsAt).tz(timezone);
  const end = dayjs(endsAt).tz(timezone);
  if (!start.isValid() || !end.isValid() || !end.isAfter(start)) return null;
  if (start.format("HH:mm:ss") !== "00:00:00" || end.format("HH:mm:ss") !== "00:00:00") return null;
  return { startDate: start.format("YYYY-MM-DD"), endDate: addDays(end.format("YYYY-MM-DD"), -1) };
}

/** The local date an instant falls on in `timezone` (YYYY-MM-DD). */
export function dateIn(instant: string, timezone: string): string {
  return dayjs(instant).tz(timezone).format("YYYY-MM-DD");
}

/**
 * What a doctor types into a time field → "HH:MM", or null. Accepts 24-hour "0930", "930", "9:30", "9.30",
 * "21:00", "9" and 12-hour "9am", "9 am", "9:30pm", "12am" (midnight), "12 pm" (noon).
 */
export function parseTypedTime(text: string): string | null {
  const match = /^\s*([0-9]{1,2})(?:[:.h]?([0-9]{2}))?\s*(?:([ap])\.?\s*m?\.?)?\s*$/i.exec(text);
  if (!match) return null;
  let h = Number(match[1]);
  const m = match[2] === undefined ? 0 : Number(match[2]);
  const half = match[3]?.toLowerCase();
  if (m > 59) return null;
  if (half) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (half === "p" ? 12 : 0);
  } else if (h > 23) return null;
  // A bare "9" or "12" is an hour; a bare 3-4 digit number is HMM/HHMM (matched above as hour + minutes).
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

/** What a time field says when what was typed is not a time. */
export const TYPED_TIME_HINT = "Use a time like 09:30";
