// The scope filter last used on this browser, per doctor (localStorage), so the page opens where the doctor left it.
import { useEffect, useState } from "react";
import { ALL_SCOPE } from "../../lib/scope";
import type { Scope } from "../../lib/types";

const key = (doctorId: string) => `medic.schedule.scope.${doctorId}`;

export function readScope(doctorId: string, storage: Pick<Storage, "getItem"> | undefined = globalThis.localStorage): Scope {
  try {
    const raw = storage?.getItem(key(doctorId));
    const parsed = raw ? (JSON.parse(raw) as Partial<Scope>) : {};
    const pick = (v: unknown) => (typeof v === "string" && v ? v : null);
    return {
      appointmentTypeId: pick(parsed.appointmentTypeId),
      doctorLocationId: pick(parsed.doctorLocationId),
      locationRoomId: pick(parsed.locationRoomId),
      consultationMode: pick(parsed.consultationMode) as Scope["consultationMode"],
    };
  } catch {
    return ALL_SCOPE;
  }
}

export function useRememberedScope(doctorId: string) {
  const [scope, setScope] = useState<Scope>(() => readScope(doctorId));
  useEffect(() => {
    try {
      globalThis.localStorage?.setItem(key(doctorId), JSON.stringify(scope));
    } catch {
      // Private mode or full storage: the filter is simply not remembered.
    }
  }, [doctorId, scope]);
  return [scope, setScope] as const;
}
