// "Coming weeks": a month at a time, each day's free slots (what patients can book for one service) against
// its bookings, time off with its reason, and — for a day with no free slots — why (the explain endpoint).
// Clicking a day lists its candidate times; clicking a time says why it is (not) bookable.
import { LeftOutlined, RightOutlined } from "@ant-design/icons";
import { Alert, Button, Skeleton } from "antd";
import { useMemo, useState } from "react";
import dayjs from "../../lib/dayjs";
import { todayIn } from "../../lib/time";
import type { RefData, Scope } from "../../lib/types";
import { useBookings, useExplainDay, useExplainDays, useFreeSlots, useTimeOff, type CalendarQuery } from "./api";
import { dayTotals, monthGrid, shiftMonth, timeOffByDate, whyNoSlots } from "./calendar";
import { DAY_LONG, DAY_SHORT } from "./days";

export default function AvailabilityCalendar(props: { doctorId: string; scope: Scope; refdata: RefData | undefined; timezone: string }) {
  const { doctorId, scope, refdata, timezone } = props;
  const today = todayIn(timezone);
  const [month, setMonth] = useState(today.slice(0, 7));
  const [selected, setSelected] = useState<string | null>(null);
  const dates = useMemo(() => monthGrid(month), [month]);
  const range = { start: dates[0], end: dates[dates.length - 1] };
  const serviceId = scope.appointmentTypeId ?? refdata?.appointmentTypes[0]?.id ?? null;
  const service = refdata?.appointmentTypes.find((t) => t.id === serviceId);
  const query: CalendarQuery | null = serviceId
    ? { appointmentTypeId: serviceId, doctorLocationId: scope.doctorLocationId, consultationMode: scope.consultationMode }
    : null;

  const free = useFreeSlots(doctorId, query, range);
  const bookings = useBookings(doctorId, {
    start: dayjs.tz(`${range.start}T00:00:00`, timezone).format(),
    end: dayjs.tz(`${range.end}T00:00:00`, timezone).add(1, "day").format(),
  });
  const timeOff = useTimeOff(doctorId, range);
  const totals = useMemo(() => dayTotals(free.data ?? [], bookings.data ?? [], timezone), [free.data, bookings.data, timezone]);
  const off = useMemo(() => timeOffByDate(timeOff.data ?? [], dates, timezone), [timeOff.data, dates, timezone]);
  // Days of this month, from today on, without a free slot: ask why (once the free slots are known).
  const empty = free.data ? dates.filter((d) => d >= today && d.startsWith(month) && !totals.get(d)?.free) : [];
  const explained = useExplainDays(doctorId, query, empty);
  const why = new Map(empty.map((d, i) => [d, whyNoSlots(explained[i]?.data)]));

  return (
    <div className="calendar">
      <div className="calendar-head">
        <Button size="small" icon={<LeftOutlined />} aria-label="Previous month" onClick={() => setMonth(shiftMonth(month, -1))} />
        <strong className="calendar-month" aria-live="polite">
          {dayjs(`${month}-01`).format("MMMM YYYY")}
        </strong>
        <Button size="small" icon={<RightOutlined />} aria-label="Next month" onClick={() => setMonth(shiftMonth(month, 1))} />
        {month !== today.slice(0, 7) && (
          <Button size="small" type="link" onClick={() => setMonth(today.slice(0, 7))}>
            Today
          </Button>
        )}
        <span className="muted calendar-service">{service ? `Free slots for ${service.name}` : "No service to show slots for"}</span>
      </div>
      {(free.isError || bookings.isError) && <Alert type="error" showIcon title="Could not load the calendar." description={(free.error ?? bookings.error)?.message} />}
      <div className={`calendar-grid${free.isFetching ? " is-refreshing" : ""}`} role="table" aria-label={`Availability in ${dayjs(`${month}-01`).format("MMMM YYYY")}`}>
        <div role="row" className="calendar-row">
          {DAY_SHORT.map((d) => (
            <div role="columnheader" key={d} className="calendar-dow">
              {d}
            </div>
          ))}
        </div>
        {Array.from({ length: dates.length / 7 }, (_, w) => (
          <div role="row" className="calendar-row" key={dates[w * 7]}>
            {dates.slice(w * 7, w * 7 + 7).map((date) => (
              <CalendarDay
                key={date}
                date={date}
                inMonth={date.startsWith(month)}
                isPast={date < today}
                isToday={date === today}
                loading={!free.data && query !== null}
                free={totals.get(date)?.free ?? 0}
                booked={totals.get(date)?.booked ?? 0}
                timeOff={off.get(date) ?? null}
                why={why.get(date) ?? null}
                selected={selected === date}
                onSelect={() => setSelected(selected === date ? null : date)}
              />
            ))}
          </div>
        ))}
      </div>
      <div className="calendar-legend muted">
        <span className="legend-swatch legend-free" /> free <span className="legend-swatch legend-booked" /> booked <span className="legend-swatch legend-off" /> time off
      </div>
      {selected && <DayTimes doctorId={doctorId} query={query} date={selected} onClose={() => setSelected(null)} />}
    </div>
  );
}

