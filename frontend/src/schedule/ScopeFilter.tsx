// The page's scope choice: which scope's stored rules the Weekly Hours grid shows ("All …" = null).
import { Select } from "antd";
import { fromSelectValue, nextScope, scopeOptions, toSelectValue } from "./scopeOptions";
import type { ConsultationMode, RefData, Scope } from "./types";

export default function ScopeFilter({ value, onChange, refdata }: { value: Scope; onChange: (scope: Scope) => void; refdata: RefData | undefined }) {
  const options = scopeOptions(refdata, value);
  const change = (patch: Partial<Scope>) => onChange(nextScope(refdata, value, patch));
  return (
    <div className="scope-filter" role="group" aria-label="Scope shown">
      <label className="field">
        <span className="field-label">Service</span>
        <Select
          aria-label="Service"
          value={toSelectValue(value.appointmentTypeId)}
          options={options.services}
          onChange={(v: string) => change({ appointmentTypeId: fromSelectValue(v) })}
          popupMatchSelectWidth={false}
        />
      </label>
      <label className="field">
        <span className="field-label">Location</span>
        <Select
          aria-label="Location"
          value={toSelectValue(value.doctorLocationId)}
          options={options.locations}
          onChange={(v: string) => change({ doctorLocationId: fromSelectValue(v) })}
          popupMatchSelectWidth={false}
        />
      </label>
      <label className="field">
        <span className="field-label">Room</span>
        <Select
          aria-label="Room"
          value={toSelectValue(value.locationRoomId)}
          options={options.rooms}
          onChange={(v: string) => change({ locationRoomId: fromSelectValue(v) })}
          popupMatchSelectWidth={false}
        />
      </label>
      <label className="field">
        <span className="field-label">Mode</span>
        <Select
          aria-label="Consultation mode"
          value={toSelectValue(value.consultationMode)}
          options={options.modes}
          onChange={(v: string) => change({ consultationMode: fromSelectValue<ConsultationMode>(v) })}
          popupMatchSelectWidth={false}
        />
      </label>
    </div>
  );
}
