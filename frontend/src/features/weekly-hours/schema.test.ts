import { describe, expect, it } from "vitest";
import { emptyWeek } from "./payload";
import { scheduleFormSchema, scheduleIssues, type ScheduleFormValues, type WindowValues } from "./schema";

function win(start: string | null, end: string | null, extra: Partial<WindowValues> = {}): WindowValues {
  return { workStartLocal: start, workEndLocal: end, slotIntervalMinutes: 30, breaks: [], priority: 0, effectiveFrom: null, effectiveTo: null, ...extra };
}

function form(mondayWindows: WindowValues[], extra: Partial<ScheduleFormValues> = {}): ScheduleFormValues {
  const days = emptyWeek();
  days[0] = { dayOfWeek: 1, enabled: true, windows: mondayWindows };
  return {
    scope: { appointmentTypeId: null, doctorLocationId: null, locationRoomId: null, consultationMode: null, timezone: "Europe/Athens" },
    days,
    replaceMode: "replace_selected_days",
    expectedVersion: null,
    ...extra,
  };
}

const codes = (values: ScheduleFormValues) => scheduleIssues(values).map((i) => [i.path, i.code]);

describe("zod rules mirror scheduling/validation.py", () => {
  it("accepts a valid Monday with lunch", () => {
    const values = form([win("09:00", "17:00", { breaks: [{ breakStartLocal: "13:00", breakEndLocal: "14:00", label: "Lunch" }] })]);
    expect(scheduleIssues(values)).toEqual([]);
    expect(scheduleFormSchema.safeParse(values).success).toBe(true);
  });

  it("END_BEFORE_START on the window end (no crossing midnight)", () => {
    expect(codes(form([win("18:00", "08:00")]))).toEqual([["days.0.windows.0.workEndLocal", "END_BEFORE_START"]]);
    expect(codes(form([win("09:00", "09:00")]))).toEqual([["days.0.windows.0.workEndLocal", "END_BEFORE_START"]]);
  });

  it("INVALID_TIME and REQUIRED for times", () => {
    expect(codes(form([win("9:00", null)]))).toEqual([
      ["days.0.windows.0.workStartLocal", "INVALID_TIME"],
      ["days.0.windows.0.workEndLocal", "REQUIRED"],
    ]);
    expect(codes(form([win("24:00", "25:00")])).map(([, c]) => c)).toEqual(["INVALID_TIME", "INVALID_TIME"]);
  });

  it("INVALID_INTERVAL and REQUIRED for the slot interval", () => {
    expect(codes(form([win("09:00", "10:00", { slotIntervalMinutes: 25 })]))).toEqual([
      ["days.0.windows.0.slotIntervalMinutes", "INVALID_INTERVAL"],
    ]);
    expect(codes(form([win("09:00", "10:00", { slotIntervalMinutes: null })]))).toEqual([
      ["days.0.windows.0.slotIntervalMinutes", "REQUIRED"],
    ]);
  });

  it("BREAK_END_BEFORE_START, BREAK_OUTSIDE_WINDOW, BREAKS_OVERLAP (touching is fine)", () => {
    const brk = (s: string, e: string) => ({ breakStartLocal: s, breakEndLocal: e, label: "" });
    expect(codes(form([win("09:00", "17:00", { breaks: [brk("13:00", "12:00")] })]))).toEqual([
      ["days.0.windows.0.breaks.0.breakEndLocal", "BREAK_END_BEFORE_START"],
    ]);
    expect(codes(form([win("09:00", "17:00", { breaks: [brk("08:00", "09:30")] })]))).toEqual([
      ["days.0.windows.0.breaks.0.breakStartLocal", "BREAK_OUTSIDE_WINDOW"],
    ]);
    expect(codes(form([win("09:00", "17:00", { breaks: [brk("12:30", "13:30"), brk("12:00", "13:00")] })]))).toEqual([
      ["days.0.windows.0.breaks.0.breakStartLocal", "BREAKS_OVERLAP"],
    ]);
    expect(codes(form([win("09:00", "17:00", { breaks: [brk("12:00", "13:00"), brk("13:00", "14:00")] })]))).toEqual([]);
  });

  it("WINDOWS_OVERLAP on the later window, only for the same priority and intersecting dates", () => {
    expect(codes(form([win("12:00", "18:00"), win("09:00", "13:00")]))).toEqual([
      ["days.0.windows.0.workStartLocal", "WINDOWS_OVERLAP"],
    ]);
    expect(codes(form([win("09:00", "13:00"), win("13:00", "18:00")]))).toEqual([]);
    expect(codes(form([win("09:00", "13:00"), win("12:00", "18:00", { priority: 1 })]))).toEqual([]);
    expect(
      codes(form([win("09:00", "13:00", { effectiveTo: "2026-06-30" }), win("12:00", "18:00", { effectiveFrom: "2026-07-01" })])),
    ).toEqual([]);
  });

  it("NO_WINDOWS for an enabled day without windows; a disabled day is not checked", () => {
    expect(codes(form([]))).toEqual([["days.0.windows", "NO_WINDOWS"]]);
    const values = form([win("18:00", "08:00")]);
    values.days[0].enabled = false;
    expect(codes(values)).toEqual([]);
  });

  it("INVALID_DATE, EFFECTIVE_RANGE_INVALID and OUT_OF_RANGE priority", () => {
    expect(codes(form([win("09:00", "10:00", { effectiveFrom: "2026-02-30" })]))).toEqual([
      ["days.0.windows.0.effectiveFrom", "INVALID_DATE"],
    ]);
    expect(codes(form([win("09:00", "10:00", { effectiveFrom: "2026-03-01", effectiveTo: "2026-02-01" })]))).toEqual([
      ["days.0.windows.0.effectiveTo", "EFFECTIVE_RANGE_INVALID"],
    ]);
    expect(codes(form([win("09:00", "10:00", { priority: 5000 })]))).toEqual([["days.0.windows.0.priority", "OUT_OF_RANGE"]]);
  });

  it("INVALID_TIMEZONE and REQUIRED for the timezone", () => {
    const scope = form([]).scope;
    expect(codes(form([win("09:00", "10:00")], { scope: { ...scope, timezone: "Europe/Atlantis" } }))).toEqual([
      ["scope.timezone", "INVALID_TIMEZONE"],
    ]);
    expect(codes(form([win("09:00", "10:00")], { scope: { ...scope, timezone: "" } }))).toEqual([["scope.timezone", "REQUIRED"]]);
  });

  it("DUPLICATE_DAY, INVALID_DAY_OF_WEEK, TOO_MANY_ITEMS, TOO_LONG", () => {
    const values = form([win("09:00", "10:00")]);
    values.days[1].dayOfWeek = 1;
    values.days[2].dayOfWeek = 9;
    expect(codes(values)).toEqual([
      ["days.1.dayOfWeek", "DUPLICATE_DAY"],
      ["days.2.dayOfWeek", "INVALID_DAY_OF_WEEK"],
    ]);
    const many = form(Array.from({ length: 21 }, (_, i) => win(`${String(i).padStart(2, "0")}:00`, `${String(i).padStart(2, "0")}:30`)));
    expect(codes(many)).toEqual([["days.0.windows", "TOO_MANY_ITEMS"]]);
    const long = form([win("09:00", "17:00", { breaks: [{ breakStartLocal: "12:00", breakEndLocal: "13:00", label: "x".repeat(101) }] })]);
    expect(codes(long)).toEqual([["days.0.windows.0.breaks.0.label", "TOO_LONG"]]);
  });

  it("reports through zod with the server code in params, at the RHF path", () => {
    const result = scheduleFormSchema.safeParse(form([win("18:00", "08:00")]));
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0];
    expect(issue.path).toEqual(["days", 0, "windows", 0, "workEndLocal"]);
    expect((issue as { params?: { code: string } }).params?.code).toBe("END_BEFORE_START");
  });
});

