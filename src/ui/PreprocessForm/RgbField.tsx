/** A text input for an r,g,b triple ("Mean", "Std"); commits only values that parse. */
import { useState } from 'react';
import type { RGB } from '../../core/options';

interface Props {
  label: string;
  value: RGB;
  disabled?: boolean;
  /** Extra check (e.g. std > 0); returns an error message or null. */
  check?(v: RGB): string | null;
  onChange(v: RGB): void;
}

export function parseRgb(text: string): RGB | null {
  const parts = text.split(/[,\s]+/).filter(Boolean).map(Number);
  return parts.length === 3 && parts.every(Number.isFinite) ? (parts as RGB) : null;
}

const show = (v: RGB) => v.map((x) => String(Number(x.toPrecision(6)))).join(',');

export function RgbField({ label, value, disabled, check, onChange }: Props) {
  const [draft, setDraft] = useState(show(value));
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState(value);
  // Follow changes made elsewhere (presets, the demo) unless the draft already says the same.
  if (shown !== value) {
    setShown(value);
    const parsed = parseRgb(draft);
    if (!parsed || parsed.some((x, i) => x !== value[i])) {
      setDraft(show(value));
      setError(null);
    }
  }
  const id = `rgb-${label.toLowerCase()}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        value={draft}
        disabled={disabled}
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        placeholder="r,g,b"
        onChange={(e) => {
          const text = e.currentTarget.value;
          setDraft(text);
          const parsed = parseRgb(text);
          const problem = !parsed ? 'three numbers r,g,b' : (check?.(parsed) ?? null);
          setError(problem);
          if (parsed && !problem) onChange(parsed);
        }}
      />
      {error && (
        <span id={`${id}-error`} className="field__error">
          {label}: {error}
        </span>
      )}
    </div>
  );
}