function CalendarDay(props: {
  date: string;
  inMonth: boolean;
  isPast: boolean;
  isToday: boolean;
  loading: boolean;
  free: number;
  booked: number;
  timeOff: string | null;
  why: string | null;
  selected: boolean;
  onSelect: () => void;
}) {
  const { date, free, booked, timeOff, why } = props;
  const d = dayjs(date);
  const label = d.format("D MMM");
  const longName = `${DAY_LONG[(d.day() + 6) % 7]} ${d.format("D MMMM")}`;
  const summary = [`${free} free`, `${booked} booked`, timeOff ? `time off: ${timeOff}` : "", !free && why ? why : ""].filter(Boolean).join(", ");
  const classes = ["calendar-cell", props.inMonth ? "" : "calendar-cell-out", props.isPast ? "calendar-past" : "", props.isToday ? "calendar-today" : "", free ? "" : "calendar-empty", timeOff ? "calendar-off" : "", props.selected ? "calendar-selected" : ""];
  return (
    <button
      type="button"
      role="cell"
      data-testid={`calendar-day-${date}`}
      className={classes.filter(Boolean).join(" ")}
      aria-label={`${longName}: ${summary}`}
      aria-pressed={props.selected}
      onClick={props.onSelect}
    >
      <span className="calendar-date">{label}</span>
      {props.loading ? (
        <Skeleton.Node active style={{ width: "100%", height: 28 }}>
          <span />
        </Skeleton.Node>
      ) : (
        <>
          {(free > 0 || booked > 0) && (
            <span className="calendar-counts">
              {free > 0 && <span className="calendar-free">{free} free</span>}
              {booked > 0 && <span className="calendar-booked">{booked} booked</span>}
            </span>
          )}
          {timeOff && (
            // Narrow cells: "Off" over the reason cut with an ellipsis; the whole text is the title.
            <span className="calendar-timeoff" title={`Time off: ${timeOff}`}>
              <span className="calendar-timeoff-label">
                <span className="wide-only">Time off:</span>
                <span className="narrow-only">Off</span>
              </span>{" "}
              <span className="calendar-timeoff-reason">{timeOff}</span>
            </span>
          )}
          {!free && !timeOff && why && !props.isPast && <span className="calendar-why">{why}</span>}
        </>
      )}
    </button>
  );
}

/** One day's candidate times; a time clicked shows why it is or is not bookable. */
function DayTimes({ doctorId, query, date, onClose }: { doctorId: string; query: CalendarQuery | null; date: string; onClose: () => void }) {
  const explained = useExplainDay(doctorId, query, date);
  const [shown, setShown] = useState<string | null>(null);
  const candidates = explained.data?.candidates ?? [];
  const current = candidates.find((c) => c.startLocal === shown);
  const d = dayjs(date);
  return (
    <section className="day-times" aria-label={`Times on ${d.format("D MMMM")}`} data-testid="day-times">
      <header className="day-times-head">
        <strong>
          {DAY_LONG[(d.day() + 6) % 7]} {d.format("D MMMM YYYY")}
        </strong>
        <Button size="small" type="text" onClick={onClose}>
          Close
        </Button>
      </header>
      {explained.isPending && query ? (
        <Skeleton active title={false} paragraph={{ rows: 2 }} />
      ) : candidates.length === 0 ? (
        <p className="muted">No working hours on this day.</p>
      ) : (
        <div className="day-times-list" role="group" aria-label="Times">
          {candidates.map((c) => (
            <Button
              key={`${c.startLocal}-${c.startUtc}`}
              size="small"
              className={c.bookable ? "time-free" : "time-blocked"}
              aria-pressed={shown === c.startLocal}
              onClick={() => setShown(shown === c.startLocal ? null : c.startLocal)}
            >
              {c.startLocal}
            </Button>
          ))}
        </div>
      )}
      {current && (
        <div className="day-times-why" aria-live="polite" data-testid="time-reasons">
          <strong>{current.startLocal}</strong>{" "}
          {current.bookable ? (
            "is free: patients can book it."
          ) : (
            <ul className="plain-list">
              {current.reasons.map((r) => (
                <li key={r.code}>{r.message}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
