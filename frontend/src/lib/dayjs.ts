// dayjs with the plugins the page needs (utc + timezone for the doctor's zone; customParseFormat for pickers).
import dayjs from "dayjs";
import customParseFormat from "dayjs/plugin/customParseFormat";
import timezone from "dayjs/plugin/timezone";
import utc from "dayjs/plugin/utc";

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(customParseFormat);

export default dayjs;
export type { Dayjs } from "dayjs";
