/** What the app read from the encoder file: format, input, layout, embedding size, hash. */
import { useStudio } from '../../state/store';
import './encoder-info.css';

export function EncoderInfo() {
  const info = useStudio((s) => s.encoder);
  if (!info) return null;
  const rows: [string, string][] = [
    ['Format', info.format === 'onnx' ? 'ONNX' : info.format === 'tfjs-graph' ? 'TF.js graph model' : 'TF.js layers model'],
    ['Input', `${info.inputName} [${info.inputShape.map((d) => (d < 0 ? '?' : d)).join(', ')}]`],
    ['Input size', info.inputSize ? `${info.inputSize} px (fixed by the model)` : 'dynamic: set it below'],
    ['Layout', info.layout ? `${info.layout.toUpperCase()} (fixed by the model)` : 'not fixed: set it below'],
    ['Embedding', `${info.outputName}, ${info.embDim ?? '?'} values per image`],
    ['SHA-256', info.sha256],
  ];
  return (
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
  );
}
