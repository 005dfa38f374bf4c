// A labelled range input showing its current value.
import { useId } from 'react';

export interface SliderProps {
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  onChange: (value: number) => void;
  testId: string;
  /** How the value is shown beside the label (default: as is). */
  format?: (value: number) => string;
}

export function Slider({ label, value, min, max, step, onChange, testId, format = String }: SliderProps) {
  const id = useId();
  return (
    <div className="slider">
      <label className="slider-label" htmlFor={id}>
        {label}: <b>{format(value)}</b>
      </label>
      {/* A value from a link may lie between steps; "any" keeps it instead of snapping it away. */}
      <input id={id} type="range" min={min} max={max} step={(value - min) % step === 0 ? step : 'any'} value={value} data-testid={testId} onChange={(e) => onChange(Number(e.target.value))} />
    </div>
  );
}
