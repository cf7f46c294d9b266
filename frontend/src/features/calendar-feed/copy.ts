// Copy a feed URL: the async Clipboard API where the page may use it (https or localhost), else select the
// text in its field so the doctor can press Ctrl+C / ⌘C themselves.

export type CopyOutcome = "copied" | "selected";

export interface CopyDeps {
  /** navigator.clipboard, absent on plain http and in some embedded browsers. */
  clipboard?: Pick<Clipboard, "writeText"> | null;
  /** Select the text on screen (the fallback). */
  select: () => void;
}

export async function copyText(text: string, { clipboard, select }: CopyDeps): Promise<CopyOutcome> {
  if (clipboard) {
    try {
      await clipboard.writeText(text);
      return "copied";
    } catch {
      // Refused (no permission, not focused): fall through to selecting it.
    }
  }
  select();
  return "selected";
}

export function copyMessage(outcome: CopyOutcome, what: string): string {
  const keys = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform) ? "⌘C" : "Ctrl+C";
  return outcome === "copied" ? `${what} copied.` : `${what} selected: press ${keys} to copy it.`;
}
