// A small WAI-ARIA tablist (AntD's Tabs brings its overflow menu and dropdown into the first bundle).
// Arrow keys / Home / End move between tabs; a panel stays mounted once shown, like AntD's default.
import { useRef, useState, type KeyboardEvent, type ReactNode } from "react";

export interface TabItem {
  key: string;
  label: string;
  children: ReactNode;
}

export default function Tabs({ items, label, defaultKey }: { items: TabItem[]; label: string; defaultKey?: string }) {
  const [active, setActive] = useState(defaultKey ?? items[0]?.key);
  const [visited, setVisited] = useState<Set<string>>(() => new Set([defaultKey ?? items[0]?.key]));
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const select = (key: string, focus = false) => {
    setActive(key);
    setVisited((seen) => (seen.has(key) ? seen : new Set(seen).add(key)));
    if (focus) refs.current[key]?.focus();
  };
  const onKeyDown = (event: KeyboardEvent, index: number) => {
    const last = items.length - 1;
    const next = { ArrowRight: index === last ? 0 : index + 1, ArrowLeft: index === 0 ? last : index - 1, Home: 0, End: last }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    select(items[next].key, true);
  };
  return (
    <div className="tabs">
      <div role="tablist" aria-label={label} className="tabs-list">
        {items.map((item, index) => (
          <button
            key={item.key}
            ref={(el) => {
              refs.current[item.key] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${item.key}`}
            aria-selected={active === item.key}
            aria-controls={`panel-${item.key}`}
            tabIndex={active === item.key ? 0 : -1}
            className={`tabs-tab${active === item.key ? " tabs-tab-active" : ""}`}
            onClick={() => select(item.key)}
            onKeyDown={(event) => onKeyDown(event, index)}
          >
            {item.label}
          </button>
        ))}
      </div>
      {items.map((item) =>
        visited.has(item.key) ? (
          <div key={item.key} role="tabpanel" id={`panel-${item.key}`} aria-labelledby={`tab-${item.key}`} hidden={active !== item.key} className="tabs-panel">
            {item.children}
          </div>
        ) : null,
      )}
    </div>
  );
}
