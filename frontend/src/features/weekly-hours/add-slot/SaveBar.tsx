// The dialog's footer: which days a save changes, Cancel, and Save (disabled while nothing changed).
import { Button } from "antd";

export default function SaveBar(props: {
  /** "Mon, Tue": the changed days, or "" for none. */
  days: string;
  appendMode: boolean;
  saving: boolean;
  disabled: boolean;
  onCancel: () => void;
  onSave: () => void;
}) {
  return (
    <div className="add-slot-footer">
      <span className="muted" aria-live="polite">
        {props.days ? `Saving ${props.appendMode ? "adds windows to" : "replaces"} ${props.days}; other days stay as they are.` : "No changes yet."}
      </span>
      <div className="add-slot-actions">
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button type="primary" loading={props.saving} disabled={props.disabled} onClick={props.onSave}>
          Save
        </Button>
      </div>
    </div>
  );
}
