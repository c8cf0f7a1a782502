/**
 * A drop target with its file input: click to pick, or drag files / a folder onto it.
 * The input carries the accessible name of the automation contract ("Encoder", "Images").
 */
import { useId, useState, type ReactNode } from 'react';
import { entriesOf, filesFromEntries, filesFromInput, type CollectedFiles } from './collectFiles';
import './drop-zone.css';

interface Props {
  /** Accessible name of the file input. */
  label: string;
  title: string;
  hint: string;
  accept?: string;
  multiple?: boolean;
  directory?: boolean;
  disabled?: boolean;
  status?: ReactNode;
  error?: string;
  onFiles(files: CollectedFiles): void;
}

export function DropZone({ label, title, hint, accept, multiple, directory, disabled, status, error, onFiles }: Props) {
  const id = useId();
  const [over, setOver] = useState(false);
  const directoryProps = directory ? { webkitdirectory: '', directory: '' } : {};
  return (
    <div
      data-zone={label}
      className={`drop-zone${over ? ' drop-zone--over' : ''}${error ? ' drop-zone--error' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        if (!disabled) setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        if (disabled) return;
        const { entries, files } = entriesOf(e.dataTransfer);
        void filesFromEntries(entries, files).then(onFiles);
      }}
    >
      <div className="drop-zone__head">
        <span className="drop-zone__title">{title}</span>
        <label htmlFor={id} className={`button button--small${disabled ? ' button--disabled' : ''}`}>
          {directory ? 'Choose folder' : 'Choose files'}
        </label>
      </div>
      <input
        id={id}
        className="visually-hidden"
        type="file"
        aria-label={label}
        accept={accept}
        multiple={multiple || directory}
        disabled={disabled}
        {...directoryProps}
        onChange={(e) => {
          const collected = filesFromInput(e.currentTarget.files);
          e.currentTarget.value = '';
          if (collected.refs.length > 0) onFiles(collected);
        }}
      />
      <p className="drop-zone__hint">{hint}</p>
      {status && <div className="drop-zone__status">{status}</div>}
      {error && (
        <p className="drop-zone__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
