import { afterEach, describe, expect, it, vi } from "vitest";
import { prefersReducedMotion } from "./motion";

describe("prefersReducedMotion", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("is false where there is no window or no matchMedia (the server, old browsers)", () => {
    expect(prefersReducedMotion()).toBe(false);
    vi.stubGlobal("window", {});
    expect(prefersReducedMotion()).toBe(false);
  });

  it("follows the system's prefers-reduced-motion setting", () => {
    const asked: string[] = [];
    const matchMedia = (matches: boolean) => (query: string) => {
      asked.push(query);
      return { matches, addEventListener: () => undefined, removeEventListener: () => undefined };
    };
    vi.stubGlobal("window", { matchMedia: matchMedia(true) });
    expect(prefersReducedMotion()).toBe(true);
    vi.stubGlobal("window", { matchMedia: matchMedia(false) });
    expect(prefersReducedMotion()).toBe(false);
    expect(asked).toEqual(["(prefers-reduced-motion: reduce)", "(prefers-reduced-motion: reduce)"]);
  });
});
