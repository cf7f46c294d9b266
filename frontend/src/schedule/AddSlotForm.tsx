// The Add Slot form (lazy chunk): React Hook Form over the contract's JSON shape, validated by the zod
// schema, previewed live (debounced, keyed by a hash of the payload) and saved with bulk_upsert.
import { zodResolver } from "@hookform/resolvers/zod";
import { Alert, App, Button, Form, Radio, Skeleton } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { ApiError } from "../lib/http";
import { useDebounced } from "../lib/useDebounced";
import { usePreview, useRefData, useRules, useSaveSchedule } from "./api";
import type { AddSlotModalProps, UnsavedDays } from "./AddSlotModal";
import DayChips from "./DayChips";
import DayEditor from "./DayEditor";
import { DAY_SHORT } from "./days";
import { applyServerErrors, routeServerErrors } from "./errors";
import { buildFeedback, FeedbackProvider } from "./feedback";
import { buildPreviewPayload, buildSavePayload, daysToSend, formBase, payloadHash, previewRange, sameScope } from "./payload";
import { scheduleFormSchema, scheduleIssues, type ScheduleFormValues } from "./schema";
import { nextScope } from "./scopeOptions";
import ScopeFields from "./ScopeFields";
import SlotPreview, { type PreviewState } from "./SlotPreview";
import { todayIn } from "./time";
import type { ReplaceMode, Scope } from "./types";

type Props = Omit<AddSlotModalProps, "open"> & {
  /** Cancel: asks first when days are changed. */
  onClose: () => void;
  reportUnsaved: (fn: UnsavedDays) => void;
};

/** Waits for the stored rules of the initial scope (usually cached by the page), then opens the form on them. */
export default function AddSlotForm(props: Props) {
  const initial = useRules(props.doctorId, props.initialScope);
  if (initial.isError) {
    return <Alert type="error" showIcon title="Could not load the stored hours." description={initial.error.message} />;
  }
  if (!initial.data) return <Skeleton active paragraph={{ rows: 12 }} />;
  const base = formBase(initial.data, { ...props.initialScope, timezone: initial.data.scope.timezone || props.timezoneDefault }, "replace_selected_days");
  return <ScheduleForm {...props} base={base} />;
}

function scopeOf(scope: ScheduleFormValues["scope"]): Scope {
  const { appointmentTypeId, doctorLocationId, locationRoomId, consultationMode } = scope;
  return { appointmentTypeId, doctorLocationId, locationRoomId, consultationMode };
}