describe("rotating windows (INVALID_REPEAT, overlaps only where windows can meet)", () => {
  const rota = (start: string, end: string, every: number | null, anchor: string | null) =>
    win(start, end, { repeatEveryWeeks: every, repeatAnchor: anchor });

  it("INVALID_REPEAT at repeatEveryWeeks outside 1–8 or not whole", () => {
    for (const every of [0, 9, 2.5, -1]) {
      expect(codes(form([rota("09:00", "12:00", every, "2026-12-07")]))).toEqual([["days.0.windows.0.repeatEveryWeeks", "INVALID_REPEAT"]]);
    }
  });

  it("INVALID_REPEAT at repeatAnchor when a rota has none, INVALID_DATE for a date that is not one", () => {
    expect(codes(form([rota("09:00", "12:00", 2, null)]))).toEqual([["days.0.windows.0.repeatAnchor", "INVALID_REPEAT"]]);
    expect(codes(form([rota("09:00", "12:00", 2, "2026-02-30")]))).toEqual([["days.0.windows.0.repeatAnchor", "INVALID_DATE"]]);
    expect(codes(form([rota("09:00", "12:00", 1, null)]))).toEqual([]);
    expect(codes(form([rota("09:00", "12:00", null, null)]))).toEqual([]);
  });

  it("windows of different rota weeks may share the clock; the same week or a weekly window may not", () => {
    expect(codes(form([rota("09:00", "13:00", 2, "2026-12-07"), rota("10:00", "17:00", 2, "2026-12-16")]))).toEqual([]);
    expect(codes(form([rota("09:00", "13:00", 2, "2026-12-07"), rota("12:00", "17:00", 2, "2026-12-24")]))).toEqual([
      ["days.0.windows.1.workStartLocal", "WINDOWS_OVERLAP"],
    ]);
    expect(codes(form([win("09:00", "13:00"), rota("12:00", "17:00", 2, "2026-12-07")]))).toEqual([
      ["days.0.windows.1.workStartLocal", "WINDOWS_OVERLAP"],
    ]);
    // A rota window ending before the other starts its rota cannot meet it either.
    expect(codes(form([win("09:00", "13:00", { effectiveTo: "2026-12-06" }), rota("12:00", "17:00", 2, "2026-12-07")]))).toEqual([]);
  });

  it("the zod schema carries INVALID_REPEAT with the server's code", () => {
    const parsed = scheduleFormSchema.safeParse(form([rota("09:00", "12:00", 2, null)]));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ["days", 0, "windows", 0, "repeatAnchor"], params: { code: "INVALID_REPEAT" } });
  });
});
