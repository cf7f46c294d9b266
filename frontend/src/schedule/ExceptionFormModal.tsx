// Add or edit one time-off / opening entry. Date-times are picked as the doctor's wall-clock time and sent
// as ISO instants with that zone's offset (so DST is the server's and dayjs-timezone's job, not the browser's).
import { zodResolver } from "@hookform/resolvers/zod";
import { Alert, App, Button, DatePicker, Form, Input, Modal, Radio, Select, Space } from "antd";
import { Controller, useController, useForm, useWatch, type Control, type FieldPath } from "react-hook-form";
import dayjs, { type Dayjs } from "../lib/dayjs";
import { ApiError } from "../lib/http";
import { useCreateException, useUpdateException } from "./api";
import { exceptionFormSchema, exceptionIssues, SLOT_INTERVALS, type ExceptionFormValues } from "./schema";
import { fromSelectValue, nextScope, scopeOptions, toSelectValue } from "./scopeOptions";
import { addDays, instantFromWallClock, todayIn, wallClock } from "./time";
import { useTypedEntry } from "../lib/useTypedEntry";
import type { AvailabilityException, ConsultationMode, ExceptionRequest, RefData } from "./types";

const FIELDS = new Set(["kind", "startsAt", "endsAt", "slotIntervalMinutes", "reason", "scope.appointmentTypeId", "scope.doctorLocationId", "scope.locationRoomId", "scope.consultationMode"]);

function initialValues(exception: AvailabilityException | null): ExceptionFormValues {
  if (!exception) {
    return {
      kind: "blocked",
      startsAt: null,
      endsAt: null,
      slotIntervalMinutes: null,
      reason: "",
      scope: { appointmentTypeId: null, doctorLocationId: null, locationRoomId: null, consultationMode: null },
    };
  }
  return {
    kind: exception.kind,
    startsAt: exception.startsAt,
    endsAt: exception.endsAt,
    slotIntervalMinutes: exception.slotIntervalMinutes,
    reason: exception.reason,
    scope: { ...exception.scope },
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
  const form = useForm<ExceptionFormValues>({ defaultValues: initialValues(exception), resolver: zodResolver(exceptionFormSchema) });
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
    };
    const onError = (error: Error) => {
      if (!(error instanceof ApiError)) return;
      const formLevel: string[] = [];
      for (const e of error.errors) {
        if (FIELDS.has(e.path)) setError(e.path as FieldPath<ExceptionFormValues>, { type: "server", message: e.message });
        else formLevel.push(e.message);
      }
      if (formLevel.length) setError("root.server", { type: "server", message: formLevel.join("\n") });
    };
    const onSuccess = () => {
      message.success(exception ? "Saved." : valid.kind === "blocked" ? "Time off added." : "Opening added.");
      onClose();
    };
    if (exception) update.mutate({ id: exception.id, body }, { onSuccess, onError });
    else create.mutate(body, { onSuccess, onError });
  };

  const today = todayIn(timezone);
  const day = (date: string) => dayjs(`${date}T00:00:00`);
  const presets: { label: string; value: [Dayjs, Dayjs] }[] = [
    { label: "Today (whole day)", value: [day(today), day(addDays(today, 1))] },
    { label: "Tomorrow (whole day)", value: [day(addDays(today, 1)), day(addDays(today, 2))] },
    { label: "Next 7 days", value: [day(today), day(addDays(today, 7))] },
  ];
  const options = scopeOptions(refdata, values.scope);
  const rootError = formState.errors.root?.server?.message;

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
        {mutation.error && !(mutation.error instanceof ApiError && mutation.error.status === 422) && !rootError && (
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
        <div className="exception-when">
          <DateTimeField control={control} name="startsAt" id="exception-start" label={`Starts (${timezone})`} timezone={timezone} feedback={feedback("startsAt")} />
          <DateTimeField control={control} name="endsAt" id="exception-end" label="Ends" timezone={timezone} feedback={feedback("endsAt")} />
        </div>
        <Space wrap size="small" className="exception-presets" aria-label="Quick choices">
          {presets.map((preset) => (
            <Button
              key={preset.label}
              size="small"
              onClick={() => {
                form.setValue("startsAt", instantFromWallClock(preset.value[0], timezone), { shouldDirty: true });
                form.setValue("endsAt", instantFromWallClock(preset.value[1], timezone), { shouldDirty: true });
              }}
            >
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
          render={({ field }) => {
            const change = (patch: Parameters<typeof nextScope>[2]) => field.onChange(nextScope(refdata, field.value, patch));
            return (
              <fieldset className="exception-scope">
                <legend className="field-label">Applies to</legend>
                <Form.Item label="Service" htmlFor="exception-service" {...feedback("scope.appointmentTypeId")}>
                  <Select id="exception-service" value={toSelectValue(field.value.appointmentTypeId)} options={options.services} onChange={(v: string) => change({ appointmentTypeId: fromSelectValue(v) })} />
                </Form.Item>
                <Form.Item label="Location" htmlFor="exception-location" {...feedback("scope.doctorLocationId")}>
                  <Select id="exception-location" value={toSelectValue(field.value.doctorLocationId)} options={options.locations} onChange={(v: string) => change({ doctorLocationId: fromSelectValue(v) })} />
                </Form.Item>
                <Form.Item label="Room" htmlFor="exception-room" {...feedback("scope.locationRoomId")}>
                  <Select id="exception-room" value={toSelectValue(field.value.locationRoomId)} options={options.rooms} onChange={(v: string) => change({ locationRoomId: fromSelectValue(v) })} />
                </Form.Item>
                <Form.Item label="Consultation mode" htmlFor="exception-mode" {...feedback("scope.consultationMode")}>
                  <Select
                    id="exception-mode"
                    value={toSelectValue(field.value.consultationMode)}
                    options={options.modes}
                    onChange={(v: string) => change({ consultationMode: fromSelectValue<ConsultationMode>(v) })}
                  />
                </Form.Item>
              </fieldset>
            );
          }}
        />
      </Form>
    </Modal>
  );
}

const DATE_TIME = "YYYY-MM-DD HH:mm";

/** One instant, picked (or typed as "2026-12-24 09:00") as wall-clock time in the doctor's zone. */
function DateTimeField(props: {
  control: Control<ExceptionFormValues>;
  name: "startsAt" | "endsAt";
  id: string;
  label: string;
  timezone: string;
  feedback: { validateStatus?: "error"; help?: string };
}) {
  const { field } = useController({ control: props.control, name: props.name });
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
          ref={field.ref}
        />
      </div>
    </Form.Item>
  );
}
