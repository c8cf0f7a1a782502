/**
 * One DeDe training step as an ONNX graph: the decoder's forward pass exactly as
 * `DedeModel.predictPatches` computes it, the masked loss of `DedeModel.loss`, its gradients,
 * and the Adam update of `adam.ts` (torch's coupled weight decay). Shapes are static: one graph
 * per (batch size, visible patches). Parameters and Adam moments go in and come out each step.
 */
import type { ModelConfig } from '../../options';
import { LN_EPS } from '../layers';
import { GraphBuilder, type V } from './graph';

export interface StepGraphSpec {
  cfg: ModelConfig;
  imageSize: number;
  embDim: number;
  batch: number;
  /** Visible patches per sample (keepCount of the mask ratio). */
  keep: number;
  /** Parameter shapes by name, as DedeModel creates them. */
  params: ReadonlyMap<string, readonly number[]>;
  adam: { beta1: number; beta2: number; eps: number; weightDecay: number };
}

/** Names the step graph reads and writes. */
export const IO = {
  images: 'images',
  emb: 'emb',
  masked: 'masked',
  select: 'select',
  lossScale: 'loss_scale',
  loss: 'loss',
  pred: 'pred',
  param: (n: string) => `p:${n}`,
  m: (n: string) => `m:${n}`,
  v: (n: string) => `v:${n}`,
  /** lr / (1 - beta1^t) for this parameter's step t. */
  stepSize: (n: string) => `lr:${n}`,
  /** sqrt(1 - beta2^t). */
  bias2: (n: string) => `bc2:${n}`,
  out: (kind: 'p' | 'm' | 'v', n: string) => `new_${kind}:${n}`,
};

export interface StepGraph {
  bytes: Uint8Array;
  /** Parameters the step updates (the others get no gradient at this keep, e.g. the patch encoder at keep 0). */
  trained: string[];
  /** FLOPs of the step's matrix products (forward and backward), for achieved-GFLOP/s figures. */
  matmulFlops: number;
}

/** What the decoder's forward pass needs to know (the step graph adds the optimizer's settings). */
export type ForwardSpec = Omit<StepGraphSpec, 'adam'>;

interface Forward {
  /** Predicted patches [B, T, 3p^2]. */
  pred: V;
  /** The input's patches [B, T, 3p^2] (null when the graph does not read the images). */
  target: V | null;
  masked: V;
  /** The parameters the pass reads, by name. */
  params: Map<string, V>;
}

/**
 * The decoder's forward pass into `g`, as DedeModel.predictPatches computes it; `grad` marks the
 * parameters for differentiation. `needImages` false (a prediction without visible patches)
 * leaves the images out of the graph.
 */
function decoderForward(g: GraphBuilder, spec: ForwardSpec, grad: boolean, needImages: boolean): Forward {
  const { cfg, imageSize: s, embDim, batch: b, keep } = spec;
  const p = cfg.patch;
  const grid = s / p;
  const t = grid * grid;
  const pd = 3 * p * p;
  const d = cfg.dim;
  const params = new Map<string, V>();
  const param = (name: string): V => {
    let v = params.get(name);
    if (!v) {
      const shape = spec.params.get(name);
      if (!shape) throw new Error(`step graph: unknown parameter ${name}`);
      v = g.input(IO.param(name), [...shape], grad);
      params.set(name, v);
    }
    return v;
  };
  const linear = (x: V, name: string, bias = true): V => {
    const y = g.matmul(x, param(`${name}.w`));
    return bias ? g.add(y, param(`${name}.b`)) : y;
  };
  const norm = (x: V, name: string): V => g.layerNorm(x, param(`${name}.g`), param(`${name}.b`), LN_EPS);
  /** Pre-norm transformer block over x [b*n, d]. */
  const block = (x: V, n: number, name: string): V => {
    const h = cfg.heads;
    const dh = d / h;
    const a = norm(x, `${name}.ln1`);
    const w = param(`${name}.attn.qkv.w`);
    const heads = (i: number): V => {
      const part = g.matmul(a, g.slice(w, 1, i * d, (i + 1) * d));
      return g.transpose(g.reshape(part, [b, n, h, dh]), [0, 2, 1, 3]);
    };
    const [q, k, v] = [0, 1, 2].map(heads);
    const attn = g.softmax(g.matmul(q, k, { transB: true, alpha: 1 / Math.sqrt(dh) }));
    const merged = g.reshape(g.transpose(g.matmul(attn, v), [0, 2, 1, 3]), [b * n, d]);
    const x1 = g.add(x, linear(merged, `${name}.attn.proj`));
    const m = linear(g.gelu(linear(norm(x1, `${name}.ln2`), `${name}.mlp.fc1`)), `${name}.mlp.fc2`);
    return g.add(x1, m);
  };

  let target: V | null = null;
  if (needImages || keep > 0) {
    const images = g.input(IO.images, [b, s, s, 3]);
    // patchify: [B,S,S,3] -> [B*g, p, g, 3p] -> [B*g, g, p, 3p] -> [B, T, 3p^2] (no gradient needed)
    const r1 = g.emit('Reshape', [images.name, g.ints([b * grid, p, grid, p * 3])], [b * grid, p, grid, p * 3]);
    const tr = g.emit('Transpose', [r1.name], [b * grid, grid, p, p * 3], { perm: [0, 2, 1, 3] });
    target = g.emit('Reshape', [tr.name, g.ints([b, t, pd])], [b, t, pd]);
  }
  const emb = g.input(IO.emb, [b, embDim]);
  const masked = g.input(IO.masked, [b, t, 1]);

  const injected = g.reshape(linear(emb, 'inject', false), [b, 1, d]);
  const hidden = g.mul(masked, param('dec.mask'));
  let restored: V;
  if (keep === 0) {
    restored = hidden;
  } else {
    const sel = g.input(IO.select, [b, keep, t]);
    const tokens = g.add(g.reshape(linear(g.reshape(target!, [b * t, pd]), 'enc.patch'), [b, t, d]), param('enc.pos'));
    const visible = g.matmul(sel, tokens);
    const cls = g.add(g.emit('Expand', [g.scalar(0).name, g.ints([b, 1, d])], [b, 1, d]), param('enc.cls'));
    let x = g.reshape(g.concat([cls, visible], 1), [b * (keep + 1), d]);
    for (let i = 0; i < cfg.encDepth; i++) x = block(x, keep + 1, `enc.block${i}`);
    const kept = g.slice(g.reshape(x, [b, keep + 1, d]), 1, 1, keep + 1);
    const encoded = norm(kept, 'enc.norm');
    restored = g.add(g.matmul(sel, encoded, { transA: true }), hidden);
  }
  let y = g.reshape(g.add(g.concat([injected, restored], 1), param('dec.pos')), [b * (t + 1), d]);
  for (let i = 0; i < cfg.decDepth; i++) y = block(y, t + 1, `dec.block${i}`);
  const body = g.reshape(g.slice(g.reshape(y, [b, t + 1, d]), 1, 1, t + 1), [b * t, d]);
  const pred = g.reshape(linear(body, 'dec.head'), [b, t, pd]);
  return { pred, target, masked, params };
}

