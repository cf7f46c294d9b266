// The Schedule page inside Ant Design's theme and App (for its modal, message and notification hooks): the
// lazily loaded half of the entry (main.tsx), so the page's frame paints before Ant Design has arrived.
import { App as AntApp, ConfigProvider } from "antd";
import { useMemo } from "react";
import { useReducedMotion } from "../lib/motion";
import Schedule, { type SchedulePageProps } from "./Schedule";

const theme = {
  token: {
    colorPrimary: "#175cd3",
    borderRadius: 6,
    colorTextTertiary: "#5b6474",
    colorTextDescription: "#5b6474",
    colorTextPlaceholder: "#6b7280",
    colorTextQuaternary: "#6b7280",
  },
};

export default function ThemedSchedule(props: SchedulePageProps) {
  // Ant Design animates every popover, menu and dialog; with reduced motion asked for, none of them move.
  const reduced = useReducedMotion();
  const themed = useMemo(() => ({ ...theme, token: { ...theme.token, motion: !reduced } }), [reduced]);
  return (
    <ConfigProvider theme={themed}>
      <AntApp>
        <Schedule {...props} />
      </AntApp>
    </ConfigProvider>
  );
}
