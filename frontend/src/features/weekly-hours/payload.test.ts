import { describe, expect, it } from "vitest";
import { buildPreviewPayload, buildSavePayload, daysToSend, formBase, payloadHash, previewRange } from "./payload";
import type { ScheduleFormValues } from "./schema";
import type { DayJson, FormScope } from "./types";

const SCOPE: FormScope = { appointmentTypeId: null, doctorLocationId: null, locationRoomId: null, consultationMode: null, timezone: "Europe/Athens" };
const nineToFive = { workStartLocal: "09:00", workEndLocal: "17:00", slotIntervalMinutes: 30, breaks: [], priority: 0, effectiveFrom: null, effectiveTo: null };

function stored(): { version: string; scope: FormScope; days: DayJson[] } {
  const days: DayJson[] = [1, 2, 3, 4, 5, 6, 7].map((d) => ({ dayOfWeek: d, enabled: d <= 2, windows: d <= 2 ? [{ ...nineToFive, breaks: [] }] : [] }));
  return { version: "7", scope: SCOPE, days };
}

function edit(base: ScheduleFormValues, change: (v: ScheduleFormValues) => void): ScheduleFormValues {
  const values = structuredClone(base);
  change(values);
  return values;
}

describe("save payload", () => {
  it("sends nothing when nothing was edited", () => {
    const base = formBase(stored(), SCOPE, "replace_selected_days");
    expect(buildSavePayload(base, base, "doc").body.days).toEqual([]);
  });

  it("sends only the edited days, whole, with the expected version", () => {
    const base = formBase(stored(), SCOPE, "replace_selected_days");
    const values = edit(base, (v) => {
      v.days[1].windows[0].workEndLocal = "13:00"; // Tuesday
      v.days[4] = { dayOfWeek: 5, enabled: true, windows: [{ ...nineToFive, workStartLocal: "10:00" }] }; // Friday
    });
    const { body, dayIndexes } = buildSavePayload(values, base, "doc");
    expect(dayIndexes).toEqual([1, 4]);
    expect(body.days.map((d) => d.dayOfWeek)).toEqual([2, 5]);
    expect(body.days[0].windows[0]).toMatchObject({ workStartLocal: "09:00", workEndLocal: "13:00" });
    expect(body).toMatchObject({ doctorId: "doc", replaceMode: "replace_selected_days", expectedVersion: "7" });
  });

  it("sends a switched-off day as enabled:false without windows (clears it), keeping its values in the form", () => {
    const base = formBase(stored(), SCOPE, "replace_selected_days");
    const values = edit(base, (v) => {
      v.days[0].enabled = false;
    });
    expect(buildSavePayload(values, base, "doc").body.days).toEqual([{ dayOfWeek: 1, enabled: false, windows: [] }]);
    expect(values.days[0].windows).toHaveLength(1);
  });

  it("sends null for every 'All …' scope choice", () => {
    const base = formBase(stored(), { ...SCOPE, appointmentTypeId: "", consultationMode: null }, "replace_selected_days");
    const { body } = buildSavePayload(base, base, "doc");
    expect(body.scope).toEqual({ appointmentTypeId: null, doctorLocationId: null, locationRoomId: null, consultationMode: null, timezone: "Europe/Athens" });
  });

  it("a changed timezone also sends every day with stored windows", () => {
    const base = formBase(stored(), SCOPE, "replace_selected_days");
    const values = edit(base, (v) => {
      v.scope.timezone = "Europe/London";
    });
    expect(daysToSend(values, base)).toEqual([0, 1]);
  });

  it("append mode starts empty and sends only days with new windows", () => {
    const base = formBase(stored(), SCOPE, "append");
    expect(base.days.every((d) => !d.enabled && d.windows.length === 0)).toBe(true);
    const values = edit(base, (v) => {
      v.days[0] = { dayOfWeek: 1, enabled: true, windows: [{ ...nineToFive, workStartLocal: "18:00", workEndLocal: "20:00" }] };
      v.days[2].enabled = true; // switched on but no windows: nothing to add
    });
    const { body, dayIndexes } = buildSavePayload(values, base, "doc");
    expect(dayIndexes).toEqual([0]);
    expect(body.replaceMode).toBe("append");
  });

  it("sends the answer about affected bookings only once given", () => {
    const base = formBase(stored(), SCOPE, "replace_selected_days");
    const off = edit(base, (v) => {
      v.days[0].enabled = false;
    });
    expect(buildSavePayload(off, base, "doc").body).not.toHaveProperty("onAffectedBookings");
    const cancel = edit(off, (v) => {
      v.onAffectedBookings = "cancel";
    });
    expect(buildSavePayload(cancel, base, "doc").body.onAffectedBookings).toBe("cancel");
    expect(daysToSend(cancel, base)).toEqual([0]);
  });

  it("trims break labels and defaults an empty priority to 0", () => {
    const base = formBase(stored(), SCOPE, "replace_selected_days");
    const values = edit(base, (v) => {
      v.days[0].windows[0].breaks = [{ breakStartLocal: "13:00", breakEndLocal: "14:00", label: "  Lunch " }];
      v.days[0].windows[0].priority = null;
    });
    const w = buildSavePayload(values, base, "doc").body.days[0].windows[0];
    expect(w.breaks[0].label).toBe("Lunch");
    expect(w.priority).toBe(0);
  });
});

