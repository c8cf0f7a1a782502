/** What the app read from the encoder file: format, input, layout, embedding size, hash. */
import { useStudio } from '../../state/store';
import { selectEncoderOutput } from '../../state/actions';
import './encoder-info.css';

export function EncoderInfo() {
  const info = useStudio((s) => s.encoder);
  const busy = useStudio((s) => s.phase === 'embedding' || s.phase === 'training' || s.phase === 'scoring');
  if (!info) return null;
  const dims = (shape: number[]) => `[${shape.map((d) => (d < 0 ? '?' : d)).join(', ')}]`;
  const rows: [string, string][] = [
    ['Format', info.format === 'onnx' ? 'ONNX' : info.format === 'tfjs-graph' ? 'TF.js graph model' : 'TF.js layers model'],
    ['Input', `${info.inputName} [${info.inputShape.map((d) => (d < 0 ? '?' : d)).join(', ')}]`],
    ['Input size', info.inputSize ? `${info.inputSize} px (fixed by the model)` : 'dynamic: set it below'],
    ['Layout', info.layout ? `${info.layout.toUpperCase()} (fixed by the model)` : 'not fixed: set it below'],
    ['Embedding', `${info.outputName}, ${info.embDim ?? '?'} values per image`],
    ['SHA-256', info.sha256],
  ];
  return (
    <>
    {info.outputs.length > 1 && (
      <div className="encoder-info__output">
        <label htmlFor="encoder-output">Embedding output</label>
        <select id="encoder-output" value={info.outputName} disabled={busy} onChange={(e) => void selectEncoderOutput(e.target.value)}>
          {info.outputs.map((o) => (
            <option key={o.name} value={o.name}>
              {o.name} {dims(o.shape)}
            </option>
          ))}
        </select>
        <p className="hint">The model has {info.outputs.length} outputs; by default the first of shape [batch, D] is used.</p>
      </div>
    )}
    <dl className="encoder-info" aria-label="Model details">
      {rows.map(([k, v]) => (
        <div key={k} className="encoder-info__row">
          <dt>{k}</dt>
          <dd className={k === 'SHA-256' ? 'mono hash' : undefined} title={v}>
            {v}
          </dd>
        </div>
      ))}
    </dl>
    </>
  );
}
