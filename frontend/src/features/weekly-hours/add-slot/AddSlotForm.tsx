// The Add Slot form (lazy chunk): lays out what useScheduleForm holds — the save's alerts, the scope, replace
// or add, the day chips with the shown day's editor, the live preview, and the footer.
import { Alert, Form, Skeleton } from "antd";
import { Controller } from "react-hook-form";
import { BOOKINGS_AFFECTED } from "../../../lib/affected";
import AffectedBookings from "../../../lib/AffectedBookings";
import { useRules } from "../api";
import { FeedbackProvider } from "../feedback";
import { formBase } from "../payload";
import type { ScheduleFormValues } from "../schema";
import type { AddSlotModalProps, UnsavedDays } from "./AddSlotModal";
import DayChips from "./DayChips";
import DayEditor from "./DayEditor";
import ReplaceModeField from "./ReplaceModeField";
import SaveAlerts from "./SaveAlerts";
import SaveBar from "./SaveBar";
import ScopeFields from "./ScopeFields";
import SlotPreview from "./SlotPreview";
import { dayNames, useScheduleForm } from "./useScheduleForm";

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

function ScheduleForm({ doctorId, timezoneDefault, onClose, onSaved, reportUnsaved, base }: Props & { base: ScheduleFormValues }) {
  const form = useScheduleForm({ doctorId, timezoneDefault, base, onSaved, reportUnsaved });
  const { values, toSave, selectedDay, switchingScope, scopeRules } = form;
  const appendMode = values.replaceMode === "append";
  const days = dayNames(toSave);
  const dayLabels = days ? `${appendMode ? "Adds to" : "Replaces"} ${days} · ${form.previewWeeks === 1 ? "next 7 days" : "next 4 weeks"}` : "";

  return (
    <FeedbackProvider value={form.feedback}>
      <Form layout="vertical" component={false}>
        <div className="add-slot">
          <SaveAlerts
            conflict={form.conflict}
            onReload={() => void form.reloadLatest()}
            reloading={scopeRules.isFetching}
            rootError={form.rootError}
            failure={form.failure}
          />
          <ScopeFields control={form.control} refdata={form.refdata} timezoneDefault={timezoneDefault} onScopeChange={form.changeScope} />
          <ReplaceModeField value={values.replaceMode} onChange={form.changeMode} />

          <div className="add-slot-body">
            <div className="add-slot-editor">
              <DayChips selected={selectedDay} onSelect={form.setSelectedDay} enabled={values.days.map((d) => d.enabled)} toSave={toSave} />
              {switchingScope && scopeRules.isError ? (
                <Alert type="error" showIcon title="Could not load the stored hours of this scope." description={scopeRules.error.message} />
              ) : switchingScope ? (
                <Skeleton active paragraph={{ rows: 8 }} />
              ) : (
                <DayEditor
                  key={selectedDay}
                  control={form.control}
                  dayIndex={selectedDay}
                  appendMode={appendMode}
                  intervals={form.refdata?.slotIntervals ?? []}
                  getValues={form.getValues}
                  setValue={form.setValue}
                  onCopied={(targets) => form.announceCopy(selectedDay, targets)}
                />
              )}
            </div>
            <SlotPreview
              state={form.previewState}
              weeks={form.previewWeeks}
              onWeeksChange={form.setPreviewWeeks}
              dayLabels={dayLabels}
              unplaced={form.feedback.unplaced.filter((w) => w.code !== BOOKINGS_AFFECTED)}
              diff={form.previewDiff}
            />
          </div>

          <Controller
            control={form.control}
            name="onAffectedBookings"
            render={({ field }) => (
              <AffectedBookings
                appointments={form.affected}
                timezone={values.scope.timezone}
                value={field.value ?? null}
                onChange={field.onChange}
                asked={form.affectedAsked}
              />
            )}
          />

          <SaveBar days={days} appendMode={appendMode} saving={form.saving} disabled={!toSave.length || switchingScope} onCancel={onClose} onSave={form.submit} />
        </div>
      </Form>
    </FeedbackProvider>
  );
}
