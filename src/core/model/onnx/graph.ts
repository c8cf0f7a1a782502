/**
 * A static-shape ONNX graph builder with reverse-mode differentiation: each differentiable op
 * emits its forward node(s) and records how to emit its gradient nodes, so a training step
 * (forward, gradients, optimizer update) becomes one ONNX graph that onnxruntime runs with its
 * native kernels. Only the ops the DeDe decoder uses are here, each with its gradient written
 * out in ONNX ops (onnxruntime's inference builds carry no gradient kernels).
 */
import { encodeModel, type AttrValue, type NodeSpec, type TensorSpec, type ValueSpec } from './proto';

/** A graph value: its name and its (static) shape. */
export interface V {
  readonly name: string;
  readonly shape: readonly number[];
  /** True when a gradient flows back to a parameter through it. */
  readonly grad: boolean;
}

type Backward = (dy: V) => (V | null)[];

interface TapeEntry {
  out: V;
  inputs: V[];
  backward: Backward;
}

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

export const OPSET = 17;

export class GraphBuilder {
  readonly nodes: NodeSpec[] = [];
  private readonly inits: TensorSpec[] = [];
  private readonly ins: ValueSpec[] = [];
  private readonly outs: ValueSpec[] = [];
  private readonly tape: TapeEntry[] = [];
  private readonly consts = new Map<string, V>();
  private counter = 0;
  /** Multiply-add FLOPs (2 per multiply-add) of every matrix product emitted so far. */
  matmulFlops = 0;

  /** A graph input; `grad` marks a parameter to differentiate with respect to. */
  input(name: string, shape: number[], grad = false): V {
    this.ins.push({ name, dims: shape, type: 'float' });
    return { name, shape, grad };
  }

  /** Exposes `v` as a graph output called `name`. */
  output(v: V, name: string): void {
    if (v.name !== name) this.emit('Identity', [v.name], v.shape, {}, undefined, name);
    this.outs.push({ name, dims: [...v.shape], type: 'float' });
  }

  /** The serialised model. */
  encode(name: string): Uint8Array {
    return encodeModel({ name, nodes: this.nodes, initializers: this.inits, inputs: this.ins, outputs: this.outs, opset: OPSET });
  }

  private fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  /** Emits one node with one output (or `extra` more, returned by name); no gradient recorded. */
  emit(op: string, inputs: string[], shape: readonly number[], attrs: Record<string, AttrValue> = {}, domain?: string, name?: string, extra = 0): V & { extras: string[] } {
    const out = name ?? this.fresh(op);
    const extras = Array.from({ length: extra }, () => this.fresh(`${op}_x`));
    this.nodes.push({ op, inputs, outputs: [out, ...extras], attrs, domain });
    return { name: out, shape: [...shape], grad: false, extras };
  }

  /** A float scalar constant (deduplicated). */
  scalar(x: number): V {
    const key = `f${x}`;
    let c = this.consts.get(key);
    if (!c) {
      const raw = new Uint8Array(4);
      new DataView(raw.buffer).setFloat32(0, x, true);
      c = { name: this.fresh('const'), shape: [], grad: false };
      this.inits.push({ name: c.name, dims: [], type: 'float', raw });
      this.consts.set(key, c);
    }
    return c;
  }

