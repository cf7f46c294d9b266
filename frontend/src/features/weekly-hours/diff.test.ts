import { describe, expect, it } from "vitest";
import { describeDiff, slotDiff } from "./diff";
import type { PreviewDay } from "./types";

const slot = { startLocal: "09:00", endLocal: "09:30", startUtc: "", endUtc: "" };
function day(date: string, rule: number, opening = 0): PreviewDay {
  return {
    date,
    dayOfWeek: 1,
    windows: [
      { kind: "rule", path: "days.0.windows.0", workStartLocal: "09:00", workEndLocal: "17:00", slotIntervalMinutes: 30, slots: Array(rule).fill(slot) },
      { kind: "opening", path: null, workStartLocal: "18:00", workEndLocal: "19:00", slotIntervalMinutes: 30, slots: Array(opening).fill(slot) },
    ],
  };
}

describe("slotDiff", () => {
  it("adds up gains and losses day by day", () => {
    const now = { days: [day("2026-06-01", 16), day("2026-06-02", 4)] };
    const saved = { days: [day("2026-06-01", 14), day("2026-06-02", 10)] };
    const diff = slotDiff(now, saved);
    expect([diff.added, diff.removed]).toEqual([2, 6]);
    expect([...diff.byDate]).toEqual([
      ["2026-06-01", 2],
      ["2026-06-02", -6],
    ]);
    expect(describeDiff(diff)).toBe("+2 / −6 slots vs saved");
  });

  it("ignores openings and unchanged days; nothing stored counts as zero", () => {
    const diff = slotDiff({ days: [day("2026-06-01", 14, 2), day("2026-06-03", 0, 3)] }, { days: [day("2026-06-01", 14)] });
    expect([diff.added, diff.removed, diff.byDate.size]).toEqual([0, 0, 0]);
    expect(slotDiff({ days: [day("2026-06-01", 14)] }, null).added).toBe(14);
  });

  it("a day switched off loses all its slots", () => {
    expect(slotDiff({ days: [] }, { days: [day("2026-06-01", 14)] }).removed).toBe(14);
  });
});
