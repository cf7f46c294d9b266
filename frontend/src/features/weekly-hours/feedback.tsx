// What to show under each field of the Add Slot form, from three sources, worst first:
// the live zod issues (always current), errors the server put there with setError (type "server"), and
// the preview's warnings (severity "error" in red, "warning" as a yellow hint).
import { Form } from "antd";
import { createContext, useContext, type ReactNode } from "react";
import { get, type FieldErrors } from "react-hook-form";
import type { Issue } from "../../lib/schema";
import type { PreviewResult } from "./api";
import { fieldNameFor, toFormPath } from "./errors";
import type { ScheduleFormValues } from "./schema";
import type { PreviewWarning } from "./types";

export interface Feedback {
  validateStatus?: "error" | "warning";
  help?: ReactNode;
  /** The codes behind what is shown (preview warnings only), for fields that explain a code their own way. */
  codes?: string[];
}

export interface FeedbackIndex {
  /** Feedback for the controls named (RHF names; list-level errors are "<list>.root"). */
  at: (...names: string[]) => Feedback;
  /** Worst status anywhere under a prefix ("days.2"), for the day chips. */
  statusUnder: (prefix: string) => "error" | "warning" | undefined;
  /** Preview warnings that belong to no field (shown with the preview). */
  unplaced: PreviewWarning[];
}

interface Entry {
  severity: "error" | "warning";
  message: string;
  code?: string;
}

export function buildFeedback(
  values: ScheduleFormValues,
  issues: Issue[],
  errors: FieldErrors<ScheduleFormValues>,
  preview: Pick<PreviewResult, "warnings" | "dayIndexes"> | undefined,
): FeedbackIndex {
  const entries = new Map<string, Entry[]>();
  const push = (name: string, entry: Entry) => {
    const list = entries.get(name) ?? [];
    if (!list.some((e) => e.message === entry.message)) list.push(entry);
    entries.set(name, list);
  };
  const clientNames = new Set<string>();
  for (const issue of issues) {
    const name = fieldNameFor(issue.path, values);
    if (name && !clientNames.has(name)) {
      clientNames.add(name);
      push(name, { severity: "error", message: issue.message });
    }
  }
  const unplaced: PreviewWarning[] = [];
  for (const warning of preview?.warnings ?? []) {
    const path = toFormPath(warning.path, preview!.dayIndexes);
    const name = path === null ? null : fieldNameFor(path, values);
    if (name === null) unplaced.push(warning);
    else if (!clientNames.has(name)) push(name, { severity: warning.severity, message: warning.message, code: warning.code });
  }
  const server = (name: string): Entry | undefined => {
    const error = get(errors, name) as { type?: string; message?: string } | undefined;
    return error?.type === "server" && error.message ? { severity: "error", message: error.message } : undefined;
  };

  const at = (...names: string[]): Feedback => {
    const list: Entry[] = [];
    for (const name of names) {
      const fromServer = clientNames.has(name) ? undefined : server(name);
      if (fromServer) list.push(fromServer);
      for (const entry of entries.get(name) ?? []) if (!list.some((e) => e.message === entry.message)) list.push(entry);
    }
    if (!list.length) return {};
    const errorsFirst = [...list].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1));
    const status = errorsFirst[0].severity;
    const shown = errorsFirst.filter((e) => e.severity === status);
    const codes = shown.flatMap((e) => (e.code ? [e.code] : []));
    return { validateStatus: status, help: shown.map((e) => e.message).join(" "), ...(codes.length ? { codes } : {}) };
  };

  const statusUnder = (prefix: string) => {
    let worst: "error" | "warning" | undefined;
    for (const [name, list] of entries) {
      if (name !== prefix && !name.startsWith(`${prefix}.`)) continue;
      if (list.some((e) => e.severity === "error")) return "error";
      worst = "warning";
    }
    const serverErrors = get(errors, prefix);
    if (serverErrors && hasServerError(serverErrors)) return "error";
    return worst;
  };

  return { at, statusUnder, unplaced };
}

function hasServerError(node: unknown): boolean {
  if (!node || typeof node !== "object") return false;
  if ((node as { type?: string }).type === "server") return true;
  return Object.entries(node).some(([key, value]) => key !== "ref" && hasServerError(value));
}

const FeedbackContext = createContext<FeedbackIndex>({ at: () => ({}), statusUnder: () => undefined, unplaced: [] });
export const FeedbackProvider = FeedbackContext.Provider;
export const useFeedback = () => useContext(FeedbackContext);

/** A labelled Form.Item whose help/status come from the feedback index. */
export function Field(props: { names: string[]; label?: ReactNode; htmlFor?: string; className?: string; override?: Feedback; children: ReactNode }) {
  const index = useFeedback().at(...props.names);
  const feedback = props.override ?? index;
  return (
    <Form.Item label={props.label} htmlFor={props.htmlFor} className={props.className} validateStatus={feedback.validateStatus} help={feedback.help}>
      {props.children}
    </Form.Item>
  );
}
