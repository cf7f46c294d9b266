// "Time off" tab (lazy chunk): time off (blocked) and extra openings (available), listed, added, edited,
// deleted. Times are shown and picked in the doctor's timezone and sent as instants with that offset.
import { DeleteOutlined, EditOutlined, PlusOutlined } from "@ant-design/icons";
import { Alert, App, Button, Popconfirm, Space, Table, Tag } from "antd";
import { useMemo, useState } from "react";
import { affectedAppointments, isBookingsAffected } from "../../lib/affected";
import { useRefData } from "../../lib/api";
import dayjs from "../../lib/dayjs";
import { describeScope } from "../../lib/scope";
import { addDays, todayIn } from "../../lib/time";
import { useDeleteException, useExceptions } from "./api";
import ClinicClosures from "./ClinicClosures";
import DeleteAffectedModal from "./DeleteAffectedModal";
import ExceptionFormModal from "./ExceptionFormModal";
import type { AffectedAnswer } from "../../lib/types";
import type { AvailabilityException } from "./types";

export function formatInstant(instant: string, timezone: string): string {
  return dayjs(instant).tz(timezone).format("ddd D MMM YYYY, HH:mm");
}

/** For button names: no weekday words, so they never match a day chip's name ("Mon"). */
function isoLocal(instant: string, timezone: string): string {
  return dayjs(instant).tz(timezone).format("YYYY-MM-DD HH:mm");
}

export default function TimeOffTab({ doctorId, timezone }: { doctorId: string; timezone: string }) {
  const { message } = App.useApp();
  const today = todayIn(timezone);
  const range = useMemo(() => ({ start: addDays(today, -30), end: addDays(today, 365) }), [today]);
  const exceptions = useExceptions(doctorId, range);
  const coming = useMemo(() => ({ start: today, end: addDays(today, 365) }), [today]);
  const refdata = useRefData(doctorId);
  const remove = useDeleteException(doctorId);
  // null: closed; "new": adding; an id: editing that entry (read from the query, not copied here).
  const [editing, setEditing] = useState<string | null>(null);

  // A delete refused for bookings it would strand: which entry, and the bookings to keep or cancel.
  const refusal = isBookingsAffected(remove.error) ? remove.error : null;
  const refusedId = refusal ? remove.variables?.id : undefined;
  const refused = refusedId ? (exceptions.data ?? []).find((e) => e.id === refusedId) : undefined;
  const deleteEntry = (id: string, onAffectedBookings?: AffectedAnswer) =>
    remove.mutateAsync({ id, onAffectedBookings }).then(
      () => {
        remove.reset();
        void message.success(onAffectedBookings === "cancel" ? "Deleted; the bookings were cancelled." : "Deleted.");
      },
      (error: Error) => void (isBookingsAffected(error) || message.error(error.message)),
    );

  const rows = [...(exceptions.data ?? [])].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  const edited = editing && editing !== "new" ? rows.find((e) => e.id === editing) : undefined;

  return (
    <section aria-label="Time off">
      <div className="toolbar">
        <p className="muted toolbar-text">
          Time off removes slots; an extra opening adds slots outside your weekly hours. Times are in {timezone}. Showing the last 30 days and the next year.
        </p>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing("new")}>
          Add time off
        </Button>
      </div>
      {exceptions.isError && <Alert className="block" type="error" showIcon title="Could not load time off." description={exceptions.error.message} />}
      <Table<AvailabilityException>
        rowKey="id"
        size="middle"
        loading={exceptions.isPending}
        dataSource={rows}
        pagination={rows.length > 20 ? { pageSize: 20 } : false}
        locale={{ emptyText: "No time off or openings." }}
        scroll={{ x: true }}
        columns={[
          {
            title: "What",
            key: "kind",
            render: (_, e) => (e.kind === "blocked" ? <Tag color="red">Time off</Tag> : <Tag color="green">Opening</Tag>),
          },
          { title: "From", key: "startsAt", render: (_, e) => formatInstant(e.startsAt, timezone) },
          { title: "Until", key: "endsAt", render: (_, e) => formatInstant(e.endsAt, timezone) },
          { title: "Slots", key: "slot", render: (_, e) => (e.kind === "available" ? `${e.slotIntervalMinutes} min` : "—") },
          { title: "Reason", dataIndex: "reason", key: "reason", render: (reason: string) => reason || <span className="muted">—</span> },
          { title: "Applies to", key: "scope", render: (_, e) => describeScope(refdata.data, e.scope) },
          {
            title: <span className="sr-only">Actions</span>,
            key: "actions",
            render: (_, e) => (
              <Space>
                <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(e.id)} aria-label={`Edit ${e.kind === "blocked" ? "time off" : "opening"} from ${isoLocal(e.startsAt, timezone)}`}>
                  Edit
                </Button>
                <Popconfirm
                  title="Delete this entry?"
                  okText="Delete"
                  okButtonProps={{ danger: true }}
                  onConfirm={() => deleteEntry(e.id)}
                >
                  <Button size="small" danger icon={<DeleteOutlined />} aria-label={`Delete ${e.kind === "blocked" ? "time off" : "opening"} from ${isoLocal(e.startsAt, timezone)}`}>
                    Delete
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <ClinicClosures doctorId={doctorId} range={coming} />
      {refusal && refusedId && (
        <DeleteAffectedModal
          what={refused?.kind === "available" ? "this opening" : "this time off"}
          appointments={affectedAppointments(refusal.errors)}
          timezone={timezone}
          deleting={remove.isPending}
          onDelete={(answer) => void deleteEntry(refusedId, answer)}
          onClose={() => remove.reset()}
        />
      )}
      {(editing === "new" || edited) && (
        <ExceptionFormModal
          key={editing}
          doctorId={doctorId}
          timezone={timezone}
          refdata={refdata.data}
          exception={edited ?? null}
          onClose={() => setEditing(null)}
        />
      )}
    </section>
  );
}
