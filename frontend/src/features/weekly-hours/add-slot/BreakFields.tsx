// The breaks of one work window (their own field array): a time range and an optional label each.
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Button, Input } from "antd";
import { Controller, useFieldArray, type Control } from "react-hook-form";
import { fromMinutes, toMinutes } from "../../../lib/time";
import { DAY_LONG } from "../days";
import { Field } from "../feedback";
import { MAX_BREAKS_PER_WINDOW, type BreakValues, type ScheduleFormValues, type WindowValues } from "../schema";
import TimeRangeField from "./TimeRangeField";

/** A new break: the hour in the middle of the window when it fits, else blank. */
export function newBreak(window: Pick<WindowValues, "workStartLocal" | "workEndLocal">): BreakValues {
  const s = toMinutes(window.workStartLocal ?? "");
  const e = toMinutes(window.workEndLocal ?? "");
  if (Number.isFinite(s) && Number.isFinite(e) && e - s >= 120) {
    const start = Math.floor((s + e) / 2 / 60) * 60;
    if (start >= s && start + 60 <= e) return { breakStartLocal: fromMinutes(start), breakEndLocal: fromMinutes(start + 60), label: "" };
  }
  return { breakStartLocal: null, breakEndLocal: null, label: "" };
}

export default function BreakFields(props: {
  control: Control<ScheduleFormValues>;
  dayIndex: number;
  windowIndex: number;
  disabled: boolean;
  getWindow: () => WindowValues;
}) {
  const { control, dayIndex: d, windowIndex: w, disabled } = props;
  const { fields, append, remove } = useFieldArray({ control, name: `days.${d}.windows.${w}.breaks` });
  const base = `${DAY_LONG[d]} window ${w + 1}`;

  return (
    <div className="breaks" role="group" aria-label={`Breaks of ${base}`}>
      {fields.map((field, b) => {
        const prefix = `days.${d}.windows.${w}.breaks.${b}` as const;
        return (
          <div className="break-row" key={field.id}>
            <TimeRangeField
              control={control}
              startName={`${prefix}.breakStartLocal`}
              endName={`${prefix}.breakEndLocal`}
              testId={`break-${d}-${w}-${b}`}
              ariaLabel={`${base} break ${b + 1}`}
              labels={[`Break ${b + 1} start`, "End"]}
              disabled={disabled}
            />
            <Field names={[`${prefix}.label`]} label="Label" htmlFor={`break-${d}-${w}-${b}-label`}>
              <Controller
                control={control}
                name={`${prefix}.label`}
                render={({ field: f }) => (
                  <Input
                    id={`break-${d}-${w}-${b}-label`}
                    placeholder="e.g. Lunch"
                    maxLength={100}
                    disabled={disabled}
                    value={f.value}
                    onChange={(e) => f.onChange(e.target.value)}
                    onBlur={f.onBlur}
                  />
                )}
              />
            </Field>
            <Button
              className="row-remove"
              type="text"
              icon={<DeleteOutlined />}
              aria-label={`Remove break ${b + 1} of window ${w + 1}`}
              title="Remove break"
              disabled={disabled}
              onClick={() => remove(b)}
            />
          </div>
        );
      })}
      <Field names={[`days.${d}.windows.${w}.breaks.root`]} className="list-field">
        <Button
          size="small"
          type="dashed"
          icon={<PlusOutlined />}
          disabled={disabled || fields.length >= MAX_BREAKS_PER_WINDOW}
          onClick={() => append(newBreak(props.getWindow()))}
        >
          Add break
        </Button>
      </Field>
    </div>
  );
}
