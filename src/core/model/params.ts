/**
 * Named trainable parameters with seeded initialisation. Values are generated on the CPU
 * from our own Rng (not tf.random*), so a given seed yields the same weights on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from './rng';
import type { BlockParams, LinearParams, NormParams } from './layers';

export type Init = { kind: 'xavier' } | { kind: 'normal'; std: number } | { kind: 'zeros' } | { kind: 'ones' };

/** Values for `shape` under `init`; xavier-uniform takes fan_in = shape[0], fan_out = shape[1]. */
export function initValues(shape: number[], init: Init, rng: Rng): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  switch (init.kind) {
    case 'xavier': {
      const a = Math.sqrt(6 / (shape[0] + shape[1]));
      for (let i = 0; i < n; i++) out[i] = (2 * rng.next() - 1) * a;
      break;
    }
    case 'normal':
      for (let i = 0; i < n; i++) out[i] = rng.normal() * init.std;
      break;
    case 'ones':
      out.fill(1);
      break;
    case 'zeros':
      break;
  }
  return out;
}

/** An ordered set of named tf.Variables (tfjs assigns the variables' own unique names). */
export class ParamStore {
  readonly vars = new Map<string, tf.Variable>();

  constructor(private readonly rng: Rng) {}

  add<R extends tf.Rank>(name: string, shape: number[], init: Init): tf.Variable<R> {
    if (this.vars.has(name)) throw new Error(`duplicate parameter ${name}`);
    const v = tf.variable(tf.tensor(initValues(shape, init, this.rng), shape), true) as unknown as tf.Variable<R>;
    this.vars.set(name, v);
    return v;
  }

  linear(name: string, inDim: number, outDim: number, bias = true): LinearParams {
    return {
      w: this.add<tf.Rank.R2>(`${name}.w`, [inDim, outDim], { kind: 'xavier' }),
      b: bias ? this.add<tf.Rank.R1>(`${name}.b`, [outDim], { kind: 'zeros' }) : undefined,
    };
  }

  norm(name: string, dim: number): NormParams {
    return {
      g: this.add<tf.Rank.R1>(`${name}.g`, [dim], { kind: 'ones' }),
      b: this.add<tf.Rank.R1>(`${name}.b`, [dim], { kind: 'zeros' }),
    };
  }

  block(name: string, dim: number, mlpRatio: number): BlockParams {
    const hidden = Math.round(dim * mlpRatio);
    return {
      ln1: this.norm(`${name}.ln1`, dim),
      qkv: this.linear(`${name}.attn.qkv`, dim, 3 * dim, false),
      proj: this.linear(`${name}.attn.proj`, dim, dim),
      ln2: this.norm(`${name}.ln2`, dim),
      fc1: this.linear(`${name}.mlp.fc1`, dim, hidden),
      fc2: this.linear(`${name}.mlp.fc2`, hidden, dim),
    };
  }

  count(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}
