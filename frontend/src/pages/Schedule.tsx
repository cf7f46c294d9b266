// The Inertia page "Schedule" (GET /doctor/schedule): header, then the "Weekly hours", "Time off" and
// "Calendar feed" tabs.
import { router } from "@inertiajs/react";
import { Select, Skeleton } from "antd";
import { lazy, Suspense } from "react";
import WeeklyHoursTab from "../features/weekly-hours/WeeklyHoursTab";
import { readCookie } from "../lib/http";
import Tabs from "../lib/Tabs";
import { browserZone, canonicalZone } from "../lib/timezones";

const TimeOffTab = lazy(() => import("../features/time-off/TimeOffTab"));
const CalendarFeedCard = lazy(() => import("../features/calendar-feed/CalendarFeedCard"));

/** The props Django hands the Inertia page "Schedule" (scheduling/views.py). */
export interface SchedulePageProps {
  doctorId: string;
  timezoneDefault: string;
  doctors: { id: string; name: string }[];
  user: { email: string; name: string };
  logoutUrl: string;
  adminUrl: string | null;
}

export default function Schedule(props: SchedulePageProps) {
  const { doctorId, doctors } = props;
  const doctorName = doctors.find((d) => d.id === doctorId)?.name ?? "";
  // The zone new hours default to: the doctor's (from Django), else this browser's; by canonical name.
  const timezoneDefault = canonicalZone(props.timezoneDefault || browserZone() || "UTC");
  return (
    <div className="page">
      <PageHeader {...props} />
      <main className="page-main">
        <h1 className="page-title">Schedule{doctorName ? ` · ${doctorName}` : ""}</h1>
        {/* Keyed by doctor: everything below (scope choices, open dialogs) belongs to one doctor. */}
        <Tabs
          key={doctorId}
          label="Schedule"
          defaultKey="weekly"
          items={[
            {
              key: "weekly",
              label: "Weekly hours",
              children: <WeeklyHoursTab doctorId={doctorId} timezoneDefault={timezoneDefault} />,
            },
            {
              key: "timeoff",
              label: "Time off",
              children: (
                <Suspense fallback={<Skeleton active paragraph={{ rows: 6 }} />}>
                  <TimeOffTab doctorId={doctorId} timezone={timezoneDefault} />
                </Suspense>
              ),
            },
            {
              key: "feed",
              label: "Calendar feed",
              children: (
                <Suspense fallback={<Skeleton active paragraph={{ rows: 4 }} />}>
                  <CalendarFeedCard doctorId={doctorId} />
                </Suspense>
              ),
            },
          ]}
        />
      </main>
    </div>
  );
}

function PageHeader({ doctorId, doctors, user, logoutUrl, adminUrl }: SchedulePageProps) {
  return (
    <header className="topbar">
      <a className="brand" href="/">
        Medic
      </a>
      <nav className="topbar-nav" aria-label="Account">
        {doctors.length > 1 && (
          <Select
            aria-label="Doctor"
            className="doctor-picker"
            value={doctorId}
            options={doctors.map((d) => ({ value: d.id, label: d.name }))}
            onChange={(id: string) => router.visit(`/doctor/schedule?doctorId=${encodeURIComponent(id)}`)}
            showSearch={{ optionFilterProp: "label" }}
          />
        )}
        {adminUrl && <a href={adminUrl}>Admin</a>}
        <span className="who" title={user.email}>
          {user.name || user.email}
        </span>
        <form method="post" action={logoutUrl} className="inline">
          <input type="hidden" name="csrfmiddlewaretoken" value={readCookie("csrftoken") ?? ""} />
          <button type="submit" className="link">
            Log out
          </button>
        </form>
      </nav>
    </header>
  );
}
