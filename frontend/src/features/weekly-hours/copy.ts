// "Copy to…": which target days already hold windows that a copy would replace (so the doctor is asked first).
import { stableStringify } from "../../lib/hash";
import { DAY_LONG } from "./days";
import type { DayValues } from "./schema";

/**
 * Form indexes among `targets` (never `from`) whose windows a copy of day `from` would overwrite: days that
 * hold windows (switched on, or kept while off) other than the copied ones. Identical days lose nothing.
 */
export function overwrittenDays(days: readonly DayValues[], from: number, targets: readonly number[]): number[] {
  const copied = stableStringify(days[from]?.windows ?? []);
  return targets.filter((t) => {
    if (t === from) return false;
    const windows = days[t]?.windows ?? [];
    return windows.length > 0 && stableStringify(windows) !== copied;
  });
}

/** "Tuesday", "Tuesday and Wednesday", "Tuesday, Wednesday and Friday". */
export function listDays(indexes: readonly number[]): string {
  const names = indexes.map((i) => DAY_LONG[i]);
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
