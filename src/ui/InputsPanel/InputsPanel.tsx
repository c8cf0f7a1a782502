/** Step 1: the encoder, the suspect folder, an optional auxiliary folder and labels. */
import { clearImages, loadEncoderFiles, loadImageFiles, loadLabelsFile } from '../../state/actions';
import { useStudio } from '../../state/store';
import type { ImageSetState } from '../../state/filesSlice';
import { DropZone } from '../DropZone/DropZone';
import { plural } from '../format';
import './inputs-panel.css';

function SkippedList({ set }: { set: ImageSetState }) {
  if (set.skipped.length === 0) return null;
  return (
    <details className="skipped" open={set.skipped.length <= 5}>
      <summary role="status">
        {plural(set.skipped.length, 'file')} skipped (not used): {set.skipped[0].path}: {set.skipped[0].reason}
      </summary>
      <ul>
        {set.skipped.slice(0, 200).map((s) => (
          <li key={s.path}>
            <code>{s.path}</code>: {s.reason}
          </li>
        ))}
        {set.skipped.length > 200 && <li>... and {set.skipped.length - 200} more</li>}
      </ul>
    </details>
  );
}

function ImageSetStatus({ set, onClear }: { set: ImageSetState | null; onClear?: () => void }) {
  if (!set) return null;
  return (
    <>
      <span className="ok-line">
        <strong>{plural(set.paths.length, 'image')}</strong> from <code>{set.source}</code>
        {onClear && (
          <button type="button" className="link-button" onClick={onClear}>
            remove
          </button>
        )}
      </span>
      <SkippedList set={set} />
    </>
  );
}

export function InputsPanel({ busy }: { busy: boolean }) {
  const encoderNames = useStudio((s) => s.encoderNames);
  const encoder = useStudio((s) => s.encoder);
  const suspect = useStudio((s) => s.suspect);
  const aux = useStudio((s) => s.aux);
  const labelsSource = useStudio((s) => s.labelsSource);
  const labelCount = useStudio((s) => (s.labels ? Object.keys(s.labels).length : 0));
  const errors = useStudio((s) => s.errors);

  return (
    <section className="panel inputs-panel" aria-labelledby="inputs-title">
      <h2 id="inputs-title">1. Inputs</h2>
      <DropZone
        label="Encoder"
        title="Encoder"
        hint="An .onnx file (torch.onnx.export), or a TensorFlow.js model.json with its weight shards."
        accept=".onnx,.json,.bin,application/json"
        multiple
        disabled={busy}
        error={errors.encoder}
        status={encoder && <span className="ok-line">Loaded <code>{encoderNames.join(', ')}</code></span>}
        onFiles={(c) => void loadEncoderFiles(c.refs)}
      />
      <DropZone
        label="Images"
        title="Suspect images"
        hint="A folder (subfolders included) of PNG, JPEG, WebP or BMP images to check."
        directory
        disabled={busy}
        error={errors.suspect}
        status={<ImageSetStatus set={suspect} />}
        onFiles={(c) => void loadImageFiles('suspect', c.refs, c.source)}
      />
      <details className="optional-inputs" open={Boolean(aux || labelsSource)}>
        <summary>Optional: auxiliary folder, labels</summary>
        <DropZone
          label="Auxiliary folder"
          title="Auxiliary clean images (the decoder trains on these)"
          hint="A folder you know to be clean, of the same kind as the suspect images. DeDe's decoder then learns what clean images look like from it (alone, or beside the suspect images: Run settings) and ranks triggered images far better. Without it the decoder trains on the suspect images."
          directory
          disabled={busy}
          error={errors.aux}
          status={<ImageSetStatus set={aux} onClear={() => clearImages('aux')} />}
          onFiles={(c) => void loadImageFiles('aux', c.refs, c.source)}
        />
        <DropZone
          label="Labels CSV"
          title="Ground-truth labels"
          hint="A CSV with columns file,poisoned (1 = poisoned) to measure AUROC and pick the Youden threshold."
          accept=".csv,text/csv"
          disabled={busy}
          error={errors.labels}
          status={labelsSource && <span className="ok-line">{plural(labelCount, 'label')} from <code>{labelsSource}</code></span>}
          onFiles={(c) => c.refs[0] && void loadLabelsFile(c.refs[0].file, c.refs[0].path)}
        />
      </details>
    </section>
  );
}