  /** A float tensor constant (an initializer: the runtime holds it, and may pre-pack it for its products). */
  constant(data: Float32Array, shape: number[]): V {
    if (data.length !== size(shape)) throw new Error(`constant of ${data.length} values is not [${shape}]`);
    const v = { name: this.fresh('init'), shape, grad: false };
    this.inits.push({ name: v.name, dims: shape, type: 'float', raw: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
    return v;
  }

  /** An int64 vector constant (shapes, axes, pads). */
  ints(xs: readonly number[]): string {
    const key = `i${xs.join(',')}`;
    let c = this.consts.get(key);
    if (!c) {
      const raw = new Uint8Array(8 * xs.length);
      const view = new DataView(raw.buffer);
      xs.forEach((x, i) => view.setBigInt64(8 * i, BigInt(x), true));
      c = { name: this.fresh('shape'), shape: [xs.length], grad: false };
      this.inits.push({ name: c.name, dims: [xs.length], type: 'int64', raw });
      this.consts.set(key, c);
    }
    return c.name;
  }

  private record(out: V & { extras?: string[] }, inputs: V[], backward: Backward): V {
    const grad = inputs.some((i) => i.grad);
    const v = { name: out.name, shape: out.shape, grad };
    if (grad) this.tape.push({ out: v, inputs, backward });
    return v;
  }

  // ---- differentiable ops -------------------------------------------------------------

  /** alpha * op(a) op(b) over the last two axes (batch axes equal), op = transpose when asked. */
  matmul(a: V, b: V, opts: { transA?: boolean; transB?: boolean; alpha?: number } = {}): V {
    const tA = opts.transA ?? false;
    const tB = opts.transB ?? false;
    const alpha = opts.alpha ?? 1;
    const r = a.shape.length;
    const m = tA ? a.shape[r - 1] : a.shape[r - 2];
    const n = tB ? b.shape[r - 2] : b.shape[r - 1];
    const shape = [...a.shape.slice(0, r - 2), m, n];
    const out = this.rawMatmul(a, b, tA, tB, alpha, shape);
    return this.record(out, [a, b], (dy) => {
      let da: V | null = null;
      let db: V | null = null;
      if (a.grad) da = tA ? this.rawMatmul(b, dy, tB, true, alpha, a.shape) : this.rawMatmul(dy, b, false, !tB, alpha, a.shape);
      if (b.grad) db = tB ? this.rawMatmul(dy, a, true, tA, alpha, b.shape) : this.rawMatmul(a, dy, !tA, false, alpha, b.shape);
      return [da, db];
    });
  }

  private rawMatmul(a: V, b: V, tA: boolean, tB: boolean, alpha: number, shape: readonly number[]): V {
    const k = tA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
    this.matmulFlops += 2 * k * size(shape);
    if (a.shape.length === 2 && b.shape.length === 2 && (tA || tB || alpha !== 1))
      return this.emit('Gemm', [a.name, b.name], shape, { transA: +tA, transB: +tB, alpha: { float: alpha } });
    if (!tA && !tB && alpha === 1) return this.emit('MatMul', [a.name, b.name], shape);
    return this.emit('FusedMatMul', [a.name, b.name], shape, { transA: +tA, transB: +tB, alpha: { float: alpha } }, 'com.microsoft');
  }

  /** Sums `g` down to `shape` (the reverse of numpy broadcasting). */
  unbroadcast(g: V, shape: readonly number[]): V {
    const r = g.shape.length;
    const k = shape.length;
    const axes: number[] = [];
    for (let i = 0; i < r; i++) {
      const j = i - (r - k);
      if (j < 0 || (shape[j] === 1 && g.shape[i] !== 1)) axes.push(i);
    }
    if (axes.length === 0) return g;
    const kept = g.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    let out: V = this.emit('ReduceSum', [g.name, this.ints(axes)], kept, { keepdims: 1 });
    if (k !== r) out = this.emit('Reshape', [out.name, this.ints(shape)], shape);
    return out;
  }

  private broadcastShape(a: readonly number[], b: readonly number[]): number[] {
    const r = Math.max(a.length, b.length);
    return Array.from({ length: r }, (_, i) => {
      const x = a[i - (r - a.length)] ?? 1;
      const y = b[i - (r - b.length)] ?? 1;
      if (x !== y && x !== 1 && y !== 1) throw new Error(`cannot broadcast [${a}] with [${b}]`);
      return Math.max(x, y);
    });
  }

  add(a: V, b: V): V {
    const out = this.emit('Add', [a.name, b.name], this.broadcastShape(a.shape, b.shape));
    return this.record(out, [a, b], (dy) => [a.grad ? this.unbroadcast(dy, a.shape) : null, b.grad ? this.unbroadcast(dy, b.shape) : null]);
  }

  mul(a: V, b: V): V {
    const out = this.emit('Mul', [a.name, b.name], this.broadcastShape(a.shape, b.shape));
    return this.record(out, [a, b], (dy) => [
      a.grad ? this.unbroadcast(this.emit('Mul', [dy.name, b.name], dy.shape), a.shape) : null,
      b.grad ? this.unbroadcast(this.emit('Mul', [dy.name, a.name], dy.shape), b.shape) : null,
    ]);
  }

  /** x times a constant. */
  scale(x: V, s: number): V {
    const out = this.emit('Mul', [x.name, this.scalar(s).name], x.shape);
    return this.record(out, [x], (dy) => [this.emit('Mul', [dy.name, this.scalar(s).name], dy.shape)]);
  }

  reshape(x: V, shape: number[]): V {
    if (size(shape) !== size(x.shape)) throw new Error(`reshape [${x.shape}] -> [${shape}]`);
    const out = this.emit('Reshape', [x.name, this.ints(shape)], shape);
    return this.record(out, [x], (dy) => [this.emit('Reshape', [dy.name, this.ints(x.shape)], x.shape)]);
  }

  transpose(x: V, perm: number[]): V {
    const out = this.emit('Transpose', [x.name], perm.map((p) => x.shape[p]), { perm });
    const inv = perm.map((_, i) => perm.indexOf(i));
    return this.record(out, [x], (dy) => [this.emit('Transpose', [dy.name], x.shape, { perm: inv })]);
  }

  concat(parts: V[], axis: number): V {
    const shape = [...parts[0].shape];
    shape[axis] = parts.reduce((s, p) => s + p.shape[axis], 0);
    const out = this.emit('Concat', parts.map((p) => p.name), shape, { axis });
    return this.record(out, parts, (dy) => {
      let at = 0;
      return parts.map((p) => {
        const from = at;
        at += p.shape[axis];
        return p.grad ? this.rawSlice(dy, axis, from, at) : null;
      });
    });
  }

  private rawSlice(x: V, axis: number, start: number, end: number): V {
    const shape = [...x.shape];
    shape[axis] = end - start;
    return this.emit('Slice', [x.name, this.ints([start]), this.ints([end]), this.ints([axis])], shape);
  }

  slice(x: V, axis: number, start: number, end: number): V {
    const out = this.rawSlice(x, axis, start, end);
    return this.record(out, [x], (dy) => {
      const r = x.shape.length;
      const pads = new Array<number>(2 * r).fill(0);
      pads[axis] = start;
      pads[r + axis] = x.shape[axis] - end;
      return [this.emit('Pad', [dy.name, this.ints(pads)], x.shape)];
    });
  }

  /** Softmax over the last axis. */
  softmax(x: V): V {
    const y = this.emit('Softmax', [x.name], x.shape, { axis: -1 });
    return this.record(y, [x], (dy) => {
      const last = [x.shape.length - 1];
      const dyy = this.emit('Mul', [dy.name, y.name], dy.shape);
      const s = this.emit('ReduceSum', [dyy.name, this.ints(last)], [...x.shape.slice(0, -1), 1], { keepdims: 1 });
      const d = this.emit('Sub', [dy.name, s.name], dy.shape);
      return [this.emit('Mul', [d.name, y.name], dy.shape)];
    });
  }

  /** LayerNorm over the last axis with scale g and shift b (biased variance, eps inside the root). */
  layerNorm(x: V, g: V, b: V, eps: number): V {
    const stat = [...x.shape.slice(0, -1), 1];
    const y = this.emit('LayerNormalization', [x.name, g.name, b.name], x.shape, { axis: -1, epsilon: { float: eps } }, undefined, undefined, 2);
    const [mean, inv] = y.extras;
    return this.record(y, [x, g, b], (dy) => {
      const last = { axes: [x.shape.length - 1], keepdims: 1 };
      const centred = this.emit('Sub', [x.name, mean], x.shape);
      const xhat = this.emit('Mul', [centred.name, inv], x.shape);
      const dg = g.grad ? this.unbroadcast(this.emit('Mul', [dy.name, xhat.name], x.shape), g.shape) : null;
      const db = b.grad ? this.unbroadcast(dy, b.shape) : null;
      let dx: V | null = null;
      if (x.grad) {
        const dxhat = this.emit('Mul', [dy.name, g.name], x.shape);
        const m1 = this.emit('ReduceMean', [dxhat.name], stat, last);
        const prod = this.emit('Mul', [dxhat.name, xhat.name], x.shape);
        const m2 = this.emit('ReduceMean', [prod.name], stat, last);
        const t1 = this.emit('Sub', [dxhat.name, m1.name], x.shape);
        const t2 = this.emit('Mul', [xhat.name, m2.name], x.shape);
        const t3 = this.emit('Sub', [t1.name, t2.name], x.shape);
        dx = this.emit('Mul', [t3.name, inv], x.shape);
      }
      return [dx, dg, db];
    });
  }

  /** Exact GELU, 0.5 x (1 + erf(x / sqrt 2)). */
  gelu(x: V): V {
    const e = this.emit('Erf', [this.emit('Mul', [x.name, this.scalar(Math.SQRT1_2).name], x.shape).name], x.shape);
    const cdf = this.emit('Mul', [this.emit('Add', [e.name, this.scalar(1).name], x.shape).name, this.scalar(0.5).name], x.shape);
    const y = this.emit('Mul', [x.name, cdf.name], x.shape);
    return this.record(y, [x], (dy) => {
      const sq = this.emit('Mul', [x.name, x.name], x.shape);
      const ex = this.emit('Exp', [this.emit('Mul', [sq.name, this.scalar(-0.5).name], x.shape).name], x.shape);
      const xpdf = this.emit('Mul', [this.emit('Mul', [ex.name, this.scalar(1 / Math.sqrt(2 * Math.PI)).name], x.shape).name, x.name], x.shape);
      const slope = this.emit('Add', [cdf.name, xpdf.name], x.shape);
      return [this.emit('Mul', [dy.name, slope.name], x.shape)];
    });
  }

  /**
   * Gradients of the scalar function whose gradient with respect to `root` is `seed`, for every
   * value in `wrt`; a parameter that the function does not reach gets null.
   */
  gradients(root: V, seed: V, wrt: V[]): Map<string, V | null> {
    const acc = new Map<string, V>([[root.name, seed]]);
    for (let i = this.tape.length - 1; i >= 0; i--) {
      const e = this.tape[i];
      const dy = acc.get(e.out.name);
      if (!dy) continue;
      const ds = e.backward(dy);
      e.inputs.forEach((inp, j) => {
        const d = ds[j];
        if (!d || !inp.grad) return;
        const prev = acc.get(inp.name);
        acc.set(inp.name, prev ? this.emit('Add', [prev.name, d.name], inp.shape) : d);
      });
    }
    return new Map(wrt.map((w) => [w.name, acc.get(w.name) ?? null]));
  }
}
