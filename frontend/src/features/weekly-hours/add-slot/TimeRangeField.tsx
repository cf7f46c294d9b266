// A start–end pair of "HH:MM" form fields as two AntD TimePickers (format HH:mm, 5-minute steps).
//
// Not TimePicker.RangePicker: the range picker commits nothing until its *end* input is confirmed (typing a
// new start and pressing Enter leaves the form unchanged), silently refuses an end before the start (so the
// END_BEFORE_START message the server would send can never be shown), and forwards one data-testid to both
// inputs. Two pickers commit each value on Enter or blur, keep each field's own error under it, and carry
// their own data-testid ("{testId}-start" / "{testId}-end") and aria-label. Typing "09:00" + Enter commits.
import { TimePicker } from "antd";
import { useEffect, useRef, useState } from "react";
import { useController, type Control, type FieldPath } from "react-hook-form";
import { useTypedEntry } from "../../../lib/useTypedEntry";
import { dayjsToTime, parseTypedTime, timeToDayjs, TYPED_TIME_HINT } from "../../../lib/time";
import { Field, useFeedback } from "../feedback";
import type { ScheduleFormValues } from "../schema";

type Name = FieldPath<ScheduleFormValues>;

export default function TimeRangeField(props: {
  control: Control<ScheduleFormValues>;
  startName: Name;
  endName: Name;
  /** "window-0-1" → inputs "window-0-1-start" and "window-0-1-end". */
  testId: string;
  /** "Monday window 1" → "Monday window 1 start" / "… end". */
  ariaLabel: string;
  labels: [string, string];
  disabled?: boolean;
}) {
  return (
    <>
      <TimeField {...props} name={props.startName} side="start" label={props.labels[0]} />
      <TimeField {...props} name={props.endName} side="end" label={props.labels[1]} />
    </>
  );
}

function TimeField(props: {
  control: Control<ScheduleFormValues>;
  name: Name;
  side: "start" | "end";
  label: string;
  testId: string;
  ariaLabel: string;
  disabled?: boolean;
}) {
  // `ref` apart: the hooks lint (react-hooks/refs) takes an object holding a ref for a ref itself.
  const { field: { ref, ...field } } = useController({ control: props.control, name: props.name });
  const status = useFeedback().at(props.name).validateStatus;
  const id = `${props.testId}-${props.side}`;
  // What was typed but is not a time: said under the field instead of silently reverting (not a form value).
  const [unreadable, setUnreadable] = useState<string | null>(null);
  const wrapper = useRef<HTMLDivElement>(null);
  const [revision, setRevision] = useState(0);
  useEffect(() => {
    if (revision) wrapper.current?.querySelector("input")?.focus();
  }, [revision]);
  const entry = useTypedEntry(
    parseTypedTime,
    (value) => {
      if (value !== field.value) return field.onChange(value);
      // The same time typed another way ("9am" for 09:00): nothing changes, so the picker would keep showing
      // the typed text. A blur makes it show its value again; focus stays where the doctor is typing.
      // The picker is remounted on its value and focus is put back where the doctor is typing.
      setRevision((r) => r + 1);
    },
    setUnreadable,
  );
  return (
    <Field
      names={[props.name]}
      label={props.label}
      htmlFor={id}
      className={`time-field time-field-${props.side}`}
      override={unreadable === null ? undefined : { validateStatus: "error", help: `“${unreadable}” is not a time. ${TYPED_TIME_HINT}.` }}
    >
      <div className="time-input" ref={wrapper} {...entry.wrapperProps}>
        <TimePicker
          key={revision}
          {...entry.pickerProps}
          id={id}
          data-testid={id}
          aria-label={`${props.ariaLabel} ${props.side}`}
          format="HH:mm"
          minuteStep={5}
          needConfirm={false}
          showNow={false}
          previewValue={false}
          placeholder="HH:MM"
          disabled={props.disabled}
          status={unreadable === null ? status : "error"}
          allowClear={false}
          value={timeToDayjs(field.value as string | null)}
          onChange={(value) => {
            const time = dayjsToTime(value);
            entry.picked(time);
            field.onChange(time);
          }}
          onBlur={() => {
            entry.flush();
            field.onBlur();
          }}
          ref={ref}
        />
      </div>
    </Field>
  );
}
