// Mon…Sun: which day the editor shows. Marks: a dot for a changed day (it will be saved), red/yellow for problems.
import { Button } from "antd";
import { DAY_LONG, DAY_SHORT } from "../days";
import { useFeedback } from "../feedback";

export default function DayChips(props: { selected: number; onSelect: (day: number) => void; enabled: boolean[]; toSave: number[] }) {
  const feedback = useFeedback();
  return (
    <div className="day-chips" role="group" aria-label="Day shown">
      {DAY_SHORT.map((short, i) => {
        const status = feedback.statusUnder(`days.${i}`);
        const saving = props.toSave.includes(i);
        const description = [DAY_LONG[i], props.enabled[i] ? "available" : "not available", saving ? "changed" : "", status === "error" ? "has errors" : status === "warning" ? "has warnings" : ""]
          .filter(Boolean)
          .join(", ");
        return (
          <Button
            key={short}
            aria-label={short}
            aria-pressed={props.selected === i}
            title={description}
            type={props.selected === i ? "primary" : "default"}
            className={`day-chip${props.enabled[i] ? "" : " day-chip-off"}${status ? ` day-chip-${status}` : ""}`}
            onClick={() => props.onSelect(i)}
          >
            {short}
            {saving && <span className="day-chip-dot" aria-hidden="true" />}
          </Button>
        );
      })}
    </div>
  );
}
