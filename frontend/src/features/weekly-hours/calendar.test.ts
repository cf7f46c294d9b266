import { describe, expect, it } from "vitest";
import { dayTotals, monthGrid, shiftMonth, timeOffByDate, whyNoSlots } from "./calendar";

describe("month calendar", () => {
  it("shows whole weeks, Monday first", () => {
    const grid = monthGrid("2026-12");
    expect(grid[0]).toBe("2026-11-30");
    expect(grid.at(-1)).toBe("2027-01-03");
    expect(grid.length % 7).toBe(0);
    expect(monthGrid("2026-06")[0]).toBe("2026-06-01");
    expect(shiftMonth("2026-12", 1)).toBe("2027-01");
    expect(shiftMonth("2026-01", -1)).toBe("2025-12");
  });

  it("counts free slots and bookings per local day", () => {
    const totals = dayTotals(
      [{ date: "2026-12-01", startLocal: "09:00", endLocal: "09:30", startUtc: "", endUtc: "" }],
      [{ id: "a", status: "confirmed", startsAt: "2026-11-30T22:30:00Z", endsAt: "", appointmentTypeId: "s", outsideHours: false }],
      "Europe/Athens",
    );
    expect(totals.get("2026-12-01")).toEqual({ free: 1, booked: 1 });
  });

  it("marks every local day that time off touches, with its reason", () => {
    const off = timeOffByDate(
      [
        { id: "1", kind: "blocked", startsAt: "2026-11-30T22:00:00Z", endsAt: "2026-12-01T22:00:00Z", reason: "Conference" },
        { id: "2", kind: "available", startsAt: "2026-12-02T07:00:00Z", endsAt: "2026-12-02T09:00:00Z", reason: "Extra" },
      ],
      ["2026-11-30", "2026-12-01", "2026-12-02"],
      "Europe/Athens",
    );
    expect([...off]).toEqual([["2026-12-01", "Conference"]]);
  });

  it("says why a day has no slots", () => {
    expect(whyNoSlots(undefined)).toBeNull();
    expect(whyNoSlots({ timezone: "UTC", date: "2026-12-04", candidates: [] })).toBe("No hours");
    const reason = { code: "TIME_OFF", message: "Time off: Conference.", detail: { reason: "Conference" } };
    expect(whyNoSlots({ timezone: "UTC", date: "2026-12-01", candidates: [{ startUtc: "x", startLocal: "09:00", endUtc: "y", bookable: false, reasons: [reason] }] })).toBe(
      "Time off: Conference",
    );
  });
});
