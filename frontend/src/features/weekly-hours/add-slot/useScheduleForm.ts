// The Add Slot form's state and what the doctor can do with it; AddSlotForm only lays it out.
// React Hook Form over the contract's JSON shape, validated by the zod schema, previewed live (debounced, keyed
// by a hash of the payload) and saved with bulk_upsert. Form state lives only in RHF, server state only in
// TanStack Query.
import { zodResolver } from "@hookform/resolvers/zod";
import { App } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { useRefData } from "../../../lib/api";
import { affectedAppointments, isBookingsAffected } from "../../../lib/affected";
import { ApiError } from "../../../lib/http";
import type { Issue } from "../../../lib/schema";
import { nextScope, sameScope } from "../../../lib/scope";
import { setServerErrors } from "../../../lib/serverErrors";
import { todayIn } from "../../../lib/time";
import type { Scope } from "../../../lib/types";
import { useDebounced } from "../../../lib/useDebounced";
import { usePreview, useRules, useSaveSchedule } from "../api";
import { DAY_SHORT } from "../days";
import { scheduleFieldFor } from "../errors";
import { buildFeedback } from "../feedback";
import { slotDiff, type SlotDiff } from "../diff";
import { buildPreviewPayload, buildSavePayload, dayJson, daysToSend, formBase, payloadHash, previewRange, scopeJson } from "../payload";
import { scheduleFormSchema, scheduleIssues, type ScheduleFormValues } from "../schema";
import type { PreviewRequest, ReplaceMode } from "../types";
import type { UnsavedDays } from "./AddSlotModal";
import type { PreviewState } from "./SlotPreview";

export interface ScheduleFormOptions {
  doctorId: string;
  timezoneDefault: string;
  /** The form's first base: the stored hours of the initial scope. */
  base: ScheduleFormValues;
  onSaved: (scope: Scope) => void;
  reportUnsaved: (fn: UnsavedDays) => void;
}

/** "Mon, Wed": the short names of form day indexes. */
export const dayNames = (indexes: number[]): string => indexes.map((i) => DAY_SHORT[i]).join(", ");

function scopeOf(scope: ScheduleFormValues["scope"]): Scope {
  const { appointmentTypeId, doctorLocationId, locationRoomId, consultationMode } = scope;
  return { appointmentTypeId, doctorLocationId, locationRoomId, consultationMode };
}

