// Rotating weekly hours (a window every N weeks), the same rule as scheduling/slots.py: RFC 5545
// FREQ=WEEKLY;INTERVAL=N with DTSTART in the anchor date's Monday-based week; no weeks before it.
// Dates are "YYYY-MM-DD" calendar dates; arithmetic in UTC days, so no zone or DST can shift a week.

export const MIN_REPEAT_WEEKS = 1;
export const MAX_REPEAT_WEEKS = 8;

const DAY_MS = 86_400_000;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function dayNumber(date: string): number {
  const [y, m, d] = date.split("-").map(Number);
  return Math.floor(Date.UTC(y, m - 1, d) / DAY_MS);
}

function fromDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** The Monday of the date's Monday-based (ISO) week. */
export function weekMonday(date: string): string {
  const n = dayNumber(date);
  const isoWeekday = ((n + 3) % 7) + 1; // day 0 (1970-01-01) was a Thursday
  return fromDayNumber(n - (isoWeekday - 1));
}

/** Whole weeks from the anchor's week to the date's week (negative before it). */
export function rotaWeek(date: string, anchor: string): number {
  return Math.round((dayNumber(weekMonday(date)) - dayNumber(weekMonday(anchor))) / 7);
}

/** Does a window repeating every `every` weeks from `anchor`'s week work in the week of `date`? */
export function onRota(date: string, every: number, anchor: string | null): boolean {
  if (every <= 1 || !anchor) return true;
  const k = rotaWeek(date, anchor);
  return k >= 0 && k % every === 0;
}

export type Rota = [every: number, anchor: string | null];

function gcd(a: number, b: number): number {
  return b ? gcd(b, a % b) : a;
}

/**
 * Whether two windows of one weekday on these rotas both work in some week that meets lo..hi (inclusive,
 * null unbounded; the caller has checked that their effective dates meet): `slots.rotas_meet`.
 */
export function rotasMeet(a: Rota, b: Rota, lo: string | null = null, hi: string | null = null): boolean {
  if (a[0] <= 1 && b[0] <= 1) return true;
  const starts = [lo, a[0] > 1 ? a[1] : null, b[0] > 1 ? b[1] : null].filter((d): d is string => !!d);
  const first = dayNumber(weekMonday(starts.reduce((x, y) => (x > y ? x : y))));
  const period = (a[0] * b[0]) / gcd(a[0], b[0]);
  for (let k = 0; k < period; k += 1) {
    const week = fromDayNumber(first + 7 * k);
    if (hi !== null && week > hi) return false;
    if (onRota(week, ...a) && onRota(week, ...b)) return true;
  }
  return false;
}

/** "7 Dec 2026" */
export function shortDate(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

/** "every 2 weeks from the week of 7 Dec 2026" (or "every week"). */
export function rotaText(every: number | null | undefined, anchor: string | null | undefined): string {
  if (!every || every <= 1 || !anchor) return "every week";
  return `every ${every} weeks from the week of ${shortDate(weekMonday(anchor))}`;
}

interface RotaWindow {
  id: string;
  repeatEveryWeeks?: number | null;
  repeatAnchor?: string | null;
}

/**
 * A letter for each rota window's week within its rota: windows repeating every N weeks are grouped by N,
 * the group's earliest anchor week is week A, and a window whose anchor week is k weeks later (mod N) is
 * the k-th letter ("Week B"). Windows of one letter work in the same weeks.
 */
export function rotaLetters(windows: RotaWindow[]): Map<string, string> {
  const firstWeek = new Map<number, string>();
  for (const w of windows) {
    const every = w.repeatEveryWeeks ?? 1;
    if (every <= 1 || !w.repeatAnchor) continue;
    const monday = weekMonday(w.repeatAnchor);
    const known = firstWeek.get(every);
    if (known === undefined || monday < known) firstWeek.set(every, monday);
  }
  const letters = new Map<string, string>();
  for (const w of windows) {
    const every = w.repeatEveryWeeks ?? 1;
    const first = firstWeek.get(every);
    if (every <= 1 || !w.repeatAnchor || first === undefined) continue;
    letters.set(w.id, String.fromCharCode(65 + (rotaWeek(w.repeatAnchor, first) % every)));
  }
  return letters;
}

/** The weekly grid's badge of a rota window: "Week A · every 2 weeks from 7 Dec". */
export function rotaBadge(every: number, anchor: string, letter: string): string {
  const [, m, d] = weekMonday(anchor).split("-").map(Number);
  return `Week ${letter} · every ${every} weeks from ${d} ${MONTHS[m - 1]}`;
}
