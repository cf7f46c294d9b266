// The time-off form (one AvailabilityException): its values and the zod schema that mirrors
// `parse_exception_payload` in scheduling/validation.py, code for code.
import { z } from "zod/mini";
import { scopeSchema, SLOT_INTERVALS, type Issue } from "../../lib/schema";

export const MAX_REASON_LENGTH = 200;
export const MAX_EXCEPTION_DAYS = 366;

const exceptionShape = z.object({
  kind: z.enum(["blocked", "available"]),
  /** ISO 8601 instants with the doctor's offset ("2026-12-24T09:00:00+02:00"). */
  startsAt: z.nullable(z.string()),
  endsAt: z.nullable(z.string()),
  slotIntervalMinutes: z.nullable(z.number()),
  reason: z.string(),
  /** Whole local days: startsAt is the first day's midnight, endsAt the midnight after the last day. */
  allDay: z.boolean(),
  scope: scopeSchema,
  /** Bookings this time off would strand (a 409 BOOKINGS_AFFECTED): keep or cancel them; null until asked. */
  onAffectedBookings: z.optional(z.nullable(z.enum(["keep", "cancel"]))),
});

export type ExceptionFormValues = z.infer<typeof exceptionShape>;

export function exceptionIssues(values: ExceptionFormValues): Issue[] {
  const issues: Issue[] = [];
  const add = (path: string, code: string, message: string) => issues.push({ path, code, message });
  const hint = values.allDay ? "Choose a day." : "Choose a date and time.";
  const start = values.startsAt ? Date.parse(values.startsAt) : Number.NaN;
  const end = values.endsAt ? Date.parse(values.endsAt) : Number.NaN;
  if (!values.startsAt) add("startsAt", "REQUIRED", hint);
  else if (Number.isNaN(start)) add("startsAt", "INVALID_DATETIME", hint);
  if (!values.endsAt) add("endsAt", "REQUIRED", hint);
  else if (Number.isNaN(end)) add("endsAt", "INVALID_DATETIME", hint);
  if (Number.isFinite(start) && Number.isFinite(end)) {
    if (end <= start) add("endsAt", "END_BEFORE_START", values.allDay ? "The last day cannot be before the first day." : "The end must be after the start.");
    else if (end - start > MAX_EXCEPTION_DAYS * 86_400_000) add("endsAt", "RANGE_TOO_LARGE", `An exception spans at most ${MAX_EXCEPTION_DAYS} days.`);
  }
  if (values.kind === "available") {
    if (values.slotIntervalMinutes === null) add("slotIntervalMinutes", "REQUIRED", "An opening needs the length of the slots it adds.");
    else if (!(SLOT_INTERVALS as readonly number[]).includes(values.slotIntervalMinutes))
      add("slotIntervalMinutes", "INVALID_INTERVAL", "Use 5, 10, 15, 20, 30 or 60 minutes.");
  }
  if (values.reason.trim().length > MAX_REASON_LENGTH) add("reason", "TOO_LONG", `At most ${MAX_REASON_LENGTH} characters.`);
  return issues;
}

export const exceptionFormSchema = exceptionShape.check(
  z.superRefine((values: ExceptionFormValues, ctx) => {
    for (const issue of exceptionIssues(values)) {
      ctx.addIssue({ code: "custom", path: issue.path.split("."), message: issue.message, params: { code: issue.code } });
    }
  }),
);