describe("preview payload and its hash", () => {
  it("same form state gives the same hash; a change gives another", () => {
    const base = formBase(stored(), SCOPE, "replace_selected_days");
    const values = edit(base, (v) => {
      v.days[0].windows[0].workEndLocal = "16:00";
    });
    const range = previewRange("2026-11-30", 1);
    const a = buildPreviewPayload(values, base, "doc", range).body;
    const b = buildPreviewPayload(structuredClone(values), base, "doc", range).body;
    expect(payloadHash(a)).toBe(payloadHash(b));
    const reordered = JSON.parse(JSON.stringify({ replaceMode: a.replaceMode, dateRange: a.dateRange, days: a.days, scope: a.scope, doctorId: a.doctorId }));
    expect(payloadHash(reordered)).toBe(payloadHash(a));
    const c = buildPreviewPayload(edit(values, (v) => (v.days[0].windows[0].workEndLocal = "15:00")), base, "doc", range).body;
    expect(payloadHash(c)).not.toBe(payloadHash(a));
    expect(payloadHash(buildPreviewPayload(values, base, "doc", previewRange("2026-11-30", 4)).body)).not.toBe(payloadHash(a));
  });

  it("ranges cover whole weeks, both ends inclusive", () => {
    expect(previewRange("2026-11-30", 1)).toEqual({ start: "2026-11-30", end: "2026-12-06" });
    expect(previewRange("2026-11-30", 4)).toEqual({ start: "2026-11-30", end: "2026-12-27" });
  });
});

describe("rota windows in payloads", () => {
  it("sends every N weeks with its anchor, and a weekly window without one", () => {
    const base = formBase(stored(), SCOPE, "replace_selected_days");
    const values = edit(base, (v) => {
      v.days[0].windows[0].repeatEveryWeeks = 2;
      v.days[0].windows[0].repeatAnchor = "2026-12-09";
      v.days[1].windows[0].repeatEveryWeeks = 1;
      v.days[1].windows[0].repeatAnchor = "2026-12-09"; // left over from a rota switched back to weekly
    });
    const { body } = buildSavePayload(values, base, "doc");
    expect(body.days[0].windows[0]).toMatchObject({ repeatEveryWeeks: 2, repeatAnchor: "2026-12-09" });
    expect(body.days[1].windows[0]).toMatchObject({ repeatEveryWeeks: 1, repeatAnchor: null });
  });

  it("loads stored rota windows into the form, and old answers without them as weekly", () => {
    const server = stored();
    server.days[0].windows[0] = { ...nineToFive, repeatEveryWeeks: 3, repeatAnchor: "2027-01-04" };
    const base = formBase(server, SCOPE, "replace_selected_days");
    expect(base.days[0].windows[0]).toMatchObject({ repeatEveryWeeks: 3, repeatAnchor: "2027-01-04" });
    expect(base.days[1].windows[0]).toMatchObject({ repeatEveryWeeks: 1, repeatAnchor: null });
    expect(buildSavePayload(base, base, "doc").body.days).toEqual([]); // loading alone edits nothing
  });
});
