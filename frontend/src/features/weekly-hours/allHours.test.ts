import { describe, expect, it } from "vitest";
import { ALL_SCOPE } from "../../lib/scope";
import type { RefData } from "../../lib/types";
import { appliesTo, scopeBadge, weekOfAll, type ScopedRule } from "./allHours";

const refdata: RefData = {
  appointmentTypes: [{ id: "s1", name: "Consultation", durationMinutes: 30, consultationModes: ["in_person"] }],
  locations: [{ id: "l1", name: "Central" }, { id: "l2", name: "North" }],
  rooms: [{ id: "r1", name: "Room 1", locationId: "l1" }],
  consultationModes: ["in_person", "video", "phone"],
  slotIntervals: [30],
  timezoneDefault: "Europe/Athens",
};

function rule(day: number, start: string, scope: Partial<ScopedRule["scope"]> = {}, isActive = true): ScopedRule {
  return {
    id: `${day}-${start}`,
    dayOfWeek: day,
    workStartLocal: start,
    workEndLocal: "17:00",
    slotIntervalMinutes: 30,
    priority: 0,
    effectiveFrom: null,
    effectiveTo: null,
    isActive,
    timezone: "Europe/Athens",
    breaks: [],
    scope: { ...ALL_SCOPE, ...scope },
  };
}

describe("all hours across scopes", () => {
  it("a rule applies where each filter choice matches it or it says any", () => {
    expect(appliesTo({ ...ALL_SCOPE, doctorLocationId: "l1" }, ALL_SCOPE)).toBe(true);
    expect(appliesTo({ ...ALL_SCOPE, doctorLocationId: "l1" }, { ...ALL_SCOPE, doctorLocationId: "l2" })).toBe(false);
    expect(appliesTo(ALL_SCOPE, { ...ALL_SCOPE, doctorLocationId: "l2" })).toBe(true);
    expect(appliesTo({ ...ALL_SCOPE, consultationMode: "video" }, { ...ALL_SCOPE, consultationMode: "video" })).toBe(true);
  });

  it("groups active rules by weekday, earliest first, narrowed by the filter", () => {
    const rules = [rule(1, "13:00", { doctorLocationId: "l1" }), rule(1, "09:00"), rule(2, "09:00", { doctorLocationId: "l2" }), rule(3, "09:00", {}, false)];
    const all = weekOfAll(rules, ALL_SCOPE);
    expect(all[0].map((r) => r.workStartLocal)).toEqual(["09:00", "13:00"]);
    expect(all[1]).toHaveLength(1);
    expect(all[2]).toHaveLength(0);
    const central = weekOfAll(rules, { ...ALL_SCOPE, doctorLocationId: "l1" });
    expect(central[0]).toHaveLength(2);
    expect(central[1]).toHaveLength(0);
  });

  it("badges a scope with names, Any where null", () => {
    expect(scopeBadge(refdata, ALL_SCOPE)).toBe("Any service · Any location · Any mode");
    expect(scopeBadge(refdata, { appointmentTypeId: "s1", doctorLocationId: "l1", locationRoomId: "r1", consultationMode: "video" })).toBe(
      "Consultation · Central · Room 1 · Video",
    );
  });
});
