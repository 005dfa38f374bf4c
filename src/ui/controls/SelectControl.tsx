// A labelled <select>: the top bar's controls, and (with `className`) the layer editor's fields. Values are
// strings in the DOM; the option whose String() matches is handed back.
import { useId } from 'react';

export interface SelectControlProps<T> {
  label: string;
  value: T;
  options: readonly T[];
  /** The option's text (default: the value itself). */
  optionLabel?: (value: T) => string;
  onChange: (value: T) => void;
  testId: string;
  /** The wrapper's class; its label is unstyled unless it is the top bar's `control`. */
  className?: string;
}

export function SelectControl<T extends string | number>({ label, value, options, optionLabel = String, onChange, testId, className = 'control' }: SelectControlProps<T>) {
  const id = useId();
  return (
    <div className={className}>
      <label className={className === 'control' ? 'control-label' : undefined} htmlFor={id}>
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
