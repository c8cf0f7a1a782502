/**
 * Checkpoints: a JSON-able header plus named Float32Arrays (weights, Adam moments), and a
 * single-buffer encoding of the same for files and IndexedDB:
 *   "DEDECKP1" | u32 LE header length | header JSON (UTF-8) | zero pad to 4 | float32 LE data
 * with the arrays in `header.tensors` order. A compact variant (`dtype: 'float16'`, weights
 * only, no Adam moments) ships pre-trained decoders at a quarter of the size: training resumed
 * from it starts Adam afresh.
 */
import type { ModelConfig, TrainOptions } from '../options';
import { Adam, ADAM_DEFAULTS, type AdamSnapshot } from './adam';
import { DedeModel } from './dede';
import type { TrainState } from './train';

const MAGIC = 'DEDECKP1';
const VERSION = 1;

export interface CheckpointHeader {
  format: 'dede-checkpoint';
  version: number;
  cfg: ModelConfig;
  imageSize: number;
  embDim: number;
  opts: TrainOptions;
  seed: number;
  epoch: number;
  step: number;
  epochStep: number;
  epochLossSum: number;
  epochLossCount: number;
  lossHistory: number[];
  /** Adam's per-parameter step counts (parameters never updated are absent). */
  adamSteps: Record<string, number>;
  /** Every array in `Checkpoint.tensors`, in byte order: `param:<name>`, `adam.m:<name>`, `adam.v:<name>`. */
  tensors: { name: string; length: number }[];
  /** How the arrays are stored (absent: float32). */
  dtype?: 'float32' | 'float16';
}

