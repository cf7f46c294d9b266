// @vitest-environment jsdom
// Server errors through a real React Hook Form: setError at the mapped paths, then what each field shows.
import { act, renderHook } from "@testing-library/react";
import { useForm } from "react-hook-form";
import { describe, expect, it } from "vitest";
import { applyServerErrors } from "../../lib/serverErrors";
import { routeServerErrors } from "./errors";
import { buildFeedback } from "./feedback";
import { emptyWeek } from "./payload";
import { scheduleIssues, type ScheduleFormValues } from "./schema";

function values(): ScheduleFormValues {
  const days = emptyWeek();
  days[3] = {
    dayOfWeek: 4,
    enabled: true,
    windows: [{ workStartLocal: "09:00", workEndLocal: "17:00", slotIntervalMinutes: 20, breaks: [], priority: 0, effectiveFrom: null, effectiveTo: null }],
  };
  return {
    scope: { appointmentTypeId: null, doctorLocationId: null, locationRoomId: null, consultationMode: null, timezone: "Europe/Athens" },
    days,
    replaceMode: "replace_selected_days",
    expectedVersion: "1",
  };
}

describe("server errors on a real form", () => {
  it("puts mapped errors on fields (type server), the rest on root.server, and shows them under the fields", () => {
    const { result } = renderHook(() => {
      const form = useForm<ScheduleFormValues>({ defaultValues: values() });
      void form.formState.errors; // subscribe, as the form component does
      return form;
    });
    const routed = routeServerErrors(
      [
        { path: "days.0.windows.0.workEndLocal", code: "SOMETHING", message: "Not on Thursdays." },
        { path: "days.0.windows", code: "TOO_MANY_ITEMS", message: "Too many." },
        { path: "", code: "INVALID_TYPE", message: "Bad body." },
      ],
      [3], // the one day sent was Thursday
      values(),
    );
    act(() => applyServerErrors(result.current.setError, routed));
    const { errors } = result.current.formState;
    expect(result.current.getFieldState("days.3.windows.0.workEndLocal").error).toMatchObject({ type: "server", message: "Not on Thursdays." });
    expect(errors.root?.server?.message).toBe("Bad body.");

    const feedback = buildFeedback(values(), scheduleIssues(values()), errors, {
      dayIndexes: [3],
      warnings: [{ path: "days.0.windows.0.workEndLocal", code: "WINDOW_REMAINDER", message: "20 minutes left over.", severity: "warning" }],
    });
    expect(feedback.at("days.3.windows.0.workEndLocal")).toEqual({ validateStatus: "error", help: "Not on Thursdays." });
    expect(feedback.at("days.3.windows.root")).toEqual({ validateStatus: "error", help: "Too many." });
    expect(feedback.statusUnder("days.3")).toBe("error");
    expect(feedback.statusUnder("days.0")).toBeUndefined();
  });

  it("shows a preview warning as a warning, and a client error before either", () => {
    const v = values();
    const feedback = buildFeedback(v, scheduleIssues(v), {}, {
      dayIndexes: [3],
      warnings: [{ path: "days.0.windows.0.workEndLocal", code: "WINDOW_REMAINDER", message: "20 minutes left over.", severity: "warning" }],
    });
    expect(feedback.at("days.3.windows.0.workEndLocal")).toEqual({ validateStatus: "warning", help: "20 minutes left over.", codes: ["WINDOW_REMAINDER"] });

    v.days[3].windows[0].workEndLocal = "08:00";
    const withError = buildFeedback(v, scheduleIssues(v), {}, undefined);
    expect(withError.at("days.3.windows.0.workEndLocal").validateStatus).toBe("error");
  });
});
