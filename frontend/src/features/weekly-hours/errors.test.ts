import { describe, expect, it, vi } from "vitest";
import { applyServerErrors } from "../../lib/serverErrors";
import { routeServerErrors, toFormPath } from "./errors";
import { emptyWeek } from "./payload";
import type { ScheduleFormValues } from "./schema";

const values: ScheduleFormValues = {
  scope: { appointmentTypeId: null, doctorLocationId: null, locationRoomId: null, consultationMode: null, timezone: "Europe/Athens" },
  days: emptyWeek(),
  replaceMode: "replace_selected_days",
  expectedVersion: "3",
};
values.days[2] = {
  dayOfWeek: 3,
  enabled: true,
  windows: [
    { workStartLocal: "09:00", workEndLocal: "12:00", slotIntervalMinutes: 30, breaks: [], priority: 0, effectiveFrom: null, effectiveTo: null },
    {
      workStartLocal: "11:00",
      workEndLocal: "10:00",
      slotIntervalMinutes: 30,
      breaks: [{ breakStartLocal: "10:00", breakEndLocal: "10:30", label: "" }],
      priority: 0,
      effectiveFrom: null,
      effectiveTo: null,
    },
  ],
};

describe("server error paths → form fields", () => {
  it("maps the sent day index to the form's day index", () => {
    expect(toFormPath("days.0.windows.1.workEndLocal", [2, 5])).toBe("days.2.windows.1.workEndLocal");
    expect(toFormPath("days.1", [2, 5])).toBe("days.5");
    expect(toFormPath("scope.timezone", [2])).toBe("scope.timezone");
    expect(toFormPath("days.3.enabled", [2])).toBeNull();
  });

  it("routes field errors to setError and unknown paths to the form-level alert", () => {
    const routed = routeServerErrors(
      [
        { path: "days.0.windows.1.workEndLocal", code: "END_BEFORE_START", message: "End after the start." },
        { path: "days.0.windows.1.breaks.0.breakStartLocal", code: "BREAK_OUTSIDE_WINDOW", message: "Inside." },
        { path: "days.0.windows", code: "NO_WINDOWS", message: "Add one." },
        { path: "scope.appointmentTypeId", code: "UNKNOWN_REFERENCE", message: "Not yours." },
        { path: "expectedVersion", code: "SCHEDULE_CHANGED", message: "Changed." },
        { path: "", code: "INVALID_TYPE", message: "Body." },
        { path: "days.0.dayOfWeek", code: "DUPLICATE_DAY", message: "Twice." },
        { path: "days.0.windows.7.workEndLocal", code: "END_BEFORE_START", message: "No such window." },
      ],
      [2],
      values,
    );
    expect(routed.fields.map((f) => f.name)).toEqual([
      "days.2.windows.1.workEndLocal",
      "days.2.windows.1.breaks.0.breakStartLocal",
      "days.2.windows.root",
      "scope.appointmentTypeId",
    ]);
    expect(routed.form.map((e) => e.code)).toEqual(["SCHEDULE_CHANGED", "INVALID_TYPE", "DUPLICATE_DAY", "END_BEFORE_START"]);

    const setError = vi.fn();
    applyServerErrors(setError, routed);
    expect(setError).toHaveBeenCalledWith("days.2.windows.1.workEndLocal", { type: "server", message: "End after the start." });
    expect(setError).toHaveBeenCalledWith("root.server", { type: "server", message: "Changed.\nBody.\nTwice.\nNo such window." });
    expect(setError).toHaveBeenCalledTimes(5);
  });
});
