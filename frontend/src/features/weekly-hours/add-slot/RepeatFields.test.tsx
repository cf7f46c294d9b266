// @vitest-environment jsdom
// The rota fields under Advanced, in a real React Hook Form with Ant Design: the anchor defaults to this
// week's Monday, clears for a weekly window, and errors (client or server) show under their fields.
import { act, cleanup, fireEvent, render, renderHook, screen } from "@testing-library/react";
import { Form } from "antd";
import { useForm, useWatch, type Control } from "react-hook-form";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { applyServerErrors } from "../../../lib/serverErrors";
import { routeServerErrors } from "../errors";
import { buildFeedback, FeedbackProvider } from "../feedback";
import { emptyWeek, newWindow } from "../payload";
import { scheduleIssues, type ScheduleFormValues, type WindowValues } from "../schema";
import WeeklyHours from "../WeeklyHours";
import type { ScopedRule } from "../allHours";
import RepeatFields from "./RepeatFields";

beforeAll(() => {
  // Ant Design's responsive helpers ask for matchMedia, which jsdom lacks.
  window.matchMedia ??= ((query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => {},
    removeListener: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
    dispatchEvent: () => false,
  })) as typeof window.matchMedia;
});

afterEach(cleanup);

function values(window: Partial<WindowValues> = {}): ScheduleFormValues {
  const days = emptyWeek();
  days[0] = { dayOfWeek: 1, enabled: true, windows: [{ ...newWindow(), ...window }] };
  return {
    scope: { appointmentTypeId: null, doctorLocationId: null, locationRoomId: null, consultationMode: null, timezone: "Europe/Athens" },
    days,
    replaceMode: "replace_selected_days",
    expectedVersion: null,
  };
}

function Shown({ control }: { control: Control<ScheduleFormValues> }) {
  const window = useWatch({ control, name: "days.0.windows.0" });
  return <output data-testid="window">{JSON.stringify({ every: window.repeatEveryWeeks, anchor: window.repeatAnchor })}</output>;
}

function Harness({ initial }: { initial: ScheduleFormValues }) {
  const form = useForm<ScheduleFormValues>({ defaultValues: initial });
  const current = useWatch({ control: form.control }) as ScheduleFormValues;
  const feedback = buildFeedback(current, scheduleIssues(current), form.formState.errors, undefined);
  return (
    <FeedbackProvider value={feedback}>
      <Form layout="vertical">
        <RepeatFields control={form.control} dayIndex={0} windowIndex={0} disabled={false} today="2026-12-10" />
      </Form>
      <Shown control={form.control} />
    </FeedbackProvider>
  );
}

const shown = () => JSON.parse(screen.getByTestId("window").textContent ?? "{}");

// Ant Design's first render in jsdom is slow on a busy machine: time, not correctness, is all a limit tests.
describe("RepeatFields", { timeout: 30_000 }, () => {
  it("starts a rota this week (its Monday) when the doctor picks every 2 weeks, and clears it at 1", () => {
    render(<Harness initial={values()} />);
    expect(shown()).toEqual({ every: 1, anchor: null });
    const anchor = () => screen.getByLabelText("Starting the week of") as HTMLInputElement;
    expect(anchor().disabled).toBe(true);
    expect(screen.getByTestId("window-0-0-repeat-text").textContent).toContain("Works every week");

    fireEvent.change(screen.getByLabelText("Repeats every N weeks"), { target: { value: "2" } });
    expect(shown()).toEqual({ every: 2, anchor: "2026-12-07" }); // Thursday 10 Dec → Monday 7 Dec
    expect(anchor().disabled).toBe(false);
    expect(anchor().value).toBe("2026-12-07");
    expect(screen.getByTestId("window-0-0-repeat-text").textContent).toContain("every 2 weeks from the week of 7 Dec 2026");

    fireEvent.change(screen.getByLabelText("Repeats every N weeks"), { target: { value: "1" } });
    expect(shown()).toEqual({ every: 1, anchor: null });
  });

  it("keeps an anchor the doctor already chose when the number of weeks changes", () => {
    render(<Harness initial={values({ repeatEveryWeeks: 2, repeatAnchor: "2027-01-13" })} />);
    fireEvent.change(screen.getByLabelText("Repeats every N weeks"), { target: { value: "3" } });
    expect(shown()).toEqual({ every: 3, anchor: "2027-01-13" });
  });

  it("shows INVALID_REPEAT under the anchor when a rota has none", () => {
    render(<Harness initial={values({ repeatEveryWeeks: 2, repeatAnchor: null })} />);
    expect(screen.getByText(/Choose the week the rota starts from/)).toBeTruthy();
  });
});

describe("server errors at the rota fields", () => {
  it("map to repeatEveryWeeks and repeatAnchor of the form's day", () => {
    const initial = values({ repeatEveryWeeks: 2, repeatAnchor: "2026-12-07" });
    const { result } = renderHook(() => {
      const form = useForm<ScheduleFormValues>({ defaultValues: initial });
      void form.formState.errors;
      return form;
    });
    const routed = routeServerErrors(
      [
        { path: "days.0.windows.0.repeatEveryWeeks", code: "INVALID_REPEAT", message: "Repeat every 1 to 8 weeks." },
        { path: "days.0.windows.0.repeatAnchor", code: "INVALID_DATE", message: "Use a real date." },
      ],
      [0],
      initial,
    );
    act(() => applyServerErrors(result.current.setError, routed));
    expect(result.current.getFieldState("days.0.windows.0.repeatEveryWeeks").error).toMatchObject({ type: "server", message: "Repeat every 1 to 8 weeks." });
    expect(result.current.getFieldState("days.0.windows.0.repeatAnchor").error).toMatchObject({ type: "server", message: "Use a real date." });
    expect(result.current.formState.errors.root?.server).toBeUndefined();
  });
});

describe("the weekly grid", { timeout: 30_000 }, () => {
  const rule = (id: string, start: string, end: string, every: number, anchor: string | null): ScopedRule => ({
    id,
    dayOfWeek: 1,
    workStartLocal: start,
    workEndLocal: end,
    slotIntervalMinutes: 30,
    priority: 0,
    effectiveFrom: null,
    effectiveTo: null,
    repeatEveryWeeks: every,
    repeatAnchor: anchor,
    isActive: true,
    timezone: "Europe/Athens",
    breaks: [],
    scope: { appointmentTypeId: null, doctorLocationId: null, locationRoomId: null, consultationMode: null },
  });

  it("badges each rota window with its week, and leaves weekly windows plain", () => {
    const monday = [rule("a", "09:00", "13:00", 2, "2026-12-09"), rule("b", "10:00", "17:00", 2, "2026-12-16"), rule("w", "18:00", "19:00", 1, null)];
    render(<WeeklyHours week={[monday, [], [], [], [], [], []]} refdata={undefined} timezone="Europe/Athens" loading={false} />);
    expect(screen.getAllByTestId("rota-badge").map((b) => b.textContent)).toEqual([
      "Week A · every 2 weeks from 7 Dec",
      "Week B · every 2 weeks from 14 Dec",
    ]);
    const bars = document.querySelectorAll(".wh-bar-rota");
    expect([...bars].map((b) => b.getAttribute("data-rota-week"))).toEqual(["A", "B"]);
  });
});
