import { describe, expect, it } from "vitest";
import { onRota, rotaBadge, rotaLetters, rotasMeet, rotaText, rotaWeek, weekMonday } from "./rota";

describe("rota weeks (scheduling/slots.py on_rota: RRULE FREQ=WEEKLY;INTERVAL=N, DTSTART in the anchor's week)", () => {
  it("counts Monday-based weeks from the anchor's week", () => {
    expect(weekMonday("2026-12-13")).toBe("2026-12-07"); // a Sunday belongs to the week before
    expect(weekMonday("2026-12-07")).toBe("2026-12-07");
    expect(weekMonday("2027-01-01")).toBe("2026-12-28");
    expect(rotaWeek("2026-12-14", "2026-12-13")).toBe(1);
    expect(rotaWeek("2026-12-06", "2026-12-07")).toBe(-1);
  });

  it("works every N weeks from the anchor week and never before it", () => {
    expect(onRota("2026-12-09", 2, "2026-12-07")).toBe(true);
    expect(onRota("2026-12-16", 2, "2026-12-07")).toBe(false);
    expect(onRota("2026-12-23", 2, "2026-12-07")).toBe(true);
    expect(onRota("2026-11-23", 2, "2026-12-07")).toBe(false); // two weeks before: no weeks before DTSTART
    expect(onRota("2020-01-01", 1, null)).toBe(true);
  });

  it("two windows meet when some week is on both rotas (as slots.rotas_meet)", () => {
    expect(rotasMeet([2, "2026-12-07"], [2, "2026-12-14"])).toBe(false); // weeks A and B
    expect(rotasMeet([2, "2026-12-07"], [2, "2026-12-23"])).toBe(true);
    expect(rotasMeet([2, "2026-12-07"], [1, null])).toBe(true);
    expect(rotasMeet([4, "2026-12-07"], [2, "2026-12-14"])).toBe(false);
    expect(rotasMeet([2, "2026-12-07"], [3, "2026-12-14"])).toBe(true);
    expect(rotasMeet([2, "2026-12-07"], [1, null], "2026-12-14", "2026-12-20")).toBe(false); // an off week only
    expect(rotasMeet([2, "2026-12-07"], [1, null], null, "2026-12-06")).toBe(false); // over before the rota starts
  });

  it("letters each rota window by its week within the rota, and words it", () => {
    const letters = rotaLetters([
      { id: "b", repeatEveryWeeks: 2, repeatAnchor: "2026-12-16" },
      { id: "a", repeatEveryWeeks: 2, repeatAnchor: "2026-12-09" },
      { id: "a2", repeatEveryWeeks: 2, repeatAnchor: "2026-12-21" },
      { id: "weekly", repeatEveryWeeks: 1, repeatAnchor: null },
      { id: "c", repeatEveryWeeks: 3, repeatAnchor: "2027-01-20" },
    ]);
    expect(Object.fromEntries(letters)).toEqual({ a: "A", b: "B", a2: "A", c: "A" });
    expect(rotaBadge(2, "2026-12-09", "A")).toBe("Week A · every 2 weeks from 7 Dec");
    expect(rotaText(2, "2026-12-09")).toBe("every 2 weeks from the week of 7 Dec 2026");
    expect(rotaText(1, null)).toBe("every week");
  });
});
