// One work window of a day: its hours, slot length, breaks, and (under "Advanced") priority, dates and rota.
import { DeleteOutlined } from "@ant-design/icons";
import { Alert, Button, Collapse, DatePicker, InputNumber, Select } from "antd";
import { useState } from "react";
import { Controller, useWatch, type Control } from "react-hook-form";
import dayjs from "../../../lib/dayjs";
import { SLOT_INTERVALS } from "../../../lib/schema";
import { DAY_LONG } from "../days";
import { Field, useFeedback } from "../feedback";
import { MAX_PRIORITY, MIN_PRIORITY, type ScheduleFormValues, type WindowValues } from "../schema";
import BreakFields from "./BreakFields";
import RepeatFields from "./RepeatFields";
import TimeRangeField from "./TimeRangeField";

export default function WindowFields(props: {
  control: Control<ScheduleFormValues>;
  dayIndex: number;
  windowIndex: number;
  disabled: boolean;
  intervals: number[];
  onRemove: () => void;
  getWindow: () => WindowValues;
}) {
  const { control, dayIndex: d, windowIndex: w, disabled } = props;
  const prefix = `days.${d}.windows.${w}` as const;
  const feedback = useFeedback();
  const advancedStatus = feedback.at(
    `${prefix}.priority`,
    `${prefix}.effectiveFrom`,
    `${prefix}.effectiveTo`,
    `${prefix}.repeatEveryWeeks`,
    `${prefix}.repeatAnchor`,
  ).validateStatus;
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const repeatEvery = useWatch({ control, name: `${prefix}.repeatEveryWeeks` }) ?? 1;
  const label = `${DAY_LONG[d]} window ${w + 1}`;
  // SLOT_SHORTER_THAN_SERVICE: a short note under the slot length, the whole explanation across the window.
  const intervalFeedback = feedback.at(`${prefix}.slotIntervalMinutes`);
  const shorterThanService = intervalFeedback.validateStatus === "warning" && !!intervalFeedback.codes?.includes("SLOT_SHORTER_THAN_SERVICE");

  return (
    <fieldset className="window" aria-label={label} data-testid={`window-${d}-${w}`}>
      <div className="window-main">
        <TimeRangeField
          control={control}
          startName={`${prefix}.workStartLocal`}
          endName={`${prefix}.workEndLocal`}
          testId={`window-${d}-${w}`}
          ariaLabel={label}
          labels={[`Window ${w + 1} start`, "End"]}
          disabled={disabled}
        />
        <Field
          names={[`${prefix}.slotIntervalMinutes`]}
          label="Slot length"
          htmlFor={`window-${d}-${w}-interval`}
          className="window-interval"
          override={shorterThanService ? { validateStatus: "warning", help: "Shorter than the service" } : undefined}
        >
          <Controller
            control={control}
            name={`${prefix}.slotIntervalMinutes`}
            render={({ field }) => (
              <Select
                id={`window-${d}-${w}-interval`}
                data-testid={`window-${d}-${w}-interval`}
                aria-label={`${label} slot length`}
                disabled={disabled}
                value={field.value ?? undefined}
                placeholder="Minutes"
                options={(props.intervals.length ? props.intervals : [...SLOT_INTERVALS]).map((m) => ({ value: m, label: `${m} min` }))}
                onChange={(v: number) => field.onChange(v)}
                onBlur={field.onBlur}
              />
            )}
          />
        </Field>
        <Button
          className="row-remove"
          type="text"
          danger
          icon={<DeleteOutlined />}
          // No weekday in the name: a test's getByRole("button", { name: "Mon" }) must find only the chip.
          aria-label={`Remove window ${w + 1}`}
          title="Remove window"
          disabled={disabled}
          onClick={props.onRemove}
        />
      </div>
      {shorterThanService && (
        <Alert className="window-service-hint" type="warning" showIcon title={intervalFeedback.help} data-testid={`window-${d}-${w}-service-hint`} />
      )}
      <BreakFields control={control} dayIndex={d} windowIndex={w} disabled={disabled} getWindow={props.getWindow} />
      <Collapse
        size="small"
        ghost
        activeKey={advancedOpen || advancedStatus ? ["advanced"] : []}
        onChange={(keys) => setAdvancedOpen((Array.isArray(keys) ? keys : [keys]).includes("advanced"))}
        items={[
          {
            key: "advanced",
            label: (
              <span className={advancedStatus ? `text-${advancedStatus}` : undefined}>
                Advanced
                {repeatEvery > 1 && <span className="rota-badge" data-testid={`window-${d}-${w}-rota-badge`}>{`every ${repeatEvery} weeks`}</span>}
              </span>
            ),
            children: (
              <div className="advanced">
                <Field names={[`${prefix}.priority`]} label="Priority" htmlFor={`window-${d}-${w}-priority`}>
                  <Controller
                    control={control}
                    name={`${prefix}.priority`}
                    render={({ field }) => (
                      <InputNumber
                        id={`window-${d}-${w}-priority`}
                        min={MIN_PRIORITY}
                        max={MAX_PRIORITY}
                        precision={0}
                        disabled={disabled}
                        value={field.value}
                        onChange={(v) => field.onChange(v === null ? 0 : Number(v))}
                        onBlur={field.onBlur}
                      />
                    )}
                  />
                </Field>
                <DateField control={control} name={`${prefix}.effectiveFrom`} id={`window-${d}-${w}-from`} label="Effective from" disabled={disabled} />
                <DateField control={control} name={`${prefix}.effectiveTo`} id={`window-${d}-${w}-to`} label="Effective until" disabled={disabled} />
                <p className="muted advanced-hint">
                  Where windows overlap, the higher priority wins. Dates are inclusive; empty means no limit.
                </p>
                <RepeatFields control={control} dayIndex={d} windowIndex={w} disabled={disabled} />
              </div>
            ),
          },
        ]}
      />
    </fieldset>
  );
}

function DateField(props: {
  control: Control<ScheduleFormValues>;
  name: `days.${number}.windows.${number}.effectiveFrom` | `days.${number}.windows.${number}.effectiveTo`;
  id: string;
  label: string;
  disabled: boolean;
}) {
  return (
    <Field names={[props.name]} label={props.label} htmlFor={props.id}>
      <Controller
        control={props.control}
        name={props.name}
        render={({ field }) => (
          <DatePicker
            id={props.id}
            format="YYYY-MM-DD"
            disabled={props.disabled}
            value={field.value ? dayjs(field.value, "YYYY-MM-DD") : null}
            onChange={(v) => field.onChange(v ? v.format("YYYY-MM-DD") : null)}
            onBlur={field.onBlur}
          />
        )}
      />
    </Field>
  );
}
