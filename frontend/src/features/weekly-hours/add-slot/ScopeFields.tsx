// The modal's scope: service, location, room (of that location), consultation mode and timezone.
// Changing service/location/room/mode loads that scope's stored hours; the timezone applies to what you save.
import { Select } from "antd";
import { useMemo } from "react";
import { Controller, useWatch, type Control } from "react-hook-form";
import ScopeSelect from "../../../lib/ScopeSelect";
import { zoneList } from "../../../lib/timezones";
import type { RefData, Scope } from "../../../lib/types";
import { Field } from "../feedback";
import type { ScheduleFormValues } from "../schema";

/** Canonical IANA names only (lib/timezones), plus the zones in use here even if stored under a legacy name. */
function timezoneOptions(keep: string[]): { value: string; label: string }[] {
  const supported = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return zoneList(supported, keep).map((z) => ({ value: z, label: z.replaceAll("_", " ") }));
}

const common = { popupMatchSelectWidth: false, showSearch: { optionFilterProp: "label" } } as const;

export default function ScopeFields(props: {
  control: Control<ScheduleFormValues>;
  refdata: RefData | undefined;
  timezoneDefault: string;
  onScopeChange: (patch: Partial<Scope>) => void;
}) {
  const { control, refdata, onScopeChange } = props;
  const scope = useWatch({ control, name: "scope" });
  const zones = useMemo(
    () => timezoneOptions([props.timezoneDefault, refdata?.timezoneDefault ?? "", scope.timezone]),
    [props.timezoneDefault, refdata?.timezoneDefault, scope.timezone],
  );

  return (
    <div className="scope-fields">
      <ScopeSelect
        value={scope}
        refdata={refdata}
        onChange={onScopeChange}
        selectProps={common}
        form={{
          idPrefix: "scope",
          field: ({ name, label, htmlFor, children }) => (
            <Field names={[name]} label={label} htmlFor={htmlFor}>
              {children}
            </Field>
          ),
        }}
      />
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
