import { describe, expect, it } from "vitest";
import { instantFromWallClock, todayIn, wallClock } from "./time";

describe("doctor's-zone date-times", () => {
  it("round-trips an instant through the doctor's wall clock", () => {
    const shown = wallClock("2026-12-23T22:00:00Z", "Europe/Athens");
    expect(shown.format("YYYY-MM-DD HH:mm")).toBe("2026-12-24 00:00");
    expect(instantFromWallClock(shown, "Europe/Athens")).toBe("2026-12-24T00:00:00+02:00");
  });

  it("uses the summer offset in summer", () => {
    const shown = wallClock("2026-07-01T06:00:00Z", "Europe/Athens");
    expect(instantFromWallClock(shown, "Europe/Athens")).toBe("2026-07-01T09:00:00+03:00");
  });

  it("today is the date in the schedule's zone", () => {
    expect(todayIn("Pacific/Auckland", new Date("2026-06-01T20:00:00Z"))).toBe("2026-06-02");
    expect(todayIn("America/New_York", new Date("2026-06-01T02:00:00Z"))).toBe("2026-05-31");
  });
});

describe("typed times", () => {
  it("accepts HH:MM, H:MM and HHMM; refuses the rest", async () => {
    const { parseTypedTime } = await import("./time");
    expect(parseTypedTime("09:00")).toBe("09:00");
    expect(parseTypedTime("9:05")).toBe("09:05");
    expect(parseTypedTime("1730")).toBe("17:30");
    expect(parseTypedTime("24:00")).toBeNull();
    expect(parseTypedTime("12:60")).toBeNull();
    expect(parseTypedTime("noon")).toBeNull();
  });
});
