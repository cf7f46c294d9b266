// Add or edit one time-off / opening entry. Date-times are picked as the doctor's wall-clock time and sent
// as ISO instants with that zone's offset (so DST is the server's and dayjs-timezone's job, not the browser's).
import { zodResolver } from "@hookform/resolvers/zod";
import { Alert, App, Button, Form, Input, Modal, Radio, Select, Space, Switch } from "antd";
import { Controller, useForm, useWatch, type FieldPath } from "react-hook-form";
import dayjs from "../../lib/dayjs";
import { affectedAppointments, isBookingsAffected } from "../../lib/affected";
import AffectedBookings from "../../lib/AffectedBookings";
import { ApiError } from "../../lib/http";
import { SLOT_INTERVALS } from "../../lib/schema";
import { nextScope } from "../../lib/scope";
import ScopeSelect from "../../lib/ScopeSelect";
import { setServerErrors } from "../../lib/serverErrors";
import { addDays, allDayDates, allDayRange, dateIn, todayIn } from "../../lib/time";
import type { RefData } from "../../lib/types";
import { useCreateException, useUpdateException } from "./api";
import DateTimeField from "./DateTimeField";
import DayField, { shownDate } from "./DayField";
import { exceptionFormSchema, exceptionIssues, type ExceptionFormValues } from "./schema";
import type { AvailabilityException, ExceptionRequest } from "./types";

const FIELDS = new Set(["kind", "startsAt", "endsAt", "slotIntervalMinutes", "reason", "scope.appointmentTypeId", "scope.doctorLocationId", "scope.locationRoomId", "scope.consultationMode"]);

function initialValues(exception: AvailabilityException | null, timezone: string): ExceptionFormValues {
  if (!exception) {
    return {
      kind: "blocked",
      startsAt: null,
      endsAt: null,
      slotIntervalMinutes: null,
      reason: "",
      allDay: false,
      scope: { appointmentTypeId: null, doctorLocationId: null, locationRoomId: null, consultationMode: null },
      onAffectedBookings: null,
    };
  }
  return {
    kind: exception.kind,
    startsAt: exception.startsAt,
    endsAt: exception.endsAt,
    slotIntervalMinutes: exception.slotIntervalMinutes,
    reason: exception.reason,
    allDay: allDayDates(exception.startsAt, exception.endsAt, timezone) !== null,
    scope: { ...exception.scope },
    onAffectedBookings: null,
  };
}

