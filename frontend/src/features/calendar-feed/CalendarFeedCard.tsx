// The "Calendar feed" tab (lazy chunk): the doctor's subscription links (full and free/busy), each read-only
// with Copy; whether events carry patient names; and "Get a new link", which retires the old URLs.
import { CopyOutlined, ReloadOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Input, Popconfirm, Skeleton, Space, Switch, type InputRef } from "antd";
import { useRef } from "react";
import { serverErrorText } from "../../lib/serverErrors";
import { useCalendarFeed, useRotateCalendarFeed, useSetIncludePatientNames } from "./api";
import { copyMessage, copyText } from "./copy";

export default function CalendarFeedCard({ doctorId }: { doctorId: string }) {
  const { message } = App.useApp();
  const feed = useCalendarFeed(doctorId);
  const names = useSetIncludePatientNames(doctorId);
  const rotate = useRotateCalendarFeed(doctorId);

  const onNames = (checked: boolean) =>
    names.mutate(checked, {
      onSuccess: () => void message.success(checked ? "Patient names are shown in the feed." : "Patient names are hidden in the feed."),
      onError: (error) => void message.error(serverErrorText(error)),
    });
  const onRotate = () =>
    rotate.mutateAsync().then(
      () => void message.success("New links issued. Subscribe again with them; the old links no longer work."),
      (error: unknown) => void message.error(serverErrorText(error)),
    );

  return (
    <section aria-label="Calendar feed" className="feed">
      <Card title="Calendar feed" className="feed-card">
        <p className="muted">
          Subscribe in Google Calendar, Outlook or Apple Calendar to see your appointments there. Anyone with the link sees your
          appointments, so share it with no one; if it got out, get a new link.
        </p>
        {feed.isPending && <Skeleton active paragraph={{ rows: 3 }} />}
        {feed.isError && <Alert type="error" showIcon title="Could not load the calendar feed." description={serverErrorText(feed.error)} />}
        {feed.data && (
          <>
            <FeedLink label="Appointments" hint="Your appointments, with services and times." testId="feed-url" url={feed.data.url} />
            <FeedLink
              label="Free/busy only"
              hint="Only when you are busy: no names or services. For a shared or family calendar."
              testId="feed-freebusy-url"
              url={feed.data.freeBusyUrl}
            />
            <div className="feed-names">
              <Switch
                id="feed-include-names"
                checked={feed.data.includePatientNames}
                loading={names.isPending}
                onChange={onNames}
              />
              <label htmlFor="feed-include-names">Show patient names</label>
              <span className="muted feed-hint">Off, events read “Appointment · Consultation” instead of the patient’s name. The free/busy link never shows names.</span>
            </div>
            <Popconfirm
              title="Get a new link?"
              description="The old links stop working: calendars subscribed to them stop updating."
              okText="Get a new link"
              okButtonProps={{ danger: true }}
              cancelText="Keep the links"
              onConfirm={onRotate}
            >
              <Button icon={<ReloadOutlined />} loading={rotate.isPending}>
                Get a new link
              </Button>
            </Popconfirm>
          </>
        )}
      </Card>
    </section>
  );
}

function FeedLink({ label, hint, url, testId }: { label: string; hint: string; url: string; testId: string }) {
  const { message } = App.useApp();
  const input = useRef<InputRef>(null);
  const id = `${testId}-input`;
  const onCopy = async () => {
    const outcome = await copyText(url, {
      clipboard: typeof navigator !== "undefined" ? navigator.clipboard : undefined,
      select: () => input.current?.focus({ cursor: "all" }),
    });
    void message.info(copyMessage(outcome, `${label} link`));
  };
  return (
    <div className="feed-link">
      <label htmlFor={id} className="feed-link-label">
        {label}
      </label>
      <Space.Compact className="feed-link-row">
        <Input id={id} ref={input} readOnly value={url} data-testid={testId} onFocus={(e) => e.currentTarget.select()} />
        <Button icon={<CopyOutlined />} onClick={() => void onCopy()} aria-label={`Copy ${label.toLowerCase()} link`}>
          Copy
        </Button>
      </Space.Compact>
      <div className="muted feed-hint">{hint}</div>
    </div>
  );
}
