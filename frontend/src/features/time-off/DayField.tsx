// One whole-day end of an all-day entry: a calendar date in the doctor's zone (typed "2026-12-24" + Enter or
// picked). The form keeps instants: the first day is its local midnight, the last day the midnight after it.
import { DatePicker, Form } from "antd";
import { useController, type Control } from "react-hook-form";
import dayjs from "../../lib/dayjs";
import { addDays, allDayRange, dateIn, isRealDate } from "../../lib/time";
import { useTypedEntry } from "../../lib/useTypedEntry";
import type { ExceptionFormValues } from "./schema";

const DATE = "YYYY-MM-DD";

/** The date a stored instant stands for: the first day itself; the last day is the day before its midnight. */
export function shownDate(instant: string | null, end: boolean, timezone: string): string | null {
  if (!instant || Number.isNaN(Date.parse(instant))) return null;
  const date = dateIn(instant, timezone);
  return end ? addDays(date, -1) : date;
}

export default function DayField(props: {
  control: Control<ExceptionFormValues>;
  name: "startsAt" | "endsAt";
  id: string;
  label: string;
  timezone: string;
  feedback: { validateStatus?: "error"; help?: string };
  /** The first day was chosen: the other end follows when it is empty or now before it. */
  onFirstDay?: (date: string) => void;
}) {
  const { field: { ref, ...field } } = useController({ control: props.control, name: props.name });
  const end = props.name === "endsAt";
  const toInstant = (date: string) => {
    const { startsAt, endsAt } = allDayRange(date, date, props.timezone);
    return end ? endsAt : startsAt;
  };
  const set = (date: string | null) => {
    field.onChange(date ? toInstant(date) : null);
    if (date && !end) props.onFirstDay?.(date);
  };
  const entry = useTypedEntry(
    (text) => (isRealDate(text.trim()) ? text.trim() : null),
    (date) => date !== shownDate(field.value, end, props.timezone) && set(date),
  );
  const shown = shownDate(field.value, end, props.timezone);
  return (
    <Form.Item label={props.label} htmlFor={props.id} {...props.feedback}>
      <div {...entry.wrapperProps}>
        <DatePicker
          {...entry.pickerProps}
          id={props.id}
          data-testid={props.id}
          format={DATE}
          needConfirm={false}
          previewValue={false}
          placeholder="YYYY-MM-DD"
          status={props.feedback.validateStatus}
          value={shown ? dayjs(shown, DATE) : null}
          onChange={(value) => {
            const date = value ? value.format(DATE) : null;
            entry.picked(date);
            set(date);
          }}
          onBlur={() => {
            entry.flush();
            field.onBlur();
          }}
          ref={ref}
        />
      </div>
    </Form.Item>
  );
}
