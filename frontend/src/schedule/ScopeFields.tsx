// The modal's scope: service, location, room (of that location), consultation mode and timezone.
// Changing service/location/room/mode loads that scope's stored hours; the timezone applies to what you save.
import { Select } from "antd";
import { useMemo } from "react";
import { Controller, useWatch, type Control } from "react-hook-form";
import { Field } from "./feedback";
import type { ScheduleFormValues } from "./schema";
import { fromSelectValue, scopeOptions, toSelectValue } from "./scopeOptions";
import type { ConsultationMode, RefData, Scope } from "./types";

function timezoneOptions(extra: string[]): { value: string; label: string }[] {
  const zones = new Set<string>(typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : []);
  for (const zone of extra) if (zone) zones.add(zone);
  return [...zones].sort().map((z) => ({ value: z, label: z.replaceAll("_", " ") }));
}

export default function ScopeFields(props: {
  control: Control<ScheduleFormValues>;
  refdata: RefData | undefined;
  timezoneDefault: string;
  onScopeChange: (patch: Partial<Scope>) => void;
}) {
  const { control, refdata, onScopeChange } = props;
  const scope = useWatch({ control, name: "scope" });
  const options = scopeOptions(refdata, scope);
  const zones = useMemo(() => timezoneOptions([props.timezoneDefault, refdata?.timezoneDefault ?? ""]), [props.timezoneDefault, refdata?.timezoneDefault]);
  const common = { popupMatchSelectWidth: false, showSearch: { optionFilterProp: "label" } } as const;

  return (
    <div className="scope-fields">
      <Field names={["scope.appointmentTypeId"]} label="Service" htmlFor="scope-service">
        <Select
          id="scope-service"
          {...common}
          value={toSelectValue(scope.appointmentTypeId)}
          options={options.services}
          onChange={(v: string) => onScopeChange({ appointmentTypeId: fromSelectValue(v) })}
        />
      </Field>
      <Field names={["scope.doctorLocationId"]} label="Location" htmlFor="scope-location">
        <Select
          id="scope-location"
          {...common}
          value={toSelectValue(scope.doctorLocationId)}
          options={options.locations}
          onChange={(v: string) => onScopeChange({ doctorLocationId: fromSelectValue(v) })}
        />
      </Field>
      <Field names={["scope.locationRoomId"]} label="Room" htmlFor="scope-room">
        <Select
          id="scope-room"
          {...common}
          value={toSelectValue(scope.locationRoomId)}
          options={options.rooms}
          onChange={(v: string) => onScopeChange({ locationRoomId: fromSelectValue(v) })}
        />
      </Field>
      <Field names={["scope.consultationMode"]} label="Consultation mode" htmlFor="scope-mode">
        <Select
          id="scope-mode"
          {...common}
          value={toSelectValue(scope.consultationMode)}
          options={options.modes}
          onChange={(v: string) => onScopeChange({ consultationMode: fromSelectValue<ConsultationMode>(v) })}
        />
      </Field>
      <Field names={["scope.timezone"]} label="Timezone" htmlFor="scope-timezone">
        <Controller
          control={control}
          name="scope.timezone"
          render={({ field }) => (
            <Select
              id="scope-timezone"
              {...common}
              virtual
              value={field.value}
              options={zones}
              onChange={(v: string) => field.onChange(v)}
              onBlur={field.onBlur}
            />
          )}
        />
      </Field>
    </div>
  );
}
