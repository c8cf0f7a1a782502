/**
 * Step 2: how images become encoder input. Size and layout come from the model where it
 * fixes them; normalisation from a preset or typed values. A live preview shows the result.
 */
import { NORM_PRESETS, type NormPreset, type PreprocessOptions } from '../../core/options';
import { useStudio } from '../../state/store';
import { EncoderInfo } from '../EncoderInfo/EncoderInfo';
import { NumberField } from '../NumberField/NumberField';
import { PreviewStrip } from '../PreviewStrip/PreviewStrip';
import { RgbField } from './RgbField';
import './preprocess-form.css';

function presetOf(pre: PreprocessOptions): NormPreset | 'custom' {
  const same = (a: readonly number[], b: readonly number[]) => a.every((x, i) => Math.abs(x - b[i]) < 1e-6);
  const hit = (Object.keys(NORM_PRESETS) as NormPreset[]).find(
    (k) => same(NORM_PRESETS[k].mean, pre.mean) && same(NORM_PRESETS[k].std, pre.std),
  );
  return hit ?? 'custom';
}

const toHex = (c: readonly number[]) => '#' + c.map((x) => Math.round(x).toString(16).padStart(2, '0')).join('');
const fromHex = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];

export function PreprocessForm({ busy }: { busy: boolean }) {
  const pre = useStudio((s) => s.preprocess);
  const encoder = useStudio((s) => s.encoder);
  const setPre = useStudio((s) => s.setPreprocess);
  const update = (patch: Partial<PreprocessOptions>) => setPre(patch, 'user');
  const sizeFixed = encoder?.inputSize != null;
  const layoutFixed = encoder?.layout != null;
  const preset = presetOf(pre);

  return (
    <section className="panel" aria-labelledby="pre-title">
      <h2 id="pre-title">2. Preprocessing</h2>
      {encoder ? <EncoderInfo /> : <p className="muted">Load an encoder to see its input size, layout and embedding size.</p>}
      <form className="pre-form" onSubmit={(e) => e.preventDefault()}>
        <NumberField id="pre-size" label="Size (px)" value={pre.size} min={4} max={1024} disabled={busy || sizeFixed} onChange={(size) => update({ size })} />
        <div className="field">
          <label htmlFor="pre-layout">Layout</label>
          <select
            id="pre-layout"
            value={pre.layout}
            disabled={busy || layoutFixed}
            onChange={(e) => update({ layout: e.currentTarget.value as PreprocessOptions['layout'] })}
          >
            <option value="nchw">NCHW (PyTorch)</option>
            <option value="nhwc">NHWC (TensorFlow)</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="pre-preset">Normalisation</label>
          <select
            id="pre-preset"
            value={preset}
            disabled={busy}
            onChange={(e) => {
              const key = e.currentTarget.value as NormPreset | 'custom';
              if (key !== 'custom') update({ mean: [...NORM_PRESETS[key].mean], std: [...NORM_PRESETS[key].std] });
            }}
          >
            {(Object.keys(NORM_PRESETS) as NormPreset[]).map((k) => (
              <option key={k} value={k}>
                {NORM_PRESETS[k].label}
              </option>
            ))}
            <option value="custom">Custom</option>
          </select>
        </div>
        <RgbField label="Mean" value={pre.mean} disabled={busy} onChange={(mean) => update({ mean })} />
        <RgbField
          label="Std"
          value={pre.std}
          disabled={busy}
          check={(v) => (v.every((x) => x > 0) ? null : 'every value must be > 0')}
          onChange={(std) => update({ std })}
        />
        <div className="field">
          <label htmlFor="pre-bg">Background (for transparency)</label>
          <input
            id="pre-bg"
            type="color"
            value={toHex(pre.background)}
            disabled={busy}
            onChange={(e) => update({ background: fromHex(e.currentTarget.value) })}
          />
        </div>
        <div className="field">
          <label htmlFor="pre-pool">Pooling (rank &gt; 2 outputs)</label>
          <select
            id="pre-pool"
            value={pre.pooling}
            disabled={busy}
            onChange={(e) => update({ pooling: e.currentTarget.value as PreprocessOptions['pooling'] })}
          >
            <option value="mean">Mean over positions</option>
            <option value="first">First token</option>
          </select>
        </div>
      </form>
      <PreviewStrip />
    </section>
  );
}
