// Whether the person asked their system for less motion (`prefers-reduced-motion: reduce`): the page then
// turns Ant Design's animations off (ThemedSchedule), so menus, popovers and dialogs appear where they end.
import { useSyncExternalStore } from "react";

const QUERY = "(prefers-reduced-motion: reduce)";

function media(): MediaQueryList | null {
  return typeof window !== "undefined" && typeof window.matchMedia === "function" ? window.matchMedia(QUERY) : null;
}

function subscribe(onChange: () => void): () => void {
  const list = media();
  list?.addEventListener("change", onChange);
  return () => list?.removeEventListener("change", onChange);
}

export function prefersReducedMotion(): boolean {
  return media()?.matches ?? false;
}

/** True while the system asks for reduced motion; follows a change without a reload. */
export function useReducedMotion(): boolean {
  return useSyncExternalStore(subscribe, prefersReducedMotion, () => false);
}
