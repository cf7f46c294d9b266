import { describe, expect, it } from "vitest";
import { exceptionIssues } from "./schema";

describe("time off rules mirror parse_exception_payload", () => {
  const base = {
    kind: "blocked" as const,
    startsAt: "2026-12-24T00:00:00+02:00",
    endsAt: "2026-12-27T00:00:00+02:00",
    slotIntervalMinutes: null,
    reason: "Holidays",
    allDay: false,
    scope: { appointmentTypeId: null, doctorLocationId: null, locationRoomId: null, consultationMode: null },
  };
  const codesOf = (v: typeof base | Record<string, unknown>) => exceptionIssues(v as never).map((i) => [i.path, i.code]);

  it("accepts time off", () => expect(codesOf(base)).toEqual([]));
  it("END_BEFORE_START, REQUIRED, RANGE_TOO_LARGE", () => {
    expect(codesOf({ ...base, endsAt: "2026-12-23T00:00:00+02:00" })).toEqual([["endsAt", "END_BEFORE_START"]]);
    expect(codesOf({ ...base, startsAt: null })).toEqual([["startsAt", "REQUIRED"]]);
    expect(codesOf({ ...base, endsAt: "2028-12-27T00:00:00+02:00" })).toEqual([["endsAt", "RANGE_TOO_LARGE"]]);
  });
  it("an opening needs a valid slot interval", () => {
    expect(codesOf({ ...base, kind: "available" })).toEqual([["slotIntervalMinutes", "REQUIRED"]]);
    expect(codesOf({ ...base, kind: "available", slotIntervalMinutes: 7 })).toEqual([["slotIntervalMinutes", "INVALID_INTERVAL"]]);
    expect(codesOf({ ...base, kind: "available", slotIntervalMinutes: 15 })).toEqual([]);
  });
});
