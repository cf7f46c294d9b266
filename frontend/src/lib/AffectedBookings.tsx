// "This change affects N bookings": the patients, their times in the doctor's zone and services, and the
// doctor's answer — keep them (marked outside hours) or cancel them. Used by the Add slot and time-off forms.
import { Alert, Radio } from "antd";
import dayjs from "./dayjs";
import type { AffectedAnswer, AffectedAppointment } from "./types";

export function bookingTime(startsAt: string, timezone: string): string {
  return dayjs(startsAt).tz(timezone).format("ddd D MMM YYYY, HH:mm");
}

export default function AffectedBookings(props: {
  appointments: AffectedAppointment[];
  timezone: string;
  value: AffectedAnswer | null;
  onChange: (answer: AffectedAnswer) => void;
  /** Shown when a save was refused for want of an answer. */
  asked?: boolean;
}) {
  const { appointments, timezone } = props;
  if (!appointments.length) return null;
  const n = appointments.length;
  return (
    <Alert
      className="block affected-bookings"
      type={props.asked && !props.value ? "error" : "warning"}
      showIcon
      title={`This change affects ${n} booking${n === 1 ? "" : "s"}. Keep or cancel ${n === 1 ? "it" : "them"}?`}
      description={
        <div data-testid="affected-bookings">
          <ul className="affected-list">
            {appointments.map((a) => (
              <li key={a.id}>
                <strong>{a.patientName}</strong> · {bookingTime(a.startsAt, timezone)} · {a.service}
              </li>
            ))}
          </ul>
          <Radio.Group
            aria-label="What happens to these bookings"
            value={props.value}
            onChange={(e) => props.onChange(e.target.value as AffectedAnswer)}
            options={[
              { value: "keep", label: "Keep them (marked outside your hours)" },
              { value: "cancel", label: "Cancel them" },
            ]}
          />
        </div>
      }
    />
  );
}
