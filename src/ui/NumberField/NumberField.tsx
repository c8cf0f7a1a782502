/** A number input that lets the analyst type freely and commits only valid values. */
import { useState } from 'react';

interface Props {
  id: string;
  label: string;
  value: number;
  min: number;
  max?: number;
  step?: number | 'any';
  integer?: boolean;
  disabled?: boolean;
  onChange(v: number): void;
}

export function NumberField({ id, label, value, min, max, step = 1, integer = true, disabled, onChange }: Props) {
  const [draft, setDraft] = useState(String(value));
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    if (Number(draft) !== value) setDraft(String(value));
  }
  const valid = (v: number) => Number.isFinite(v) && v >= min && (max === undefined || v <= max) && (!integer || Number.isInteger(v));
  const bad = draft.trim() === '' || !valid(Number(draft));
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        min={Number.isFinite(min) ? min : undefined}
        max={max}
        step={step}
        value={draft}
        disabled={disabled}
        aria-invalid={bad ? true : undefined}
        onChange={(e) => {
          const text = e.currentTarget.value;
          setDraft(text);
          const v = Number(text);
          if (text.trim() !== '' && valid(v)) onChange(v);
        }}
        onBlur={() => bad && setDraft(String(value))}
      />
    </div>
  );
}
