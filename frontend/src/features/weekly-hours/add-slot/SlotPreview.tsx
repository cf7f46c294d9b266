// "Creates N slots": what saving the changed days would create over the next 1 or 4 weeks, day by day.
// The box keeps its size while loading (skeleton, then the previous answer dimmed), so nothing jumps.
import { Alert, Segmented, Skeleton, Spin, Tag } from "antd";
import dayjs from "../../../lib/dayjs";
import type { PreviewResult } from "../api";
import { DAY_SHORT } from "../days";
import type { SlotDiff } from "../diff";
import type { PreviewWarning } from "../types";

export type PreviewState =
  | { kind: "nothing" } // no day changed: nothing would be created
  | { kind: "invalid"; data?: PreviewResult } // the form has errors: no request until they are fixed (last answer dimmed)
  | { kind: "loading" }
  | { kind: "ready"; data: PreviewResult; refreshing: boolean }
  | { kind: "failed"; message: string; data?: PreviewResult };

/** Slots from the form's windows (openings from Time off are shown, not counted as created). */
export function createdSlots(data: PreviewResult): number {
  return data.days.reduce((n, day) => n + day.windows.filter((w) => w.kind === "rule").reduce((m, w) => m + w.slots.length, 0), 0);
}

export default function SlotPreview(props: {
  state: PreviewState;
  weeks: number;
  onWeeksChange: (weeks: number) => void;
  dayLabels: string;
  unplaced: PreviewWarning[];
  /** Against the stored hours of the same days (replace only). */
  diff: SlotDiff | null;
}) {
  const { state } = props;
  const data = state.kind === "ready" || state.kind === "failed" || state.kind === "invalid" ? state.data : undefined;
  const busy = state.kind === "loading" || (state.kind === "ready" && state.refreshing);
  const count = state.kind === "nothing" ? 0 : data && state.kind !== "invalid" ? createdSlots(data) : null;
  const summary = state.kind === "ready" ? state.data.summary : undefined;
  const diff = state.kind === "ready" && !state.refreshing ? props.diff : null;
  return (
    <section className="slot-preview" aria-label="Preview">
      <div className="slot-preview-head">
        <div>
          <div className="preview-summary-line">
            <span className="preview-summary" data-testid="preview-summary" aria-live="polite" aria-busy={busy || state.kind === "invalid"}>
              {count === null ? "Creates … slots" : `Creates ${count} slots`}
            </span>
            {summary?.service && summary.bookableStarts !== undefined && (
              <span className="preview-service" data-testid="preview-service">
                <span className="nowrap">
                  {summary.bookableStarts} start time{summary.bookableStarts === 1 ? "" : "s"}
                </span>{" "}
                for {summary.service.name}
                {summary.backToBack !== undefined && (
                  <>
                    {" · "}
                    <span className="nowrap" title={`${summary.backToBack} appointments of ${summary.service.durationMinutes} min fit one after another`}>
                      {summary.backToBack} back to back
                    </span>
                  </>
                )}
              </span>
            )}
          </div>
          {diff && (
            <div className={`preview-diff${diff.added || diff.removed ? "" : " muted"}`} data-testid="preview-diff" title="Compared day by day with the stored hours of the same days and dates">
              <span className={diff.added ? "diff-added" : undefined}>+{diff.added}</span> / <span className={diff.removed ? "diff-removed" : undefined}>−{diff.removed}</span> slots vs saved
            </div>
          )}
          <div className="muted preview-sub">
            {state.kind === "nothing" && "Change a day to see the slots it would create."}
            {state.kind === "invalid" && "Fix the highlighted fields to update the preview."}
            {(state.kind === "ready" || state.kind === "loading") && props.dayLabels}
            {state.kind === "failed" && state.message}
          </div>
        </div>
        <div className="slot-preview-controls">
          {busy && <Spin size="small" aria-label="Updating preview" />}
          <Segmented
            aria-label="Preview range"
            size="small"
            value={props.weeks}
            onChange={(v) => props.onWeeksChange(Number(v))}
            options={[
              { value: 1, label: "1 week" },
              { value: 4, label: "4 weeks" },
            ]}
          />
        </div>
      </div>
      {props.unplaced.length > 0 && (
        <Alert
          className="block"
          type={props.unplaced.some((w) => w.severity === "error") ? "error" : "warning"}
          showIcon
          title={props.unplaced.map((w) => w.message).join(" ")}
        />
      )}
      <div className={`slot-preview-body${busy || state.kind === "invalid" ? " is-refreshing" : ""}`}>
        {!data && state.kind !== "nothing" ? (
          <Skeleton active title={false} paragraph={{ rows: 6 }} />
        ) : (
          <SlotList data={state.kind === "nothing" ? undefined : data} diff={diff} />
        )}
      </div>
    </section>
  );
}

function SlotList({ data, diff }: { data: PreviewResult | undefined; diff: SlotDiff | null }) {
  const days = (data?.days ?? []).filter((d) => d.windows.some((w) => w.slots.length) || diff?.byDate.has(d.date));
  if (!days.length) return <p className="muted empty-preview">No slots.</p>;
  return (
    <ol className="slot-days">
      {days.map((day) => {
        const count = day.windows.reduce((n, w) => n + w.slots.length, 0);
        const delta = diff?.byDate.get(day.date) ?? 0;
        return (
          <li key={day.date} className="slot-day">
            <div className="slot-day-head">
              <strong>
                {DAY_SHORT[day.dayOfWeek - 1]} {dayjs(day.date).format("D MMM")}
              </strong>
              <span className="muted"> · {count} slots</span>
              {delta !== 0 && <span className={delta > 0 ? "diff-added" : "diff-removed"}> ({delta > 0 ? `+${delta}` : `−${-delta}`} vs saved)</span>}
              {day.bookableStarts !== undefined && <span className="muted"> · {day.bookableStarts} start times</span>}
            </div>
            <div className="slot-tags">
              {day.windows.flatMap((w, k) =>
                w.slots.map((slot) => (
                  <Tag key={`${k}-${slot.startUtc}`} color={w.kind === "opening" ? "green" : undefined} title={`${slot.startLocal}–${slot.endLocal}${w.kind === "opening" ? " (opening from Time off)" : ""}`}>
                    {slot.startLocal}
                  </Tag>
                )),
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
