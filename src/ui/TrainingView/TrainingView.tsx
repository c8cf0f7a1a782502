/** Live training: loss per epoch, and the fixed probe images with their reconstructions. */
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useStudio } from '../../state/store';
import { runEpochs } from '../../state/settingsSlice';
import { RgbaCanvas } from '../RgbaCanvas/RgbaCanvas';
import './training-view.css';

function LossChart() {
  const losses = useStudio((s) => s.losses);
  const epochs = useStudio(runEpochs);
  if (losses.length === 0) return <p className="muted loss-chart loss-chart--empty">The loss curve starts after the first epoch.</p>;
  return (
    <div className="loss-chart" aria-label="Training loss per epoch" role="img">
      <ResponsiveContainer width="100%" height={180}>
        <LineChart data={losses} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
          <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" />
          <XAxis dataKey="epoch" type="number" domain={[1, Math.max(epochs, 2)]} allowDecimals={false} tick={{ fontSize: 11 }} />
          <YAxis tick={{ fontSize: 11 }} width={48} domain={['auto', 'auto']} tickFormatter={(v: number) => v.toPrecision(3)} />
          <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))} labelFormatter={(l) => `Epoch ${l}`} />
          <Line type="monotone" dataKey="loss" stroke="var(--accent)" strokeWidth={2} dot={losses.length < 40} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

function ProbeGrid() {
  const probe = useStudio((s) => s.probe);
  if (!probe) return <p className="muted probe-grid__empty">Reconstructions of a fixed set of images appear after the first epoch.</p>;
  return (
    <div
      className="probe-grid"
      aria-label="Probe reconstructions"
      style={{ gridTemplateColumns: `auto repeat(${probe.inputs.length}, 56px)` }}
    >
      <span className="probe-grid__label">Input</span>
      {probe.inputs.map((t, i) => (
        <RgbaCanvas key={`i${i}`} tile={t} size={56} label={`Probe ${i + 1} input`} />
      ))}
      <span className="probe-grid__label">Rebuilt</span>
      {probe.recons.map((t, i) => (
        <RgbaCanvas key={`r${i}`} tile={t} size={56} label={`Probe ${i + 1} reconstruction`} />
      ))}
    </div>
  );
}

export function TrainingView() {
  const losses = useStudio((s) => s.losses);
  const phase = useStudio((s) => s.phase);
  const epochs = useStudio(runEpochs);
  const progress = useStudio((s) => s.progress);
  if (losses.length === 0 && phase !== 'training') return null;
  const epoch = progress?.phase === 'training' ? progress.epoch : losses.length;
  return (
    <section className="panel training-view" aria-labelledby="train-title">
      <h2 id="train-title">
        Decoder training <span className="epoch-counter">epoch {Math.min(epoch, epochs)} / {epochs}</span>
      </h2>
      <div className="training-view__body">
        <LossChart />
        <ProbeGrid />
      </div>
    </section>
  );
}