export default function ExceptionFormModal(props: {
  doctorId: string;
  timezone: string;
  refdata: RefData | undefined;
  exception: AvailabilityException | null;
  onClose: () => void;
}) {
  const { doctorId, timezone, refdata, exception, onClose } = props;
  const { message } = App.useApp();
  const form = useForm<ExceptionFormValues>({ defaultValues: initialValues(exception, timezone), resolver: zodResolver(exceptionFormSchema) });
  const { control, handleSubmit, setError, formState, getFieldState } = form;
  const values = useWatch({ control }) as ExceptionFormValues;
  const create = useCreateException(doctorId);
  const update = useUpdateException(doctorId);
  const mutation = exception ? update : create;

  const issues = exceptionIssues(values);
  const feedback = (...names: string[]) => {
    for (const name of names) {
      const shown = formState.submitCount > 0 || getFieldState(name as FieldPath<ExceptionFormValues>, formState).isDirty;
      const issue = shown ? issues.find((i) => i.path === name) : undefined;
      if (issue) return { validateStatus: "error" as const, help: issue.message };
      const server = getFieldState(name as FieldPath<ExceptionFormValues>, formState).error;
      if (server?.type === "server") return { validateStatus: "error" as const, help: server.message };
    }
    return {};
  };

  const onValid = (valid: ExceptionFormValues) => {
    const body: ExceptionRequest = {
      kind: valid.kind,
      startsAt: valid.startsAt!,
      endsAt: valid.endsAt!,
      slotIntervalMinutes: valid.kind === "available" ? valid.slotIntervalMinutes : null,
      reason: valid.reason.trim(),
      scope: valid.scope,
      ...(valid.onAffectedBookings ? { onAffectedBookings: valid.onAffectedBookings } : {}),
    };
    // A 409 BOOKINGS_AFFECTED is shown as the list of bookings with the keep/cancel question, not as an error.
    const onError = (error: Error) =>
      void (isBookingsAffected(error) || setServerErrors(setError, error, (path) => (FIELDS.has(path) ? path : null)));
    const onSuccess = () => {
      message.success(exception ? "Saved." : valid.kind === "blocked" ? "Time off added." : "Opening added.");
      onClose();
    };
    if (exception) update.mutate({ id: exception.id, body }, { onSuccess, onError });
    else create.mutate(body, { onSuccess, onError });
  };

  const today = todayIn(timezone);
  const presets: { label: string; first: string; last: string }[] = [
    { label: "Today (whole day)", first: today, last: today },
    { label: "Tomorrow (whole day)", first: addDays(today, 1), last: addDays(today, 1) },
    { label: "Next 7 days", first: today, last: addDays(today, 6) },
  ];
  const setDays = (first: string, last: string) => {
    const range = allDayRange(first, last, timezone);
    form.setValue("allDay", true, { shouldDirty: true });
    form.setValue("startsAt", range.startsAt, { shouldDirty: true });
    form.setValue("endsAt", range.endsAt, { shouldDirty: true });
  };
  // Switching to whole days keeps the dates already chosen (an end at 17:00 keeps its day; one at midnight
  // is the day before). Switching back keeps the midnights, now editable as times.
  const toggleAllDay = (on: boolean) => {
    if (!on) return form.setValue("allDay", false, { shouldDirty: true });
    const { startsAt, endsAt } = form.getValues();
    const valid = (instant: string | null): instant is string => !!instant && !Number.isNaN(Date.parse(instant));
    const first = valid(startsAt) ? dateIn(startsAt, timezone) : null;
    const endLocal = valid(endsAt) ? dayjs(endsAt).tz(timezone) : null;
    const last = endLocal ? (endLocal.format("HH:mm:ss") === "00:00:00" ? addDays(endLocal.format("YYYY-MM-DD"), -1) : endLocal.format("YYYY-MM-DD")) : null;
    form.setValue("allDay", true, { shouldDirty: true });
    if (first) setDays(first, last && last >= first ? last : first);
  };
  const rootError = formState.errors.root?.server?.message;
  const refusal = isBookingsAffected(mutation.error) ? mutation.error : null;

  return (
    <Modal
      open
      title={exception ? "Edit time off" : "Add time off"}
      okText="Save"
      onOk={() => void handleSubmit(onValid)()}
      confirmLoading={mutation.isPending}
      onCancel={onClose}
      destroyOnHidden
      mask={{ closable: false }}
    >
      <Form layout="vertical" component={false}>
        {rootError && <Alert className="block" type="error" showIcon title="Not saved." description={rootError} />}
        {mutation.error && !refusal && !(mutation.error instanceof ApiError && mutation.error.status === 422) && !rootError && (
          <Alert className="block" type="error" showIcon title="Not saved." description={mutation.error.message} />
        )}
        <Form.Item label="What" {...feedback("kind")}>
          <Controller
            control={control}
            name="kind"
            render={({ field }) => (
              <Radio.Group
                aria-label="What"
                value={field.value}
                onChange={(e) => field.onChange(e.target.value)}
                options={[
                  { value: "blocked", label: "Time off (no slots)" },
                  { value: "available", label: "Extra opening (adds slots)" },
                ]}
              />
            )}
          />
        </Form.Item>
        <div className="exception-all-day">
          <Switch id="exception-all-day" checked={values.allDay} onChange={toggleAllDay} aria-label="All day" />
          <label htmlFor="exception-all-day">All day</label>
          <span className="muted">{values.allDay ? `Whole days in ${timezone}, first to last day inclusive.` : ""}</span>
        </div>
        {values.allDay ? (
          <div className="exception-when">
            <DayField
              control={control}
              name="startsAt"
              id="exception-start-date"
              label="First day"
              timezone={timezone}
              feedback={feedback("startsAt")}
              onFirstDay={(first) => {
                const last = shownDate(form.getValues("endsAt"), true, timezone);
                if (!last || last < first) form.setValue("endsAt", allDayRange(first, first, timezone).endsAt, { shouldDirty: true });
              }}
            />
            <DayField control={control} name="endsAt" id="exception-end-date" label="Last day (inclusive)" timezone={timezone} feedback={feedback("endsAt")} />
          </div>
        ) : (
          <div className="exception-when">
            <DateTimeField control={control} name="startsAt" id="exception-start" label={`Starts (${timezone})`} timezone={timezone} feedback={feedback("startsAt")} />
            <DateTimeField control={control} name="endsAt" id="exception-end" label="Ends" timezone={timezone} feedback={feedback("endsAt")} />
          </div>
        )}
        <Space wrap size="small" className="exception-presets" aria-label="Quick choices">
          {presets.map((preset) => (
            <Button key={preset.label} size="small" onClick={() => setDays(preset.first, preset.last)}>
              {preset.label}
            </Button>
          ))}
        </Space>
        {values.kind === "available" && (
          <Form.Item label="Slot length" htmlFor="exception-interval" {...feedback("slotIntervalMinutes")}>
            <Controller
              control={control}
              name="slotIntervalMinutes"
              render={({ field }) => (
                <Select
                  id="exception-interval"
                  value={field.value ?? undefined}
                  placeholder="Minutes"
                  options={(refdata?.slotIntervals ?? [...SLOT_INTERVALS]).map((m) => ({ value: m, label: `${m} min` }))}
                  onChange={(v: number) => field.onChange(v)}
                />
              )}
            />
          </Form.Item>
        )}
        <Form.Item label="Reason" htmlFor="exception-reason" {...feedback("reason")}>
          <Controller
            control={control}
            name="reason"
            render={({ field }) => (
              <Input id="exception-reason" maxLength={200} placeholder="e.g. Conference" value={field.value} onChange={(e) => field.onChange(e.target.value)} onBlur={field.onBlur} />
            )}
          />
        </Form.Item>
        <Controller
          control={control}
          name="scope"
          render={({ field }) => (
            <fieldset className="exception-scope">
              <legend className="field-label">Applies to</legend>
              <ScopeSelect
                value={field.value}
                refdata={refdata}
                onChange={(patch) => field.onChange(nextScope(refdata, field.value, patch))}
                form={{
                  idPrefix: "exception",
                  field: ({ name, label, htmlFor, children }) => (
                    <Form.Item label={label} htmlFor={htmlFor} {...feedback(name)}>
                      {children}
                    </Form.Item>
                  ),
                }}
              />
            </fieldset>
          )}
        />
        {refusal && (
          <Controller
            control={control}
            name="onAffectedBookings"
            render={({ field }) => (
              <AffectedBookings
                appointments={affectedAppointments(refusal.errors)}
                timezone={timezone}
                value={field.value ?? null}
                onChange={field.onChange}
                asked
              />
            )}
          />
        )}
      </Form>
    </Modal>
  );
}