/** The checkpoint without Adam's moments (weights only), for shipping a trained decoder. */
export function weightsOnly(cp: Checkpoint): Checkpoint {
  const tensors: Record<string, Float32Array> = {};
  for (const [name, a] of Object.entries(cp.tensors)) if (name.startsWith('param:')) tensors[name] = a;
  return {
    header: { ...cp.header, adamSteps: {}, tensors: cp.header.tensors.filter((t) => t.name.startsWith('param:')) },
    tensors,
  };
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** IEEE half from a float, rounded to nearest even (overflow -> infinity). */
export function toHalf(x: number): number {
  F32[0] = x;
  const b = U32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  e = h >>> 10;
  return sign | h;
}

/** The float a half's bits stand for. */
export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export interface Checkpoint {
  header: CheckpointHeader;
  tensors: Record<string, Float32Array>;
}

/** A snapshot of the whole training state (copies; the state keeps training independently). */
export function saveCheckpoint(state: TrainState): Checkpoint {
  return buildCheckpoint(state, state.model.getWeights(), state.optimizer.snapshot());
}

/** `saveCheckpoint` with asynchronous readback: use this on webgl/webgpu (no GPU stall). */
export async function saveCheckpointAsync(state: TrainState): Promise<Checkpoint> {
  return buildCheckpoint(state, await state.model.getWeightsAsync(), await state.optimizer.snapshotAsync());
}

function buildCheckpoint(state: TrainState, weights: Record<string, Float32Array>, adam: AdamSnapshot): Checkpoint {
  const tensors: Record<string, Float32Array> = {};
  for (const [name, w] of Object.entries(weights)) tensors[`param:${name}`] = w;
  for (const name of Object.keys(adam.steps)) {
    tensors[`adam.m:${name}`] = adam.m[name];
    tensors[`adam.v:${name}`] = adam.v[name];
  }
  const { model } = state;
  return {
    header: {
      format: 'dede-checkpoint',
      version: VERSION,
      cfg: { ...model.cfg },
      imageSize: model.imageSize,
      embDim: model.embDim,
      opts: { ...state.opts },
      seed: state.seed,
      epoch: state.epoch,
      step: state.step,
      epochStep: state.epochStep,
      epochLossSum: state.epochLossSum,
      epochLossCount: state.epochLossCount,
      lossHistory: [...state.lossHistory],
      adamSteps: { ...adam.steps },
      tensors: Object.entries(tensors).map(([name, a]) => ({ name, length: a.length })),
    },
    tensors,
  };
}

/** A live training state (new tensors on the current backend) from a checkpoint. */
export function loadCheckpoint(cp: Checkpoint): TrainState {
  const h = cp.header;
  if (h.format !== 'dede-checkpoint') throw new Error('not a DeDe checkpoint');
  if (h.version !== VERSION) throw new Error(`checkpoint version ${h.version} is not supported (expected ${VERSION})`);
  const model = DedeModel.create(h.cfg, h.imageSize, h.embDim, h.seed);
  const optimizer = new Adam({ ...ADAM_DEFAULTS, lr: h.opts.lr, weightDecay: h.opts.weightDecay });
  try {
    const weights: Record<string, Float32Array> = {};
    for (const name of model.variables.keys()) weights[name] = cp.tensors[`param:${name}`];
    model.setWeights(weights);
    const m: Record<string, Float32Array> = {};
    const v: Record<string, Float32Array> = {};
    for (const name of Object.keys(h.adamSteps)) {
      m[name] = cp.tensors[`adam.m:${name}`];
      v[name] = cp.tensors[`adam.v:${name}`];
    }
    optimizer.restore(model.variables, { steps: h.adamSteps, m, v });
  } catch (e) {
    model.dispose();
    optimizer.dispose();
    throw new Error(`checkpoint does not fit its own architecture: ${(e as Error).message}`);
  }
  return {
    model,
    optimizer,
    opts: { ...h.opts },
    seed: h.seed,
    epoch: h.epoch,
    step: h.step,
    epochStep: h.epochStep,
    epochLossSum: h.epochLossSum,
    epochLossCount: h.epochLossCount,
    lossHistory: [...h.lossHistory],
  };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** One buffer holding the whole checkpoint (see the file comment for the layout); `half` stores float16. */
export function checkpointToBytes(cp: Checkpoint, half = false): Uint8Array {
  const width = half ? 2 : 4;
  const header = new TextEncoder().encode(JSON.stringify(half ? { ...cp.header, dtype: 'float16' } : cp.header));
  const dataStart = Math.ceil((MAGIC.length + 4 + header.length) / 4) * 4;
  let floats = 0;
  for (const t of cp.header.tensors) {
    const a = cp.tensors[t.name];
    if (!a || a.length !== t.length) throw new Error(`checkpoint tensor ${t.name} is missing or has the wrong length`);
    floats += t.length;
  }
  const out = new Uint8Array(dataStart + floats * width);
  const view = new DataView(out.buffer);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(MAGIC.length, header.length, true);
  out.set(header, MAGIC.length + 4);
  let at = dataStart;
  for (const t of cp.header.tensors) {
    const a = cp.tensors[t.name];
    if (half) for (let i = 0; i < a.length; i++) view.setUint16(at + i * 2, toHalf(a[i]), true);
    else if (LITTLE_ENDIAN) out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    else for (let i = 0; i < a.length; i++) view.setFloat32(at + i * 4, a[i], true);
    at += a.length * width;
  }
  return out;
}

/** Parses `checkpointToBytes` output; throws a readable Error on a truncated or foreign file. */
export function checkpointFromBytes(bytes: Uint8Array): Checkpoint {
  const fail = (why: string): never => {
    throw new Error(`not a valid DeDe checkpoint: ${why}`);
  };
  if (bytes.length < MAGIC.length + 4) fail('file too short');
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) fail('wrong magic bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getUint32(MAGIC.length, true);
  if (MAGIC.length + 4 + headerLen > bytes.length) fail('truncated header');
  let header: CheckpointHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLen)));
  } catch {
    return fail('unreadable header');
  }
  if (header.format !== 'dede-checkpoint' || !Array.isArray(header.tensors)) fail('unexpected header');
  let at = Math.ceil((MAGIC.length + 4 + headerLen) / 4) * 4;
  const half = header.dtype === 'float16';
  const width = half ? 2 : 4;
  const tensors: Record<string, Float32Array> = {};
  for (const t of header.tensors) {
    if (at + t.length * width > bytes.length) fail(`truncated data at ${t.name}`);
    const a = new Float32Array(t.length);
    if (half) for (let i = 0; i < t.length; i++) a[i] = fromHalf(view.getUint16(at + i * 2, true));
    else if (LITTLE_ENDIAN) new Uint8Array(a.buffer).set(bytes.subarray(at, at + t.length * 4));
    else for (let i = 0; i < t.length; i++) a[i] = view.getFloat32(at + i * 4, true);
    tensors[t.name] = a;
    at += t.length * width;
  }
  delete header.dtype;
  return { header, tensors };
}
