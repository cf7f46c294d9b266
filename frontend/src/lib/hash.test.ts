// @vitest-environment jsdom
import { act, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { hashPayload, stableStringify } from "./hash";
import { useDebounced } from "./useDebounced";

describe("stable hash", () => {
  it("ignores key order and undefined keys", () => {
    expect(stableStringify({ b: 1, a: [{ y: 2, x: undefined, w: null }] })).toBe('{"a":[{"w":null,"y":2}],"b":1}');
    expect(hashPayload({ a: 1, b: { c: 2, d: 3 } })).toBe(hashPayload({ b: { d: 3, c: 2 }, a: 1 }));
    expect(hashPayload({ a: 1 })).not.toBe(hashPayload({ a: 2 }));
    expect(hashPayload([1, 2])).not.toBe(hashPayload([2, 1]));
  });
});

describe("useDebounced", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("settles 400 ms after the key stops changing, and ignores new objects with the same key", () => {
    const { result, rerender } = renderHook(({ value, key }) => useDebounced(value, key, 400), {
      initialProps: { value: { n: 1 }, key: "a" as string | null },
    });
    expect(result.current).toMatchObject({ key: "a", pending: false });
    rerender({ value: { n: 2 }, key: "b" });
    expect(result.current).toMatchObject({ key: "a", pending: true });
    act(() => vi.advanceTimersByTime(300));
    rerender({ value: { n: 3 }, key: "c" });
    act(() => vi.advanceTimersByTime(300));
    expect(result.current.key).toBe("a");
    rerender({ value: { n: 3 }, key: "c" }); // a new render with the same key does not restart the wait
    act(() => vi.advanceTimersByTime(100));
    expect(result.current).toEqual({ value: { n: 3 }, key: "c", pending: false });
  });
});
