// Why the last save did not go through, above the form: a newer version was saved meanwhile (409, with
// "Reload latest"), server errors that belong to no field, or a failure with nothing to show on a field.
import { Alert, Button } from "antd";

export default function SaveAlerts(props: {
  conflict: boolean;
  onReload: () => void;
  reloading: boolean;
  /** Form-level server errors, one per line. */
  rootError: string | undefined;
  failure: Error | null;
}) {
  const { rootError } = props;
  return (
    <>
      {props.conflict && (
        <Alert
          className="block"
          type="warning"
          showIcon
          title="This schedule was changed since you opened it."
          description="Someone (or another tab) saved in the meantime. Reload the latest hours, then make your change again."
          action={
            <Button size="small" onClick={props.onReload} loading={props.reloading}>
              Reload latest
            </Button>
          }
        />
      )}
      {rootError && (
        <Alert
          className="block"
          type="error"
          showIcon
          title="The schedule was not saved."
          description={
            <ul className="plain-list">
              {rootError.split("\n").map((line, i) => (
                <li key={i}>{line}</li>
              ))}
            </ul>
          }
        />
      )}
      {props.failure && <Alert className="block" type="error" showIcon title="The schedule was not saved." description={props.failure.message} />}
    </>
  );
}
