// One weekday of the form: the "Available on …" switch, its work windows (a field array), "Copy to…".
import { PlusOutlined } from "@ant-design/icons";
import { Button, Switch } from "antd";
import { useFieldArray, useWatch, type Control, type UseFormGetValues, type UseFormSetValue } from "react-hook-form";
import { DAY_LONG } from "../days";
import { Field } from "../feedback";
import { overwrittenDays } from "../copy";
import { cloneWindows, newWindow } from "../payload";
import { MAX_WINDOWS_PER_DAY, type ScheduleFormValues } from "../schema";
import CopyToPopover from "./CopyToPopover";
import WindowFields from "./WindowFields";

export default function DayEditor(props: {
  control: Control<ScheduleFormValues>;
  dayIndex: number;
  appendMode: boolean;
  intervals: number[];
  getValues: UseFormGetValues<ScheduleFormValues>;
  setValue: UseFormSetValue<ScheduleFormValues>;
  onCopied: (targets: number[]) => void;
}) {
  const { control, dayIndex: d, getValues, setValue } = props;
  const { fields, append, remove } = useFieldArray({ control, name: `days.${d}.windows` });
  const enabled = useWatch({ control, name: `days.${d}.enabled` });
  const dayName = DAY_LONG[d];

  const setEnabled = (on: boolean) => {
    setValue(`days.${d}.enabled`, on, { shouldDirty: true });
    if (on && getValues(`days.${d}.windows`).length === 0) append(newWindow());
  };
  const addWindow = () => {
    const windows = getValues(`days.${d}.windows`);
    if (!getValues(`days.${d}.enabled`)) setValue(`days.${d}.enabled`, true, { shouldDirty: true });
    append(newWindow(windows[windows.length - 1]));
  };
  const copyTo = (targets: number[]) => {
    const windows = getValues(`days.${d}.windows`);
    for (const t of targets) {
      setValue(`days.${t}`, { dayOfWeek: t + 1, enabled: true, windows: cloneWindows(windows) }, { shouldDirty: true });
    }
    props.onCopied(targets);
  };

  return (
    <section className={`day-editor${enabled ? "" : " day-editor-off"}`} aria-label={dayName}>
      <div className="day-editor-head">
        <label className="day-toggle">
          <Switch checked={enabled} onChange={setEnabled} aria-label={`Available on ${dayName}`} />
          <span className="day-toggle-text">
            <strong>{dayName}</strong>{" "}
            {enabled ? (
              <span className="muted">{props.appendMode ? "— these windows are added to the stored ones" : "— these windows replace the stored ones"}</span>
            ) : (
              <span className="not-available">{props.appendMode ? "Nothing added" : "Not available"}</span>
            )}
          </span>
        </label>
        <CopyToPopover
          dayIndex={d}
          disabled={!enabled || fields.length === 0}
          overwrites={(targets) => overwrittenDays(getValues("days"), d, targets)}
          onCopy={copyTo}
        />
      </div>
      {!enabled && fields.length > 0 && (
        <p className="muted off-hint">
          {props.appendMode
            ? "Switched off: these windows are not added."
            : `Switched off: saving clears ${dayName}. The windows below are kept here in case you switch it back on.`}
        </p>
      )}
      <div className="windows" aria-disabled={!enabled}>
        {fields.map((field, w) => (
          <WindowFields
            key={field.id}
            control={control}
            dayIndex={d}
            windowIndex={w}
            disabled={!enabled}
            intervals={props.intervals}
            onRemove={() => remove(w)}
            getWindow={() => getValues(`days.${d}.windows.${w}`)}
          />
        ))}
      </div>
      <Field names={[`days.${d}.windows.root`]} className="list-field">
        <Button type="dashed" icon={<PlusOutlined />} onClick={addWindow} disabled={fields.length >= MAX_WINDOWS_PER_DAY}>
          Add window
        </Button>
      </Field>
    </section>
  );
}
