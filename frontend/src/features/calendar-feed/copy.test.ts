import { describe, expect, it, vi } from "vitest";
import { copyMessage, copyText } from "./copy";

describe("copyText", () => {
  it("writes to the clipboard when it can and selects nothing", async () => {
    const writeText = vi.fn(() => Promise.resolve());
    const select = vi.fn();
    expect(await copyText("https://x/feed.ics", { clipboard: { writeText }, select })).toBe("copied");
    expect(writeText).toHaveBeenCalledWith("https://x/feed.ics");
    expect(select).not.toHaveBeenCalled();
  });

  it("selects the text when there is no clipboard", async () => {
    const select = vi.fn();
    expect(await copyText("u", { clipboard: undefined, select })).toBe("selected");
    expect(select).toHaveBeenCalledOnce();
  });

  it("selects the text when the clipboard refuses", async () => {
    const select = vi.fn();
    const writeText = vi.fn(() => Promise.reject(new DOMException("denied", "NotAllowedError")));
    expect(await copyText("u", { clipboard: { writeText }, select })).toBe("selected");
    expect(select).toHaveBeenCalledOnce();
  });
});

describe("copyMessage", () => {
  it("says copied, or how to copy the selection", () => {
    expect(copyMessage("copied", "Link")).toBe("Link copied.");
    expect(copyMessage("selected", "Link")).toMatch(/^Link selected: press (Ctrl\+C|⌘C) to copy it\.$/);
  });
});
