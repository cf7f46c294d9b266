// Weekday names, ISO order (Monday = 1); the form's day index is dayOfWeek − 1.
export const DAY_SHORT = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;
export const DAY_LONG = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
export const WEEKDAYS = [0, 1, 2, 3, 4] as const;
export const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6] as const;
