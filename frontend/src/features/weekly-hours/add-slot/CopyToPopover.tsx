// "Copy to…": put this day's windows on other days. "Weekdays" / "All days" copy in one click; or tick days.
// Days that already hold other windows are named and the doctor confirms before they are replaced.
import { CopyOutlined } from "@ant-design/icons";
import { App, Button, Checkbox, Popover, Space } from "antd";
import { useState } from "react";
import { listDays } from "../copy";
import { ALL_DAYS, DAY_LONG, DAY_SHORT, WEEKDAYS } from "../days";

export default function CopyToPopover(props: {
  dayIndex: number;
  disabled: boolean;
  /** Which of these targets hold windows a copy would replace. */
  overwrites: (targets: number[]) => number[];
  onCopy: (targets: number[]) => void;
}) {
  const { dayIndex, onCopy } = props;
  const { modal } = App.useApp();
  const [open, setOpen] = useState(false);
  const [picked, setPicked] = useState<number[]>([]);
  const copy = (targets: readonly number[]) => {
    const others = targets.filter((t) => t !== dayIndex);
    setOpen(false);
    setPicked([]);
    if (!others.length) return;
    const replaced = props.overwrites(others);
    if (!replaced.length) return onCopy(others);
    modal.confirm({
      title: `Replace the hours of ${listDays(replaced)}?`,
      content: `${listDays(replaced)} already ${replaced.length === 1 ? "has its own windows" : "have their own windows"}. Copying ${DAY_LONG[dayIndex]} replaces them.`,
      okText: "Replace",
      cancelText: "Don't copy",
      onOk: () => onCopy(others),
    });
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
