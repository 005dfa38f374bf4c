// A labelled <select> of the top bar. Values are strings in the DOM; `parse` turns them back.
import { useId } from 'react';

export interface SelectControlProps<T> {
  label: string;
  value: T;
  options: readonly T[];
  optionLabel: (value: T) => string;
  onChange: (value: T) => void;
  testId: string;
}

export function SelectControl<T extends string | number>({ label, value, options, optionLabel, onChange, testId }: SelectControlProps<T>) {
  const id = useId();
  return (
    <div className="control">
      <label className="control-label" htmlFor={id}>
        {label}
      </label>
      <select
        id={id}
        data-testid={testId}
        value={String(value)}
        onChange={(e) => {
          const chosen = options.find((o) => String(o) === e.target.value);
          if (chosen !== undefined) onChange(chosen);
        }}
      >
        {options.map((o) => (
          <option key={String(o)} value={String(o)}>
            {optionLabel(o)}
          </option>
        ))}
      </select>
    </div>
  );
}