export function useScheduleForm({ doctorId, timezoneDefault, base: initialBase, onSaved, reportUnsaved }: ScheduleFormOptions) {
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

  const preview = useLivePreview({ doctorId, timezoneDefault, values, base, issues, switchingScope, weeks: previewWeeks });

  const feedback = useMemo(
    () => buildFeedback(values, issues, formState.errors, preview.fieldData),
    // formState.errors is a proxy whose identity does not change on every error: watch submitCount too.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [values, issues, formState.errors, formState.submitCount, preview.fieldData],
  );

  // Server errors describe the values that were sent: once a day changes, drop the ones under it.
  useEffect(() => {
    // RHF's watch(callback) subscribes outside React's render; this page does not use the React Compiler.
    // eslint-disable-next-line react-hooks/incompatible-library
    const subscription = form.watch((_, { name }) => {
      const match = name ? /^days\.(\d+)/.exec(name) : null;
      if (match) clearErrors(`days.${Number(match[1])}`);
    });
    return () => subscription.unsubscribe();
  }, [form, clearErrors]);

  const save = useSaveSchedule(doctorId);
  // Closing the dialog asks first while there are unsaved days.
  useEffect(() => reportUnsaved(() => (save.isSuccess ? [] : toSave.map((i) => DAY_SHORT[i]))));
  // 409 is either "saved meanwhile" (SCHEDULE_CHANGED) or "would strand bookings" (asked below, not a conflict).
  const bookingsRefusal = isBookingsAffected(save.error) ? save.error : null;
  const conflict = save.error instanceof ApiError && save.error.status === 409 && !bookingsRefusal;
  // The bookings this change strands: from the live preview, and from a refused save (booked meanwhile, or
  // beyond the preview's range).
  const affected = useMemo(
    () => affectedAppointments(preview.fieldData?.warnings, bookingsRefusal?.errors),
    [preview.fieldData, bookingsRefusal],
  );
  const otherFailure = save.error && !(save.error instanceof ApiError && [400, 409, 422].includes(save.error.status));

  const confirmDiscard = (what: string, apply: () => void) => {
    if (!toSave.length) return apply();
    modal.confirm({
      title: "Discard your changes?",
      content: `${what} reloads the days from the stored hours. Changes to ${dayNames(toSave)} are lost.`,
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
    if (affected.length && !valid.onAffectedBookings) {
      setError("onAffectedBookings", { type: "required", message: "Choose whether to keep or cancel these bookings." });
      message.error("Choose whether to keep or cancel the affected bookings first.");
      return;
    }
    clearErrors();
    save.mutate(body, {
      onSuccess: (result) => {
        const days = dayNames(dayIndexes);
        message.success(`Saved ${days}: ${result.insertedRules} window${result.insertedRules === 1 ? "" : "s"} stored${result.deletedRules ? `, ${result.deletedRules} replaced` : ""}.`);
        onSaved(scopeOf(valid.scope));
      },
      onError: (error) => {
        const routed = setServerErrors(setError, error, scheduleFieldFor(dayIndexes, valid), [422, 400]);
        const firstDay = routed?.fields.map((f) => /^days\.(\d+)/.exec(f.name)).find(Boolean);
        if (firstDay) setSelectedDay(Number(firstDay[1]));
      },
    });
  };

  const onInvalid = () => {
    const first = issues.find((i) => i.path.startsWith("days."));
    if (first) setSelectedDay(Number(first.path.split(".")[1]));
    message.error("Fix the highlighted fields first.");
  };

  return {
    control,
    getValues,
    setValue,
    values,
    refdata: refdata.data,
    /** The stored rules of the scope chosen in the form (being loaded while `switchingScope`). */
    scopeRules,
    switchingScope,
    /** Form indexes of the days a save would send. */
    toSave,
    selectedDay,
    setSelectedDay,
    previewWeeks,
    setPreviewWeeks,
    previewState: preview.state,
    /** "+N / −N slots vs saved" (replace only; null until both previews are in). */
    previewDiff: preview.diff,
    feedback,
    saving: save.isPending,
    /** 409: someone saved this scope since it was loaded. */
    conflict,
    /** Bookings the change would strand, to keep or cancel before saving. */
    affected,
    /** Saving was refused (409) or stopped for want of an answer about `affected`. */
    affectedAsked: !!bookingsRefusal || !!formState.errors.onAffectedBookings,
    /** A failure with no field to show it (network, 403, 500…). */
    failure: otherFailure ? save.error : null,
    /** Server errors that belong to no field, one per line. */
    rootError: formState.errors.root?.server?.message,
    changeScope,
    changeMode,
    reloadLatest,
    submit: () => void handleSubmit(onValid, onInvalid)(),
    announceCopy: (from: number, targets: number[]) => message.info(`Copied ${DAY_SHORT[from]} to ${dayNames(targets)}.`),
  };
}

/** Live preview: built from the form, keyed by its hash, sent 400 ms after the form stops changing. */
function useLivePreview(args: {
  doctorId: string;
  timezoneDefault: string;
  values: ScheduleFormValues;
  base: ScheduleFormValues;
  issues: Issue[];
  switchingScope: boolean;
  weeks: number;
}) {
  const { doctorId, values, base, switchingScope, weeks } = args;
  const today = todayIn(values.scope.timezone || args.timezoneDefault);
  const built = useMemo(() => buildPreviewPayload(values, base, doctorId, previewRange(today, weeks)), [values, base, doctorId, today, weeks]);
  const canPreview = !switchingScope && args.issues.length === 0 && built.body.days.length > 0;
  const hash = canPreview ? payloadHash(built.body) : null;
  const debounced = useDebounced(built.body, hash, 400);
  const preview = usePreview(doctorId, debounced.key ? { hash: debounced.key, body: debounced.value } : null);

  // The same days as stored, over the same dates: fetched once per set of days and range, not per keystroke.
  const savedBody = useMemo((): PreviewRequest | null => {
    if (!canPreview || values.replaceMode !== "replace_selected_days") return null;
    const days = built.dayIndexes.map((i) => dayJson(base.days[i]));
    if (!days.some((d) => d.enabled && d.windows.length)) return { doctorId, scope: scopeJson(base.scope), days: [], dateRange: built.body.dateRange };
    return { doctorId, scope: scopeJson(base.scope), days, dateRange: built.body.dateRange, replaceMode: "replace_selected_days" };
  }, [canPreview, values.replaceMode, built, base, doctorId]);
  const savedHash = savedBody && savedBody.days.length ? payloadHash(savedBody) : null;
  const saved = usePreview(doctorId, savedHash && savedBody ? { hash: savedHash, body: savedBody } : null);
  const savedReady = savedBody !== null && (savedHash === null || (saved.data !== undefined && !saved.isPlaceholderData));

  const state: PreviewState = !canPreview
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
  const readyData = state.kind === "ready" ? state.data : undefined;
  const refreshing = state.kind === "ready" && state.refreshing;
  const fieldData = useMemo(
    () => (readyData && refreshing ? { ...readyData, warnings: readyData.warnings.filter((w) => w.severity === "warning") } : readyData),
    [readyData, refreshing],
  );
  const currentData = state.kind === "ready" && !state.refreshing ? state.data : undefined;
  const savedData = savedHash ? saved.data : null;
  const diff = useMemo((): SlotDiff | null => (currentData && savedReady ? slotDiff(currentData, savedData ?? null) : null), [currentData, savedReady, savedData]);
  return { state, fieldData, diff };
}
