// What both forms' zod schemas (zod/mini) share with scheduling/validation.py: the allowed slot lengths and
// consultation modes, the scope's shape, and the issue each rule reports (the server's path, code, message).
// Only the lazily loaded forms import this (zod stays out of the first bundle).
import { z } from "zod/mini";

export const SLOT_INTERVALS = [5, 10, 15, 20, 30, 60] as const;
export const CONSULTATION_MODES = ["in_person", "video", "phone"] as const;

/** A scope in a form: null is "All …". */
export const scopeSchema = z.object({
  appointmentTypeId: z.nullable(z.string()),
  doctorLocationId: z.nullable(z.string()),
  locationRoomId: z.nullable(z.string()),
  consultationMode: z.nullable(z.enum(CONSULTATION_MODES)),
});

export interface Issue {
  path: string;
  code: string;
  message: string;
}