function ScheduleForm({ doctorId, timezoneDefault, onClose, onSaved, reportUnsaved, base: initialBase }: Props & { base: ScheduleFormValues }) {
  const { message, modal } = App.useApp();
  const form = useForm<ScheduleFormValues>({
    defaultValues: initialBase,
    resolver: zodResolver(scheduleFormSchema),
    shouldFocusError: false,
  });
  const { control, formState, getValues, setValue, reset, setError, clearErrors, handleSubmit } = form;
  const values = useWatch({ control }) as ScheduleFormValues;
  // The form's base is RHF's defaultValues: what was loaded (replace) or nothing (append).
  const base = formState.defaultValues as ScheduleFormValues;
  const [selectedDay, setSelectedDay] = useState(0);
  const [previewWeeks, setPreviewWeeks] = useState(1);

  const refdata = useRefData(doctorId);
  const scopeRules = useRules(doctorId, scopeOf(values.scope));
  const switchingScope = !sameScope(base.scope, values.scope);

  // A new scope was chosen: once its stored hours are here, they become the form's base.
  useEffect(() => {
    if (switchingScope && scopeRules.data) {
      const scope = { ...getValues("scope"), timezone: scopeRules.data.scope.timezone };
      reset(formBase(scopeRules.data, scope, getValues("replaceMode")));
    }
  }, [switchingScope, scopeRules.data, getValues, reset]);

  const toSave = useMemo(() => (switchingScope ? [] : daysToSend(values, base)), [values, base, switchingScope]);
  const issues = useMemo(() => scheduleIssues(values), [values]);

  // Live preview: built from the form, keyed by its hash, sent 400 ms after the form stops changing.
  const today = todayIn(values.scope.timezone || timezoneDefault);
  const built = useMemo(
    () => buildPreviewPayload(values, base, doctorId, previewRange(today, previewWeeks)),
    [values, base, doctorId, today, previewWeeks],
  );
  const canPreview = !switchingScope && issues.length === 0 && built.body.days.length > 0;
  const hash = canPreview ? payloadHash(built.body) : null;
  const debounced = useDebounced(built.body, hash, 400);
  const preview = usePreview(doctorId, debounced.key ? { hash: debounced.key, body: debounced.value } : null);

  const previewState: PreviewState = !canPreview
    ? built.body.days.length === 0 && !switchingScope
      ? { kind: "nothing" }
      : switchingScope
        ? { kind: "loading" }
        : { kind: "invalid", data: preview.data }
    : preview.isError
      ? { kind: "failed", message: preview.error.message }
      : preview.data
        ? { kind: "ready", data: preview.data, refreshing: debounced.pending || preview.isPlaceholderData || preview.isFetching }
        : { kind: "loading" };
  // While a newer preview loads, the previous yellow hints stay on their fields (no jumping help texts);
  // its errors do not: they may be about values that were just fixed.
  const readyData = previewState.kind === "ready" ? previewState.data : undefined;
  const refreshing = previewState.kind === "ready" && previewState.refreshing;
  const previewData = useMemo(
    () => (readyData && refreshing ? { ...readyData, warnings: readyData.warnings.filter((w) => w.severity === "warning") } : readyData),
    [readyData, refreshing],
  );

  const feedback = useMemo(
    () => buildFeedback(values, issues, formState.errors, previewData),
    // formState.errors is a proxy whose identity does not change on every error: watch submitCount too.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [values, issues, formState.errors, formState.submitCount, previewData],
  );

  // Server errors describe the values that were sent: once a day changes, drop the ones under it.
  useEffect(() => {
    const subscription = form.watch((_, { name }) => {
      const match = name ? /^days\.(\d+)/.exec(name) : null;
      if (match) clearErrors(`days.${Number(match[1])}`);
    });
    return () => subscription.unsubscribe();
  }, [form, clearErrors]);

  const save = useSaveSchedule(doctorId);
  // Closing the dialog asks first while there are unsaved days.
  useEffect(() => reportUnsaved(() => (save.isSuccess ? [] : toSave.map((i) => DAY_SHORT[i]))));
  const conflict = save.error instanceof ApiError && save.error.status === 409;
  const otherFailure = save.error && !(save.error instanceof ApiError && [400, 409, 422].includes(save.error.status));

  const confirmDiscard = (what: string, apply: () => void) => {
    if (!toSave.length) return apply();
    modal.confirm({
      title: "Discard your changes?",
      content: `${what} reloads the days from the stored hours. Changes to ${toSave.map((i) => DAY_SHORT[i]).join(", ")} are lost.`,
      okText: "Discard changes",
      cancelText: "Keep editing",
      onOk: apply,
    });
  };

  const changeScope = (patch: Partial<Scope>) =>
    confirmDiscard("Changing the scope", () => {
      setValue("scope", nextScope(refdata.data, getValues("scope"), patch), { shouldDirty: true });
      save.reset();
    });

  const changeMode = (mode: ReplaceMode) =>
    confirmDiscard("Switching between replace and add", () => {
      const current = getValues("scope");
      reset(formBase(scopeRules.data, { ...current, timezone: base.scope.timezone }, mode));
      save.reset();
    });

  const reloadLatest = async () => {
    const { data } = await scopeRules.refetch();
    if (!data) return;
    reset(formBase(data, { ...getValues("scope"), timezone: data.scope.timezone }, getValues("replaceMode")));
    save.reset();
  };

  const onValid = (valid: ScheduleFormValues) => {
    const { body, dayIndexes } = buildSavePayload(valid, base, doctorId);
    if (!body.days.length) return;
    clearErrors();
    save.mutate(body, {
      onSuccess: (result) => {
        const days = dayIndexes.map((i) => DAY_SHORT[i]).join(", ");
        message.success(`Saved ${days}: ${result.insertedRules} window${result.insertedRules === 1 ? "" : "s"} stored${result.deletedRules ? `, ${result.deletedRules} replaced` : ""}.`);
        onSaved(scopeOf(valid.scope));
      },
      onError: (error) => {
        if (error instanceof ApiError && (error.status === 422 || error.status === 400)) {
          const routed = routeServerErrors(error.errors, dayIndexes, valid);
          applyServerErrors(setError, routed);
          const firstDay = routed.fields.map((f) => /^days\.(\d+)/.exec(f.name)).find(Boolean);
          if (firstDay) setSelectedDay(Number(firstDay[1]));
        }
      },
    });
  };

  const onInvalid = () => {
    const first = issues.find((i) => i.path.startsWith("days."));
    if (first) setSelectedDay(Number(first.path.split(".")[1]));
    message.error("Fix the highlighted fields first.");
  };

  const rootError = formState.errors.root?.server?.message;
  const appendMode = values.replaceMode === "append";
  const dayLabels = toSave.length
    ? `${appendMode ? "Adds to" : "Replaces"} ${toSave.map((i) => DAY_SHORT[i]).join(", ")} · ${previewWeeks === 1 ? "next 7 days" : "next 4 weeks"}`
    : "";

  return (
    <FeedbackProvider value={feedback}>
      <Form layout="vertical" component={false}>
        <div className="add-slot">
          {conflict && (
            <Alert
              className="block"
              type="warning"
              showIcon
              title="This schedule was changed since you opened it."
              description="Someone (or another tab) saved in the meantime. Reload the latest hours, then make your change again."
              action={
                <Button size="small" onClick={() => void reloadLatest()} loading={scopeRules.isFetching}>
                  Reload latest
                </Button>
              }
            />
          )}
          {rootError && (
            <Alert
              className="block"
              type="error"
              showIcon
              title="The schedule was not saved."
              description={
                <ul className="plain-list">
                  {rootError.split("\n").map((line, i) => (
                    <li key={i}>{line}</li>
                  ))}
                </ul>
              }
            />
          )}
          {otherFailure && <Alert className="block" type="error" showIcon title="The schedule was not saved." description={save.error?.message} />}

          <ScopeFields control={control} refdata={refdata.data} timezoneDefault={timezoneDefault} onScopeChange={changeScope} />
          <Form.Item label="When saving" className="replace-mode">
            <Radio.Group
              value={values.replaceMode}
              onChange={(e) => changeMode(e.target.value as ReplaceMode)}
              options={[
                { value: "replace_selected_days", label: "Replace selected days" },
                { value: "append", label: "Add to existing" },
              ]}
              aria-label="When saving"
            />
          </Form.Item>

          <div className="add-slot-body">
            <div className="add-slot-editor">
              <DayChips selected={selectedDay} onSelect={setSelectedDay} enabled={values.days.map((d) => d.enabled)} toSave={toSave} />
              {switchingScope && scopeRules.isError ? (
                <Alert type="error" showIcon title="Could not load the stored hours of this scope." description={scopeRules.error.message} />
              ) : switchingScope ? (
                <Skeleton active paragraph={{ rows: 8 }} />
              ) : (
                <DayEditor
                  key={selectedDay}
                  control={control}
                  dayIndex={selectedDay}
                  appendMode={appendMode}
                  intervals={refdata.data?.slotIntervals ?? []}
                  getValues={getValues}
                  setValue={setValue}
                  onCopied={(targets) => message.info(`Copied ${DAY_SHORT[selectedDay]} to ${targets.map((t) => DAY_SHORT[t]).join(", ")}.`)}
                />
              )}
            </div>
            <SlotPreview state={previewState} weeks={previewWeeks} onWeeksChange={setPreviewWeeks} dayLabels={dayLabels} unplaced={feedback.unplaced} />
          </div>

          <div className="add-slot-footer">
            <span className="muted" aria-live="polite">
              {toSave.length
                ? `Saving ${appendMode ? "adds windows to" : "replaces"} ${toSave.map((i) => DAY_SHORT[i]).join(", ")}; other days stay as they are.`
                : "No changes yet."}
            </span>
            <div className="add-slot-actions">
              <Button onClick={onClose}>Cancel</Button>
              <Button
                type="primary"
                loading={save.isPending}
                disabled={!toSave.length || switchingScope}
                onClick={() => void handleSubmit(onValid, onInvalid)()}
              >
                Save
              </Button>
            </div>
          </div>
        </div>
      </Form>
    </FeedbackProvider>
  );
}