/** The forward pass alone: predicted patches for scoring and rebuilds (no loss, no gradient). */
export function buildPredictGraph(spec: ForwardSpec): { bytes: Uint8Array; params: string[] } {
  const g = new GraphBuilder();
  const { pred, params } = decoderForward(g, spec, false, false);
  g.output(pred, IO.pred);
  return { bytes: g.encode(`dede_predict_b${spec.batch}_k${spec.keep}`), params: [...params.keys()] };
}

export function buildStepGraph(spec: StepGraphSpec): StepGraph {
  const g = new GraphBuilder();
  const { pred, params, masked, target: t0 } = decoderForward(g, spec, true, true);
  const target = t0!;
  const lossScale = g.input(IO.lossScale, []);

  // loss = sum((pred - target)^2 * M) * scale; d loss / d pred = 2 (pred - target) M scale
  const diff = g.emit('Sub', [pred.name, target.name], pred.shape);
  const dm = g.emit('Mul', [diff.name, masked.name], pred.shape);
  const sq = g.emit('Mul', [dm.name, diff.name], pred.shape);
  const total = g.emit('ReduceSum', [sq.name], [], { keepdims: 0 });
  g.output(g.emit('Mul', [total.name, lossScale.name], []), IO.loss);
  const twice = g.emit('Mul', [lossScale.name, g.scalar(2).name], []);
  const seed = g.emit('Mul', [dm.name, twice.name], pred.shape);

  const grads = g.gradients(pred, seed, [...params.values()]);
  const { beta1, beta2, eps, weightDecay } = spec.adam;
  const trained: string[] = [];
  for (const [name, pv] of params) {
    const grad = grads.get(pv.name);
    if (!grad) continue;
    trained.push(name);
    const shape = pv.shape;
    const m = g.input(IO.m(name), [...shape]);
    const v = g.input(IO.v(name), [...shape]);
    const lr = g.input(IO.stepSize(name), []);
    const bc2 = g.input(IO.bias2(name), []);
    const op = (type: string, x: V, y: V): V => g.emit(type, [x.name, y.name], shape);
    const gw = weightDecay !== 0 ? op('Add', grad, op('Mul', pv, g.scalar(weightDecay))) : grad;
    const m1 = op('Add', op('Mul', m, g.scalar(beta1)), op('Mul', gw, g.scalar(1 - beta1)));
    const v1 = op('Add', op('Mul', v, g.scalar(beta2)), op('Mul', op('Mul', gw, gw), g.scalar(1 - beta2)));
    const denom = op('Add', op('Div', g.emit('Sqrt', [v1.name], shape), bc2), g.scalar(eps));
    const p1 = op('Sub', pv, op('Mul', op('Div', m1, denom), lr));
    g.output(p1, IO.out('p', name));
    g.output(m1, IO.out('m', name));
    g.output(v1, IO.out('v', name));
  }
  return { bytes: g.encode(`dede_step_b${spec.batch}_k${spec.keep}`), trained, matmulFlops: g.matmulFlops };
}
