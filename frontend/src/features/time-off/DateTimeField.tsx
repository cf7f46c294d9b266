// One instant of the time-off form, picked (or typed as "2026-12-24 09:00" + Enter) as wall-clock time in the
// doctor's zone and kept in the form as an ISO 8601 instant with that zone's offset.
import { DatePicker, Form } from "antd";
import { useController, type Control } from "react-hook-form";
import dayjs from "../../lib/dayjs";
import { instantFromWallClock, wallClock } from "../../lib/time";
import { useTypedEntry } from "../../lib/useTypedEntry";
import type { ExceptionFormValues } from "./schema";

const DATE_TIME = "YYYY-MM-DD HH:mm";

/** One instant, picked (or typed as "2026-12-24 09:00") as wall-clock time in the doctor's zone. */
export default function DateTimeField(props: {
  control: Control<ExceptionFormValues>;
  name: "startsAt" | "endsAt";
  id: string;
  label: string;
  timezone: string;
  feedback: { validateStatus?: "error"; help?: string };
}) {
  // `ref` apart: the hooks lint (react-hooks/refs) takes an object holding a ref for a ref itself.
  const { field: { ref, ...field } } = useController({ control: props.control, name: props.name });
  const toInstant = (text: string) => {
    const parsed = dayjs(text.trim(), DATE_TIME, true);
    return parsed.isValid() ? instantFromWallClock(parsed, props.timezone) : null;
  };
  const entry = useTypedEntry(toInstant, (instant) => instant !== field.value && field.onChange(instant));
  return (
    <Form.Item label={props.label} htmlFor={props.id} {...props.feedback}>
      <div {...entry.wrapperProps}>
        <DatePicker
          {...entry.pickerProps}
          id={props.id}
          data-testid={props.id}
          showTime={{ format: "HH:mm", minuteStep: 5 }}
          format={DATE_TIME}
          needConfirm={false}
          previewValue={false}
          placeholder="YYYY-MM-DD HH:MM"
          status={props.feedback.validateStatus}
          value={field.value ? wallClock(field.value, props.timezone) : null}
          onChange={(value) => {
            const instant = value ? instantFromWallClock(value, props.timezone) : null;
            entry.picked(instant);
            field.onChange(instant);
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
