// The "Add slot" button's dialog, titled for what it does: "Edit weekly hours". The shell is tiny and in the first bundle (so the dialog opens at once, titled);
// the form inside — React Hook Form, zod, pickers — is a lazily loaded chunk (AddSlotForm).
import { App, Modal, Skeleton } from "antd";
import { lazy, Suspense, useRef } from "react";
import type { Scope } from "../../../lib/types";

const loadForm = () => import("./AddSlotForm");
const AddSlotForm = lazy(loadForm);

/** Start fetching the form's chunk before the click (hover/focus on "Add slot"). */
export function prefetchAddSlotForm(): void {
  void loadForm();
}

export interface AddSlotModalProps {
  open: boolean;
  doctorId: string;
  initialScope: Scope;
  timezoneDefault: string;
  onClose: () => void;
  onSaved: (scope: Scope) => void;
}

/** Lets the form say which days have unsaved changes, so closing can ask first. */
export type UnsavedDays = () => string[];

export default function AddSlotModal({ open, onClose, ...formProps }: AddSlotModalProps) {
  const { modal } = App.useApp();
  const unsaved = useRef<UnsavedDays>(() => []);
  const close = () => {
    const days = unsaved.current();
    if (!days.length) return onClose();
    modal.confirm({
      title: "Discard your changes?",
      content: `Your changes to ${days.join(", ")} are not saved.`,
      okText: "Discard changes",
      cancelText: "Keep editing",
      onOk: onClose,
    });
  };
  return (
    <Modal
      open={open}
      title="Edit weekly hours"
      onCancel={close}
      footer={null}
      width={{ xs: "100%", sm: "95%", md: 920, lg: 1040 }}
      destroyOnHidden
      mask={{ closable: false }}
      className="add-slot-modal"
    >
      <Suspense fallback={<Skeleton active paragraph={{ rows: 12 }} />}>
        {open && (
          <AddSlotForm
            {...formProps}
            onClose={close}
            reportUnsaved={(fn) => {
              unsaved.current = fn;
            }}
          />
        )}
      </Suspense>
    </Modal>
  );
}
