import { FieldMessage, describedBy } from './FieldMessage';

/** A group of checkboxes in a fieldset, with its error (if any) tied to the fieldset by its id. */
export function Checkboxes({
  legend,
  name,
  values,
  labels,
  checked,
  onToggle,
  columns,
  id,
  error,
}: {
  legend: string;
  name: string;
  values: readonly string[];
  labels: Record<string, string>;
  checked: string[];
  onToggle: (value: string) => void;
  columns?: boolean;
  /** The fieldset's id (its error, if any, is `${id}-erreur` and describes it). */
  id?: string;
  error?: string;
}) {
  return (
    <fieldset id={id} className={`choices${columns ? ' choices--columns' : ''}`} aria-describedby={id ? describedBy(id, error) : undefined}>
      <legend>{legend}</legend>
      {values.map((v) => (
        <label key={v} className="choice">
          <input type="checkbox" name={name} value={v} checked={checked.includes(v)} onChange={() => onToggle(v)} />
          {labels[v] ?? v}
        </label>
      ))}
      <FieldMessage id={`${id}`} message={error} testId={null} />
    </fieldset>
  );
}
