// "Copy to…": put this day's windows on other days. "Weekdays" / "All days" copy in one click; or tick days.
import { CopyOutlined } from "@ant-design/icons";
import { Button, Checkbox, Popover, Space } from "antd";
import { useState } from "react";
import { ALL_DAYS, DAY_LONG, DAY_SHORT, WEEKDAYS } from "../days";

export default function CopyToPopover(props: { dayIndex: number; disabled: boolean; onCopy: (targets: number[]) => void }) {
  const { dayIndex, onCopy } = props;
  const [open, setOpen] = useState(false);
  const [picked, setPicked] = useState<number[]>([]);
  const copy = (targets: readonly number[]) => {
    const others = targets.filter((t) => t !== dayIndex);
    if (others.length) onCopy(others);
    setOpen(false);
    setPicked([]);
  };
  const content = (
    <div className="copy-to" role="group" aria-label={`Copy ${DAY_LONG[dayIndex]}'s hours to`}>
      <Space wrap>
        <Button size="small" onClick={() => copy(WEEKDAYS)}>
          Weekdays
        </Button>
        <Button size="small" onClick={() => copy(ALL_DAYS)}>
          All days
        </Button>
      </Space>
      <Checkbox.Group
        className="copy-to-days"
        value={picked}
        onChange={(values) => setPicked(values as number[])}
        options={DAY_SHORT.map((short, i) => ({ value: i, label: <span aria-label={`Copy to ${DAY_LONG[i]}`}>{short}</span>, disabled: i === dayIndex }))}
      />
      <Button size="small" type="primary" disabled={!picked.length} onClick={() => copy(picked)}>
        Copy
      </Button>
    </div>
  );
  return (
    <Popover content={content} title={`Copy ${DAY_SHORT[dayIndex]} to…`} trigger="click" open={open} onOpenChange={setOpen} placement="bottomRight">
      <Button icon={<CopyOutlined />} disabled={props.disabled}>
        Copy to…
      </Button>
    </Popover>
  );
}
