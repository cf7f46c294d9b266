// The four scope selects (service, location, room of that location, consultation mode), for every place a scope
// is chosen: the Weekly hours filter, the Add slot form and the time-off form. "All …" is null in the scope.
//
// It reports the one key that changed (`onChange(patch)`); the owner applies it with `nextScope` (scope.ts),
// which keeps the scope coherent — the Add slot form first asks whether to discard unsaved days.
// The owner wraps the selects (a labelled group or fieldset) and may add fields after them (the timezone).
import { Select, type SelectProps } from "antd";
import { Fragment, type ReactNode } from "react";
import { fromSelectValue, scopeOptions, toSelectValue } from "./scope";
import type { RefData, Scope } from "./types";

export type ScopeKey = keyof Scope;

const FIELDS: { key: ScopeKey; label: string; shortLabel: string; id: string; options: keyof ReturnType<typeof scopeOptions> }[] = [
  { key: "appointmentTypeId", label: "Service", shortLabel: "Service", id: "service", options: "services" },
  { key: "doctorLocationId", label: "Location", shortLabel: "Location", id: "location", options: "locations" },
  { key: "locationRoomId", label: "Room", shortLabel: "Room", id: "room", options: "rooms" },
  { key: "consultationMode", label: "Consultation mode", shortLabel: "Mode", id: "mode", options: "modes" },
];

/** In a form: the Form.Item around one select, with the feedback of its field (`scope.<key>`). */
export type ScopeFieldWrapper = (field: { name: `scope.${ScopeKey}`; label: string; htmlFor: string; children: ReactNode }) => ReactNode;

export default function ScopeSelect(props: {
  value: Scope;
  refdata: RefData | undefined;
  onChange: (patch: Partial<Scope>) => void;
  /**
   * A form's layout: each select has the id "{idPrefix}-service" (…-location, -room, -mode) and is wrapped by
   * `field`. Without it, the page filter's compact layout: a small label above each select, which is named by
   * its aria-label.
   */
  form?: { idPrefix: string; field: ScopeFieldWrapper };
  selectProps?: Pick<SelectProps, "popupMatchSelectWidth" | "showSearch">;
}) {
  const { value, refdata, onChange, form } = props;
  const options = scopeOptions(refdata, value);
  return (
    <>
      {FIELDS.map(({ key, label, shortLabel, id, options: optionsKey }) => {
        const select = (
          <Select
            id={form ? `${form.idPrefix}-${id}` : undefined}
            aria-label={form ? undefined : label}
            {...props.selectProps}
            value={toSelectValue(value[key])}
            options={options[optionsKey]}
            onChange={(v: string) => onChange({ [key]: fromSelectValue(v) })}
          />
        );
        return (
          <Fragment key={key}>
            {form ? (
              form.field({ name: `scope.${key}`, label, htmlFor: `${form.idPrefix}-${id}`, children: select })
            ) : (
              <label className="field">
                <span className="field-label">{shortLabel}</span>
                {select}
              </label>
            )}
          </Fragment>
        );
      })}
    </>
  );
}
