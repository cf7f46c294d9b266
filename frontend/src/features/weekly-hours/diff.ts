// "+N / −N slots vs saved": the preview of the edited days against the preview of the same days as stored,
// over the same dates, compared day by day (slots from the form's windows only, as "Creates N slots" counts).
import type { PreviewResponse } from "./types";

export interface SlotDiff {
  /** Slots gained, summed over the days that gain. */
  added: number;
  /** Slots lost, summed over the days that lose (a positive number). */
  removed: number;
  /** Date → slots now minus slots saved (dates where nothing changes are absent). */
  byDate: Map<string, number>;
}

/** Rule slots per date (openings from Time off are neither created nor removed by the form). */
export function ruleSlotsByDate(data: Pick<PreviewResponse, "days">): Map<string, number> {
  const counts = new Map<string, number>();
  for (const day of data.days) {
    const n = day.windows.filter((w) => w.kind === "rule").reduce((m, w) => m + w.slots.length, 0);
    counts.set(day.date, (counts.get(day.date) ?? 0) + n);
  }
  return counts;
}

/** The edited days' preview against the stored days' preview; `saved` null means nothing is stored there. */
export function slotDiff(current: Pick<PreviewResponse, "days">, saved: Pick<PreviewResponse, "days"> | null): SlotDiff {
  const now = ruleSlotsByDate(current);
  const before = saved ? ruleSlotsByDate(saved) : new Map<string, number>();
  const byDate = new Map<string, number>();
  let added = 0;
  let removed = 0;
  for (const date of [...new Set([...now.keys(), ...before.keys()])].sort()) {
    const delta = (now.get(date) ?? 0) - (before.get(date) ?? 0);
    if (!delta) continue;
    byDate.set(date, delta);
    if (delta > 0) added += delta;
    else removed -= delta;
  }
  return { added, removed, byDate };
}

/** "+14 / −6 slots vs saved" (a real minus sign). */
export function describeDiff(diff: Pick<SlotDiff, "added" | "removed">): string {
  return `+${diff.added} / −${diff.removed} slots vs saved`;
}
