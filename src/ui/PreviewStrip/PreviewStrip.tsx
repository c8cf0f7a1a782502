/** What the encoder will see for the first few images (computed in the worker by core). */
import { useStudio } from '../../state/store';
import { RgbaCanvas } from '../RgbaCanvas/RgbaCanvas';
import { formatScore } from '../format';
import './preview-strip.css';

export function PreviewStrip() {
  const tiles = useStudio((s) => s.preview);
  const size = useStudio((s) => s.preprocess.size);
  if (tiles.length === 0) return null;
  return (
    <figure className="preview-strip" aria-label="Preview of the model input">
      <figcaption>
        What the encoder sees ({size} x {size} px); values after normalisation span{' '}
        {formatScore(Math.min(...tiles.map((t) => t.range[0])))} to {formatScore(Math.max(...tiles.map((t) => t.range[1])))}
      </figcaption>
      <div className="preview-strip__tiles">
        {tiles.map((t) => (
          <div key={t.path} className="preview-strip__tile" title={t.path}>
            <RgbaCanvas tile={t} size={64} label={`Preview of ${t.path}`} />
            <span className="preview-strip__name">{t.path}</span>
          </div>
        ))}
      </div>
    </figure>
  );
}
