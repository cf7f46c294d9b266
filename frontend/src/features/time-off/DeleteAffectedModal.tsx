// Deleting an entry was refused (409 BOOKINGS_AFFECTED: removing it leaves bookings outside bookable time):
// list those bookings and ask keep or cancel, then delete again with the answer.
import { Modal } from "antd";
import { Controller, useForm, useWatch } from "react-hook-form";
import AffectedBookings from "../../lib/AffectedBookings";
import type { AffectedAnswer, AffectedAppointment } from "../../lib/types";

export default function DeleteAffectedModal(props: {
  what: string;
  appointments: AffectedAppointment[];
  timezone: string;
  deleting: boolean;
  onDelete: (answer: AffectedAnswer) => void;
  onClose: () => void;
}) {
  const { control, handleSubmit, formState } = useForm<{ answer: AffectedAnswer | null }>({ defaultValues: { answer: null } });
  const answer = useWatch({ control, name: "answer" });
  return (
    <Modal
      open
      title={`Delete ${props.what}?`}
      okText={answer === "cancel" ? "Delete and cancel bookings" : "Delete"}
      okButtonProps={{ danger: true, disabled: !answer }}
      confirmLoading={props.deleting}
      onOk={() => void handleSubmit(({ answer }) => answer && props.onDelete(answer))()}
      onCancel={props.onClose}
      destroyOnHidden
    >
      <Controller
        control={control}
        name="answer"
        render={({ field }) => (
          <AffectedBookings appointments={props.appointments} timezone={props.timezone} value={field.value} onChange={field.onChange} asked={formState.submitCount > 0} />
        )}
      />
    </Modal>
  );
}
