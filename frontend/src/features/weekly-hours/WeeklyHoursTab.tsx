// "Weekly hours" tab: pick a scope, see its stored week and the coming weeks, open "Add slot".
import { PlusOutlined } from "@ant-design/icons";
import { Alert, Button } from "antd";
import { useMemo, useState } from "react";
import { useRefData } from "../../lib/api";
import { nextScope } from "../../lib/scope";
import ScopeSelect from "../../lib/ScopeSelect";
import AddSlotModal, { prefetchAddSlotForm } from "./add-slot/AddSlotModal";
import { weekOfAll } from "./allHours";
import { useAllRules, useRules } from "./api";
import AvailabilityCalendar from "./AvailabilityCalendar";
import { useRememberedScope } from "./rememberedScope";
import WeeklyHours from "./WeeklyHours";

export default function WeeklyHoursTab({ doctorId, timezoneDefault }: { doctorId: string; timezoneDefault: string }) {
  const [scope, setScope] = useRememberedScope(doctorId);
  const [adding, setAdding] = useState(false);
  const refdata = useRefData(doctorId);
  // The modal's timezone default: the stored zone of the filter's own scope.
  const rules = useRules(doctorId, scope);
  const allRules = useAllRules(doctorId);
  const week = useMemo(() => (allRules.data ? weekOfAll(allRules.data.rules, scope) : undefined), [allRules.data, scope]);
  const timezone = rules.data?.scope.timezone ?? timezoneDefault;
  const doctorZone = refdata.data?.timezoneDefault ?? timezoneDefault;

  return (
    <section aria-label="Weekly hours">
      <div className="toolbar">
        {/* Which scope's stored rules the grid and the calendar show. */}
        <div className="scope-filter" role="group" aria-label="Scope shown">
          <ScopeSelect
            value={scope}
            refdata={refdata.data}
            onChange={(patch) => setScope(nextScope(refdata.data, scope, patch))}
            selectProps={{ popupMatchSelectWidth: false }}
          />
        </div>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setAdding(true)}
          onMouseEnter={prefetchAddSlotForm}
          onFocus={prefetchAddSlotForm}
        >
          Add slot
        </Button>
      </div>
      {(allRules.isError || refdata.isError) && (
        <Alert
          type="error"
          showIcon
          className="block"
          title="Could not load the schedule."
          description={(allRules.error ?? refdata.error)?.message}
          action={
            <Button size="small" onClick={() => void Promise.all([allRules.refetch(), refdata.refetch()])}>
              Retry
            </Button>
          }
        />
      )}
      <div className="weekly-layout">
        <section className="panel" aria-labelledby="weekly-hours-title">
          <header className="panel-head">
            <h2 id="weekly-hours-title">Weekly hours</h2>
            <span className="muted">{doctorZone}</span>
          </header>
          <WeeklyHours week={week} refdata={refdata.data} timezone={doctorZone} loading={allRules.isPending} />
        </section>
        <section className="panel" aria-labelledby="coming-weeks-title">
          <header className="panel-head">
            <h2 id="coming-weeks-title">Coming weeks</h2>
          </header>
          <AvailabilityCalendar doctorId={doctorId} scope={scope} refdata={refdata.data} timezone={doctorZone} />
        </section>
      </div>
      <AddSlotModal
        open={adding}
        doctorId={doctorId}
        initialScope={scope}
        timezoneDefault={timezone}
        onClose={() => setAdding(false)}
        onSaved={(saved) => {
          setAdding(false);
          setScope(saved);
        }}
      />
    </section>
  );
}
