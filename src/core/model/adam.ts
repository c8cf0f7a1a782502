/**
 * Adam exactly as torch.optim.Adam(weight_decay=wd) does it (L2 coupled into the gradient,
 * per-parameter step counts, parameters without a gradient skipped), over our own
 * tf.Variables so that the moments and steps can be checkpointed as plain arrays.
 */
import * as tf from '@tensorflow/tfjs';

export interface AdamConfig {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export const ADAM_DEFAULTS = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

/** Plain-data optimizer state, keyed by parameter name. */
export interface AdamSnapshot {
  steps: Record<string, number>;
  m: Record<string, Float32Array>;
  v: Record<string, Float32Array>;
}

interface Slot {
  step: number;
  m: tf.Variable;
  v: tf.Variable;
}

export class Adam {
  private readonly slots = new Map<string, Slot>();

  constructor(public config: AdamConfig) {}

  /**
   * One update for every parameter that has a gradient (`grads` as tf.variableGrads returns
   * them, keyed by the tf.Variable's own name; the moments are keyed by our parameter name):
   * g += wd p; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
   * p -= lr / (1-b1^t) * m / (sqrt(v) / sqrt(1-b2^t) + eps).
   */
  apply(params: ReadonlyMap<string, tf.Variable>, grads: Record<string, tf.Tensor>): void {
    const { lr, beta1, beta2, eps, weightDecay } = this.config;
    tf.tidy(() => {
      for (const [name, p] of params) {
        const g0 = grads[p.name];
        if (!g0) continue;
        const slot = this.slot(name, p);
        slot.step += 1;
        const bc1 = 1 - beta1 ** slot.step;
        const bc2 = 1 - beta2 ** slot.step;
        const g = weightDecay !== 0 ? tf.add(g0, tf.mul(p, weightDecay)) : g0;
        const m = tf.add(tf.mul(slot.m, beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(slot.v, beta2), tf.mul(tf.square(g), 1 - beta2));
        slot.m.assign(m);
        slot.v.assign(v);
        const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(bc2)), eps);
        p.assign(tf.sub(p, tf.mul(tf.div(m, denom), lr / bc1)));
      }
    });
  }

  snapshot(): AdamSnapshot {
    const out: AdamSnapshot = { steps: {}, m: {}, v: {} };
    for (const [name, s] of this.slots) {
      out.steps[name] = s.step;
      out.m[name] = s.m.dataSync() as Float32Array;
      out.v[name] = s.v.dataSync() as Float32Array;
    }
    return out;
  }

  /** `snapshot` without a synchronous GPU readback. */
  async snapshotAsync(): Promise<AdamSnapshot> {
    const out: AdamSnapshot = { steps: {}, m: {}, v: {} };
    for (const [name, s] of this.slots) {
      out.steps[name] = s.step;
      out.m[name] = (await s.m.data()) as Float32Array;
      out.v[name] = (await s.v.data()) as Float32Array;
    }
    return out;
  }

  /** Restores moments for the named parameters (their shapes taken from `params`). */
  restore(params: ReadonlyMap<string, tf.Variable>, snap: AdamSnapshot): void {
    this.disposeSlots();
    for (const name of Object.keys(snap.steps)) {
      const p = params.get(name);
      if (!p) throw new Error(`optimizer state names unknown parameter ${name}`);
      const m = snap.m[name];
      const v = snap.v[name];
      if (!m || !v || m.length !== p.size || v.length !== p.size)
        throw new Error(`optimizer state for ${name} does not match its parameter`);
      this.slots.set(name, {
        step: snap.steps[name],
        m: tf.variable(tf.tensor(m, p.shape), false),
        v: tf.variable(tf.tensor(v, p.shape), false),
      });
    }
  }

  dispose(): void {
    this.disposeSlots();
  }

  private slot(name: string, p: tf.Variable): Slot {
    let s = this.slots.get(name);
    if (!s) {
      s = { step: 0, m: tf.variable(tf.zerosLike(p), false), v: tf.variable(tf.zerosLike(p), false) };
      this.slots.set(name, s);
    }
    return s;
  }

  private disposeSlots(): void {
    for (const s of this.slots.values()) {
      s.m.dispose();
      s.v.dispose();
    }
    this.slots.clear();
  }
}
