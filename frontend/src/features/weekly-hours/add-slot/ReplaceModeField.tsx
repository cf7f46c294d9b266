// "When saving": replace the selected days with what the form shows, or add its windows to the stored ones.
import { Form, Radio } from "antd";
import type { ReplaceMode } from "../types";

export default function ReplaceModeField({ value, onChange }: { value: ReplaceMode; onChange: (mode: ReplaceMode) => void }) {
  return (
    <Form.Item label="When saving" className="replace-mode">
      <Radio.Group
        value={value}
        onChange={(e) => onChange(e.target.value as ReplaceMode)}
        options={[
          { value: "replace_selected_days", label: "Replace selected days" },
          { value: "append", label: "Add to existing" },
        ]}
        aria-label="When saving"
      />
    </Form.Item>
  );
}
