// The API's error answer (`{ok: false, errors: [{path, code, message}]}`, an ApiError) → React Hook Form:
// each error on the field that shows it (setError, type "server"), the others joined into `root.server`,
// which the form shows in its alert. Every form handles a failed save through `setServerErrors`.
import type { FieldPath, FieldValues, UseFormSetError } from "react-hook-form";
import { ApiError } from "./http";
import type { ApiFieldError } from "./types";

/** The RHF name of the control that shows the error at a server `path`, or null: the form-level alert. */
export type FieldFor = (path: string) => string | null;

export interface RoutedErrors {
  /** setError(name, {type: "server", message}) for each. */
  fields: { name: string; code: string; message: string }[];
  /** No field for these: shown in the form-level Alert. */
  form: ApiFieldError[];
}

export function splitServerErrors(errors: ApiFieldError[], fieldFor: FieldFor): RoutedErrors {
  const routed: RoutedErrors = { fields: [], form: [] };
  for (const error of errors) {
    const name = fieldFor(error.path);
    if (name === null) routed.form.push(error);
    else routed.fields.push({ name, code: error.code, message: error.message });
  }
  return routed;
}

/** Put each routed error on its field (RHF `setError`), all form-level ones on `root.server`, one per line. */
export function applyServerErrors<T extends FieldValues>(setError: UseFormSetError<T>, routed: RoutedErrors): void {
  for (const field of routed.fields) {
    setError(field.name as FieldPath<T>, { type: "server", message: field.message });
  }
  if (routed.form.length) {
    setError("root.server", { type: "server", message: routed.form.map((e) => e.message).join("\n") });
  }
}

/**
 * A failed request's errors onto the form. Only an ApiError whose status is in `statuses` (any ApiError when
 * not given) is the form's to show; for anything else nothing is set and the result is null.
 */
export function setServerErrors<T extends FieldValues>(
  setError: UseFormSetError<T>,
  error: unknown,
  fieldFor: FieldFor,
  statuses?: readonly number[],
): RoutedErrors | null {
  if (!(error instanceof ApiError) || (statuses && !statuses.includes(error.status))) return null;
  const routed = splitServerErrors(error.errors, fieldFor);
  applyServerErrors(setError, routed);
  return routed;
}

/**
 * The one line to show for a failed request that has no form (a switch, a button): every error's message
 * joined, as the form-level alert would show them; anything that is not an ApiError says so plainly.
 */
export function serverErrorText(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error && error.message ? error.message : "Something went wrong. Try again.";
  return splitServerErrors(error.errors, () => null).form.map((e) => e.message).join(" ") || error.message;
}
