// The stored week of one scope: a row per weekday, each work window a bar on a shared time axis, breaks
// cut out of the bars, and the same hours as text ("09:00–17:00") for reading and for screen readers.
// A rota window (every N weeks) is striped, placed in its week's band of the row, and badged with its week
// ("Week A · every 2 weeks from 7 Dec"): windows of different weeks may share the clock.
import { Skeleton, Tooltip } from "antd";
import { fromMinutes, toMinutes } from "../../lib/time";
import { DAY_LONG, DAY_SHORT } from "./days";
import type { RefData } from "../../lib/types";
import { scopeBadge, type ScopedRule } from "./allHours";
import { rotaBadge, rotaLetters, rotaText } from "./rota";
import type { WindowJson } from "./types";

const DEFAULT_AXIS: [number, number] = [8 * 60, 18 * 60];

/** Whole hours from just before the earliest start to just after the latest end (at least 08:00–18:00 wide). */
export function timeAxis(windows: { workStartLocal: string; workEndLocal: string }[]): [number, number] {
  if (!windows.length) return DEFAULT_AXIS;
  const starts = windows.map((w) => toMinutes(w.workStartLocal)).filter(Number.isFinite);
  const ends = windows.map((w) => toMinutes(w.workEndLocal)).filter(Number.isFinite);
  if (!starts.length || !ends.length) return DEFAULT_AXIS;
  let from = Math.floor(Math.min(...starts) / 60) * 60;
  let to = Math.ceil(Math.max(...ends) / 60) * 60;
  if (to - from < 4 * 60) {
    from = Math.max(0, from - 60);
    to = Math.min(24 * 60, to + 60);
  }
  return [from, to];
}

function pct(minutes: number, [from, to]: [number, number]): number {
  return ((minutes - from) / (to - from)) * 100;
}

function windowText(w: WindowJson): string {
  const extra: string[] = [`${w.slotIntervalMinutes} min`];
  if (w.breaks.length) extra.push(w.breaks.map((b) => `break ${b.breakStartLocal}–${b.breakEndLocal}${b.label ? ` ${b.label}` : ""}`).join(", "));
  if (w.priority) extra.push(`priority ${w.priority}`);
  if (w.effectiveFrom || w.effectiveTo) extra.push(`${w.effectiveFrom ? `from ${w.effectiveFrom}` : ""}${w.effectiveFrom && w.effectiveTo ? " " : ""}${w.effectiveTo ? `until ${w.effectiveTo}` : ""}`);
  if ((w.repeatEveryWeeks ?? 1) > 1) extra.push(rotaText(w.repeatEveryWeeks, w.repeatAnchor));
  return `${w.workStartLocal}–${w.workEndLocal} (${extra.join("; ")})`;
}

export default function WeeklyHours({ week, refdata, timezone, loading }: { week: ScopedRule[][] | undefined; refdata: RefData | undefined; timezone: string; loading: boolean }) {
  if (loading && !week) {
    return (
      <div data-testid="weekly-hours" className="weekly-hours" aria-busy="true">
        <Skeleton active title={false} paragraph={{ rows: 7 }} />
      </div>
    );
  }
  const days = week ?? [[], [], [], [], [], [], []];
  const axis = timeAxis(days.flat());
  const letters = rotaLetters(days.flat());
  const ticks: number[] = [];
  for (let m = axis[0]; m <= axis[1]; m += axis[1] - axis[0] > 12 * 60 ? 180 : 120) ticks.push(m);
  return (
    <div data-testid="weekly-hours" className="weekly-hours">
      <div className="wh-axis" aria-hidden="true">
        <span />
        <div className="wh-track wh-ticks">
          {ticks.map((m) => (
            <span key={m} className="wh-tick" style={{ left: `${pct(m, axis)}%` }}>
              {fromMinutes(m)}
            </span>
          ))}
        </div>
      </div>
      {DAY_SHORT.map((short, i) => {
        const windows = days[i];
        return (
          <div key={short} className={`wh-row${windows.length ? "" : " wh-row-off"}`} data-testid={`weekly-day-${i + 1}`}>
            <div className="wh-day" title={DAY_LONG[i]}>
              {short}
            </div>
            <div className="wh-track" aria-hidden="true">
              {windows.map((w) => (
                <WindowBar key={w.id} window={w} axis={axis} letter={letters.get(w.id)} />
              ))}
            </div>
            <div className="wh-text">
              {windows.length ? (
                windows.map((w) => (
                  <div key={w.id} className="wh-window-text" title={windowText(w)}>
                    {`${w.workStartLocal}–${w.workEndLocal}`}
                    <span className="muted">
                      {` · ${w.slotIntervalMinutes} min`}
                      {w.breaks.length ? ` · ${w.breaks.length} break${w.breaks.length > 1 ? "s" : ""}` : ""}
                      {w.priority ? ` · priority ${w.priority}` : ""}
                      {w.effectiveFrom || w.effectiveTo ? " · dated" : ""}
                      {w.timezone !== timezone ? ` · ${w.timezone}` : ""}
                    </span>{" "}
                    {letters.has(w.id) && w.repeatAnchor && (
                      <span className="rota-badge" data-testid="rota-badge" title={rotaText(w.repeatEveryWeeks, w.repeatAnchor)}>
                        {rotaBadge(w.repeatEveryWeeks ?? 1, w.repeatAnchor, letters.get(w.id)!)}
                      </span>
                    )}{" "}
                    <span className="scope-badge" title={scopeBadge(refdata, w.scope)}>
                      {scopeBadge(refdata, w.scope)}
                    </span>
                  </div>
                ))
              ) : (
                <span className="muted">Not available</span>
              )}
            </div>
          </div>
        );
      })}
    </div>
  );
}

function WindowBar({ window: w, axis, letter }: { window: WindowJson; axis: [number, number]; letter?: string }) {
  const start = toMinutes(w.workStartLocal);
  const end = toMinutes(w.workEndLocal);
  const length = end - start;
  // A rota window takes its week's band of the row (week A on top), so weeks sharing the clock both show.
  const every = w.repeatEveryWeeks ?? 1;
  const band = letter ? { top: `${2 + ((letter.charCodeAt(0) - 65) * 18) / every}px`, height: `${18 / every}px`, bottom: "auto" } : {};
  return (
    <Tooltip title={`${letter ? `Week ${letter}: ` : ""}${windowText(w)}`}>
      <div
        className={`wh-bar${w.priority ? " wh-bar-priority" : ""}${letter ? " wh-bar-rota" : ""}`}
        data-rota-week={letter}
        style={{ left: `${pct(start, axis)}%`, width: `${pct(end, axis) - pct(start, axis)}%`, ...band }}
      >
        {letter && every <= 2 ? letter : null}
        {w.breaks.map((b, k) => {
          const bs = toMinutes(b.breakStartLocal);
          const be = toMinutes(b.breakEndLocal);
          return (
            <span
              key={k}
              className="wh-break"
              style={{ left: `${((bs - start) / length) * 100}%`, width: `${((be - bs) / length) * 100}%` }}
            />
          );
        })}
      </div>
    </Tooltip>
  );
}
