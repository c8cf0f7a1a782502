/** Training and scoring settings (defaults from core/options.ts), and the backend choice. */
import { DEFAULT_TRAIN, DEFAULT_TRAIN_SAMPLES, MATURE_POWER, MODEL_PRESETS, type PresetName } from '../../core/options';
import { runEpochs } from '../../state/settingsSlice';
import { useStudio } from '../../state/store';
import type { BackendChoice } from '../../worker/protocol';
import type { TrainSource } from '../../core/foldData';
import { NumberField } from '../NumberField/NumberField';

const BACKENDS: { value: BackendChoice; label: string }[] = [
  { value: 'auto', label: 'Automatic' },
  { value: 'webgpu', label: 'WebGPU' },
  { value: 'wasm', label: 'WebAssembly (CPU)' },
  { value: 'webgl', label: 'WebGL' },
  { value: 'cpu', label: 'Plain JS (slow)' },
];

export function RunSettings({ busy }: { busy: boolean }) {
  const train = useStudio((s) => s.train);
  const score = useStudio((s) => s.score);
  const trainOn = useStudio((s) => s.trainOn);
  const hasAux = useStudio((s) => s.aux !== null);
  const epochsAuto = useStudio((s) => s.epochsAuto);
  const epochs = useStudio(runEpochs);
  const backendChoice = useStudio((s) => s.backendChoice);
  const { setTrain, setScore, setTrainOn, setBackendChoice, setEpochsAuto } = useStudio.getState();
  return (
    <form className="run-settings" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor="run-preset">Decoder preset</label>
        <select id="run-preset" value={train.preset} disabled={busy} onChange={(e) => setTrain({ preset: e.currentTarget.value as PresetName })}>
          {(Object.keys(MODEL_PRESETS) as PresetName[]).map((p) => (
            <option key={p} value={p}>
              {p} (D{MODEL_PRESETS[p].dim}, {MODEL_PRESETS[p].encDepth}+{MODEL_PRESETS[p].decDepth})
            </option>
          ))}
        </select>
      </div>
      <NumberField
        id="run-epochs"
        label="Epochs"
        value={epochs}
        min={1}
        max={10000}
        disabled={busy}
        onChange={(n) => {
          setTrain({ epochs: n });
          setEpochsAuto(false);
        }}
      />
      <div className="field field-check">
        <label htmlFor="run-epochs-auto" title={`Plan the epochs from the folders as dede scan does: ${DEFAULT_TRAIN_SAMPLES.toLocaleString('en-US')} training samples' worth, ${DEFAULT_TRAIN.epochs}-40 epochs (the paper preset keeps its own). Typing a number turns this off.`}>
          Epochs from the folder size
        </label>
        <input id="run-epochs-auto" type="checkbox" checked={epochsAuto} disabled={busy} onChange={(e) => setEpochsAuto(e.currentTarget.checked)} />
      </div>
      <div className="field field-check">
        <label htmlFor="run-until-power" title={`Label-free stopping rule: stop once the held-out decoder power reaches ${MATURE_POWER}, at the epochs above at the latest; DeDe's witness votes only from there. Off: exactly the epochs above.`}>
          Stop once the decoder is mature (power {MATURE_POWER})
        </label>
        <input
          id="run-until-power"
          type="checkbox"
          checked={train.untilPower !== null}
          disabled={busy || trainOn === 'aux'}
          onChange={(e) => setTrain({ untilPower: e.currentTarget.checked ? MATURE_POWER : null })}
        />
      </div>
      <NumberField id="run-batch" label="Batch" value={train.batch} min={1} max={4096} disabled={busy} onChange={(batch) => setTrain({ batch })} />
      <NumberField id="run-seed" label="Seed" value={train.seed} min={0} disabled={busy} onChange={(seed) => setTrain({ seed })} />
      <NumberField
        id="run-folds"
        label="Cross-fit folds"
        value={train.folds}
        min={1}
        max={10}
        disabled={busy || trainOn === 'aux'}
        onChange={(folds) => setTrain({ folds })}
      />
      <NumberField id="run-masks" label="Masks per score" value={score.masks} min={1} max={64} disabled={busy} onChange={(masks) => setScore({ masks })} />
      <div className="field">
        <label htmlFor="run-train-on">Train the decoder on</label>
        <select id="run-train-on" value={trainOn} disabled={busy} onChange={(e) => setTrainOn(e.currentTarget.value as TrainSource)}>
          <option value="suspect">The suspect images</option>
          <option value="both" disabled={!hasAux} title="The cross-fitted decoders train on their folds of the suspect images plus every auxiliary image (never scored)">
            The suspect images and the auxiliary folder{hasAux ? '' : ' (drop one first)'}
          </option>
          <option value="aux" disabled={!hasAux}>
            The auxiliary folder alone{hasAux ? '' : ' (drop one first)'}
          </option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="run-backend">Backend</label>
        <select id="run-backend" value={backendChoice} disabled={busy} onChange={(e) => setBackendChoice(e.currentTarget.value as BackendChoice)}>
          {BACKENDS.map((b) => (
            <option key={b.value} value={b.value}>
              {b.label}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
