// A window's rota, under Advanced: "every [2] weeks, starting the week of [date]". 1 is every week (no
// anchor); choosing more starts the rota this week (its Monday, in the schedule's zone) unless a week is set.
import { DatePicker, InputNumber } from "antd";
import { useController, useWatch, type Control } from "react-hook-form";
import dayjs from "../../../lib/dayjs";
import { todayIn } from "../../../lib/time";
import { Field } from "../feedback";
import { MAX_REPEAT_WEEKS, MIN_REPEAT_WEEKS, rotaText, weekMonday } from "../rota";
import type { ScheduleFormValues } from "../schema";

export default function RepeatFields(props: {
  control: Control<ScheduleFormValues>;
  dayIndex: number;
  windowIndex: number;
  disabled: boolean;
  /** Today, for tests; the schedule zone's today otherwise. */
  today?: string;
}) {
  const { control, dayIndex: d, windowIndex: w, disabled } = props;
  const prefix = `days.${d}.windows.${w}` as const;
  const timezone = useWatch({ control, name: "scope.timezone" });
  const every = useController({ control, name: `${prefix}.repeatEveryWeeks` });
  const anchor = useController({ control, name: `${prefix}.repeatAnchor` });
  const weeks = every.field.value ?? 1;
  const rota = weeks > 1;

  const setWeeks = (value: number | string | null) => {
    const n = value === null || value === "" ? 1 : Number(value);
    every.field.onChange(n);
    if (n > 1 && !anchor.field.value) anchor.field.onChange(weekMonday(props.today ?? todayIn(timezone)));
    if (n <= 1 && anchor.field.value) anchor.field.onChange(null);
  };

  return (
    <div className="repeat-fields" data-testid={`window-${d}-${w}-repeat`}>
      <Field names={[`${prefix}.repeatEveryWeeks`]} label="Repeats every" htmlFor={`window-${d}-${w}-every`}>
        <InputNumber
          id={`window-${d}-${w}-every`}
          aria-label="Repeats every N weeks"
          min={MIN_REPEAT_WEEKS}
          max={MAX_REPEAT_WEEKS}
          precision={0}
          disabled={disabled}
          value={weeks}
          suffix={weeks === 1 ? "week" : "weeks"}
          onChange={setWeeks}
          onBlur={every.field.onBlur}
        />
      </Field>
      <Field names={[`${prefix}.repeatAnchor`]} label="starting the week of" htmlFor={`window-${d}-${w}-anchor`}>
        <DatePicker
          id={`window-${d}-${w}-anchor`}
          aria-label="Starting the week of"
          format="YYYY-MM-DD"
          disabled={disabled || !rota}
          placeholder={rota ? "Pick a date" : "Every week"}
          value={anchor.field.value ? dayjs(anchor.field.value, "YYYY-MM-DD") : null}
          onChange={(v) => anchor.field.onChange(v ? v.format("YYYY-MM-DD") : null)}
          onBlur={anchor.field.onBlur}
        />
      </Field>
      <p className="muted advanced-hint" data-testid={`window-${d}-${w}-repeat-text`}>
        {rota
          ? `Works ${rotaText(weeks, anchor.field.value)} (Monday to Sunday), never before it; other weeks may use the same hours for another window.`
          : "Works every week. Choose 2 or more for alternating weeks (a rota)."}
      </p>
    </div>
  );
}
