import { describe, expect, it } from "vitest";
import { listDays, overwrittenDays } from "./copy";
import { emptyWeek, newWindow } from "./payload";

function week() {
  const days = emptyWeek();
  days[0] = { dayOfWeek: 1, enabled: true, windows: [newWindow()] };
  return days;
}

describe("overwrittenDays", () => {
  it("names only target days that hold other windows", () => {
    const days = week();
    days[1] = { dayOfWeek: 2, enabled: true, windows: [{ ...newWindow(), workStartLocal: "08:00" }] };
    days[2] = { dayOfWeek: 3, enabled: true, windows: [newWindow()] }; // same as Monday: nothing lost
    expect(overwrittenDays(days, 0, [1, 2, 3, 4])).toEqual([1]);
  });

  it("counts windows kept on a switched-off day and never the source day", () => {
    const days = week();
    days[5] = { dayOfWeek: 6, enabled: false, windows: [{ ...newWindow(), workEndLocal: "12:00" }] };
    expect(overwrittenDays(days, 0, [0, 5, 6])).toEqual([5]);
  });
});

describe("listDays", () => {
  it("reads as a sentence", () => {
    expect(listDays([1])).toBe("Tuesday");
    expect(listDays([1, 2])).toBe("Tuesday and Wednesday");
    expect(listDays([1, 2, 4])).toBe("Tuesday, Wednesday and Friday");
  });
});
