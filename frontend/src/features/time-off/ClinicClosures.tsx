// The days the doctor's clinic is closed, read-only: public holidays of the clinic's calendar and its own
// closures. A closed day takes the weekly hours out of bookable time; an opening added for that day still counts.
import { Alert, Table, Tag } from "antd";
import dayjs from "../../lib/dayjs";
import { useClosures, type ClinicClosure } from "./api";

export default function ClinicClosures({ doctorId, range }: { doctorId: string; range: { start: string; end: string } }) {
  const closures = useClosures(doctorId, range);
  return (
    <section aria-label="Clinic closures" className="block">
      <h3>Clinic closures</h3>
      <p className="muted">
        The clinic is closed on these days: your weekly hours are not bookable then. Add an opening above for a day you work anyway. The clinic&apos;s staff
        manage closures at the front desk.
      </p>
      {closures.isError && <Alert className="block" type="error" showIcon title="Could not load the clinic's closures." description={closures.error.message} />}
      <Table<ClinicClosure>
        rowKey="date"
        size="small"
        loading={closures.isPending}
        dataSource={closures.data ?? []}
        pagination={(closures.data?.length ?? 0) > 20 ? { pageSize: 20 } : false}
        locale={{ emptyText: "No closures in the coming year." }}
        columns={[
          { title: "Date", key: "date", render: (_, c) => dayjs(c.date).format("ddd D MMM YYYY") },
          { title: "Closed for", dataIndex: "name", key: "name" },
          {
            title: "Kind",
            key: "source",
            render: (_, c) => (c.source === "holiday" ? <Tag color="purple">Public holiday</Tag> : <Tag color="orange">Clinic closure</Tag>),
          },
        ]}
      />
    </section>
  );
}
