// The coming weeks as a calendar: what the stored rules (plus time off and openings) give, day by day,
// from the preview endpoint — so a doctor sees their week rather than reads it.
import { Alert, Segmented, Skeleton, Tooltip } from "antd";
import { useMemo, useState } from "react";
import dayjs from "../../lib/dayjs";
import { todayIn, toMinutes } from "../../lib/time";
import { usePreview } from "./api";
import { DAY_LONG, DAY_SHORT } from "./days";
import { payloadHash, previewRange } from "./payload";
import type { PreviewDay, PreviewWindow, RulesResponse } from "./types";
import { timeAxis } from "./WeeklyHours";

interface Segment {
  start: string;
  end: string;
  kind: PreviewWindow["kind"];
}

/** Consecutive slots of a window merged into the stretches a doctor would draw on paper. */
export function segments(day: PreviewDay): Segment[] {
  const out: Segment[] = [];
  for (const window of day.windows) {
    let current: Segment | null = null;
    for (const slot of window.slots) {
      if (current && current.end === slot.startLocal) current.end = slot.endLocal;
      else {
        current = { start: slot.startLocal, end: slot.endLocal, kind: window.kind };
        out.push(current);
      }
    }
  }
  return out.sort((a, b) => a.start.localeCompare(b.start));
}

export default function AvailabilityCalendar({ doctorId, rules }: { doctorId: string; rules: RulesResponse | undefined }) {
  const [weeks, setWeeks] = useState<number>(2);
  const timezone = rules?.scope.timezone ?? "UTC";
  const today = todayIn(timezone);
  const request = useMemo(() => {
    if (!rules) return null;
    const body = { doctorId, scope: rules.scope, days: rules.days, dateRange: previewRange(today, weeks) };
    return { hash: payloadHash(body), body };
  }, [doctorId, rules, today, weeks]);
  const preview = usePreview(doctorId, request);

  const range = previewRange(today, weeks);
  const first = dayjs(range.start);
  const gridStart = first.subtract((first.day() + 6) % 7, "day"); // the Monday on or before the start
  const cells = Array.from({ length: weeks * 7 + ((first.day() + 6) % 7 ? 7 : 0) }, (_, i) => gridStart.add(i, "day").format("YYYY-MM-DD"));
  // Trim a trailing week that lies wholly after the range.
  while (cells.length > 7 && cells[cells.length - 7] > range.end) cells.splice(cells.length - 7, 7);
  const byDate = new Map((preview.data?.days ?? []).map((d) => [d.date, d]));
  const axis = timeAxis((preview.data?.days ?? []).flatMap((d) => d.windows));

  return (
    <div className="calendar">
      <div className="calendar-head">
        <Segmented
          aria-label="Weeks shown"
          size="small"
          value={weeks}
          onChange={(v) => setWeeks(Number(v))}
          options={[
            { value: 2, label: "2 weeks" },
            { value: 4, label: "4 weeks" },
          ]}
        />
        <span className="muted">
          {preview.data ? `${preview.data.summary.totalSlots} slots in ${weeks} weeks, before bookings` : "\u00a0"}
        </span>
      </div>
      {preview.isError && <Alert type="error" showIcon title="Could not load the coming weeks." />}
      <div className={`calendar-grid${preview.isFetching ? " is-refreshing" : ""}`} role="table" aria-label="Availability in the coming weeks" aria-busy={preview.isFetching}>
        <div role="row" className="calendar-row">
          {DAY_SHORT.map((d) => (
            <div role="columnheader" key={d} className="calendar-dow">
              {d}
            </div>
          ))}
        </div>
        {Array.from({ length: cells.length / 7 }, (_, w) => (
          <div role="row" className="calendar-row" key={w}>
            {cells.slice(w * 7, w * 7 + 7).map((date) => {
              const inRange = date >= range.start && date <= range.end;
              const day = byDate.get(date);
              return (
                <CalendarCell key={date} date={date} day={day} axis={axis} inRange={inRange} isToday={date === today} loading={!preview.data} />
              );
            })}
          </div>
        ))}
      </div>
      <div className="calendar-legend muted" aria-hidden="true">
        <span className="legend-swatch legend-rule" /> weekly hours <span className="legend-swatch legend-opening" /> extra openings
      </div>
    </div>
  );
}

function CalendarCell(props: { date: string; day: PreviewDay | undefined; axis: [number, number]; inRange: boolean; isToday: boolean; loading: boolean }) {
  const { date, day, axis, inRange, isToday, loading } = props;
  const d = dayjs(date);
  const label = d.format("D MMM");
  if (!inRange) return <div role="cell" className="calendar-cell calendar-cell-out" aria-hidden="true" />;
  if (loading) {
    return (
      <div role="cell" className="calendar-cell">
        <div className="calendar-date">{label}</div>
        <Skeleton.Node active style={{ width: "100%", height: 72 }}>
          <span />
        </Skeleton.Node>
      </div>
    );
  }
  const segs = day ? segments(day) : [];
  const count = day ? day.windows.reduce((n, w) => n + w.slots.length, 0) : 0;
  const span = axis[1] - axis[0];
  const text = segs.length ? segs.map((s) => `${s.start}–${s.end}${s.kind === "opening" ? " (opening)" : ""}`).join(", ") : "no slots";
  return (
    <Tooltip title={`${DAY_LONG[(d.day() + 6) % 7]} ${label}: ${count} slots${segs.length ? ` — ${text}` : ""}`}>
      <div
        role="cell"
        tabIndex={0}
        className={`calendar-cell${isToday ? " calendar-today" : ""}${count ? "" : " calendar-empty"}`}
        aria-label={`${DAY_LONG[(d.day() + 6) % 7]} ${label}: ${count} slots, ${text}`}
      >
        <div className="calendar-date">
          {label}
          <span className="calendar-count">{count || ""}</span>
        </div>
        <div className="calendar-day-track" aria-hidden="true">
          {segs.map((s, i) => {
            const top = ((toMinutes(s.start) - axis[0]) / span) * 100;
            const height = ((toMinutes(s.end) - toMinutes(s.start)) / span) * 100;
            return <span key={i} className={`calendar-seg calendar-seg-${s.kind}`} style={{ top: `${top}%`, height: `${Math.max(height, 2)}%` }} />;
          })}
        </div>
      </div>
    </Tooltip>
  );
}
