import { describe, expect, it } from "vitest";
import { allDayDates, allDayRange, instantFromWallClock, todayIn, wallClock } from "./time";

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

  it.each(["0930", "930", "9:30", "9.30", "09:30", " 9:30 ", "9:30am", "9.30 AM"])("reads %s as 09:30", async (text) => {
    const { parseTypedTime } = await import("./time");
    expect(parseTypedTime(text)).toBe("09:30");
  });

  it.each([
    ["9am", "09:00"],
    ["9 am", "09:00"],
    ["9 a.m.", "09:00"],
    ["9", "09:00"],
    ["9:30pm", "21:30"],
    ["21:00", "21:00"],
    ["12am", "00:00"],
    ["12 pm", "12:00"],
    ["0000", "00:00"],
  ])("reads %s as %s", async (text, time) => {
    const { parseTypedTime } = await import("./time");
    expect(parseTypedTime(text)).toBe(time);
  });

  it.each(["", "13pm", "0am", "9:3", "9:30:00", "25", "ab", "9 30", "9:75"])("refuses %j", async (text) => {
    const { parseTypedTime } = await import("./time");
    expect(parseTypedTime(text)).toBeNull();
  });
});

describe("all-day time off", () => {
  it("runs from the first day's local midnight to the midnight after the last day", () => {
    expect(allDayRange("2026-12-24", "2026-12-26", "Europe/Athens")).toEqual({
      startsAt: "2026-12-24T00:00:00+02:00",
      endsAt: "2026-12-27T00:00:00+02:00",
    });
  });

  it("one day across a DST change is 23 hours long, still midnight to midnight", () => {
    const { startsAt, endsAt } = allDayRange("2026-03-29", "2026-03-29", "Europe/Athens");
    expect([startsAt, endsAt]).toEqual(["2026-03-29T00:00:00+02:00", "2026-03-30T00:00:00+03:00"]);
    expect((Date.parse(endsAt) - Date.parse(startsAt)) / 3_600_000).toBe(23);
  });

  it("reads whole days back, and only whole days", () => {
    expect(allDayDates("2026-12-24T00:00:00+02:00", "2026-12-27T00:00:00+02:00", "Europe/Athens")).toEqual({ startDate: "2026-12-24", endDate: "2026-12-26" });
    expect(allDayDates("2026-12-23T22:00:00Z", "2026-12-24T22:00:00Z", "Europe/Athens")).toEqual({ startDate: "2026-12-24", endDate: "2026-12-24" });
    expect(allDayDates("2026-12-24T09:00:00+02:00", "2026-12-24T17:00:00+02:00", "Europe/Athens")).toBeNull();
    expect(allDayDates("2026-12-24T00:00:00+02:00", "2026-12-24T00:00:00+02:00", "Europe/Athens")).toBeNull();
  });
});
