import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam } from './adam';
import { gelu, layerNorm, linear, qkvProjections } from './layers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('layers', () => {
  it('gelu is the exact erf form', () => {
    // x * Phi(x): Phi(1) = 0.8413447, Phi(-1) = 0.1586553, Phi(2) = 0.9772499
    const y = gelu(tf.tensor1d([1, -1, 2, 0])).dataSync();
    expect(y[0]).toBeCloseTo(0.8413447, 5);
    expect(y[1]).toBeCloseTo(-0.1586553, 5);
    expect(y[2]).toBeCloseTo(1.9544997, 5);
    expect(y[3]).toBe(0);
  });

  it('layerNorm uses the biased variance and eps 1e-5', () => {
    const y = layerNorm(tf.tensor2d([[1, 2, 3]]), { g: tf.tensor1d([1, 1, 2]), b: tf.tensor1d([0, 0, 1]) }).dataSync();
    const s = Math.sqrt(2 / 3 + 1e-5);
    expect(y[0]).toBeCloseTo(-1 / s, 5);
    expect(y[1]).toBeCloseTo(0, 6);
    expect(y[2]).toBeCloseTo((2 * 1) / s + 1, 5);
  });

  it("linear's transpose-free gradient equals the stock matMul gradient", () => {
    const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 1);
    const w = tf.randomNormal([3, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
    const b = tf.randomNormal([4], 0, 1, 'float32', 3) as tf.Tensor1D;
    const up = tf.randomNormal([2, 5, 4], 0, 1, 'float32', 4);
    const ours = tf.grads((xx, ww, bb) => tf.sum(tf.mul(linear(xx, { w: ww as tf.Tensor2D, b: bb as tf.Tensor1D }), up)))([x, w, b]);
    const stock = tf.grads((xx, ww, bb) =>
      tf.sum(tf.mul(tf.add(tf.matMul(xx.reshape([10, 3]), ww as tf.Tensor2D), bb).reshape([2, 5, 4]), up)),
    )([x, w, b]);
    for (let i = 0; i < 3; i++) {
      expect(ours[i].shape).toEqual(stock[i].shape);
      expect(tf.max(tf.abs(tf.sub(ours[i], stock[i]))).dataSync()[0]).toBeLessThan(1e-5);
    }
  });

  it('q, k, v from the split weight equal the split product, values and gradients', () => {
    const x = tf.randomNormal([7, 4], 0, 1, 'float32', 5) as tf.Tensor2D;
    const w = tf.randomNormal([4, 12], 0, 1, 'float32', 6) as tf.Tensor2D;
    const ups = [7, 8, 9].map((s) => tf.randomNormal([7, 4], 0, 1, 'float32', s));
    const loss = (parts: tf.Tensor[]) => tf.addN(parts.map((t, i) => tf.sum(tf.mul(t, ups[i]))));
    const ours = qkvProjections(x, w);
    const stock = tf.split(tf.matMul(x, w), 3, 1);
    for (let i = 0; i < 3; i++) {
      expect(ours[i].shape).toEqual([7, 4]);
      expect(tf.max(tf.abs(tf.sub(ours[i], stock[i]))).dataSync()[0]).toBeLessThan(1e-5);
    }
    const g = tf.grads((xx, ww) => loss(qkvProjections(xx as tf.Tensor2D, ww as tf.Tensor2D)))([x, w]);
    const gs = tf.grads((xx, ww) => loss(tf.split(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), 3, 1)))([x, w]);
    for (let i = 0; i < 2; i++) expect(tf.max(tf.abs(tf.sub(g[i], gs[i]))).dataSync()[0]).toBeLessThan(1e-5);
  });
});

describe('Adam (torch semantics)', () => {
  it('takes the hand-computed first two steps with coupled weight decay', () => {
    const p = tf.variable(tf.tensor1d([1]));
    const adam = new Adam({ lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 });
    const params = new Map([['p', p]]);
    adam.apply(params, { [p.name]: tf.tensor1d([0.5]) });
    // g = 0.5 + 0.1*1 = 0.6; m = 0.06; v = 0.00036; step = lr/0.1 * 0.06 / (0.018974/0.031623 + eps) = 0.01
    expect(p.dataSync()[0]).toBeCloseTo(0.99, 6);
    adam.apply(params, { [p.name]: tf.tensor1d([0.5]) });
    // g = 0.5 + 0.099 = 0.599; m = 0.9*0.06 + 0.0599 = 0.1139; v = 0.999*0.00036 + 0.001*0.358801
    const m = 0.1139;
    const v = 0.999 * 0.00036 + 0.001 * 0.599 * 0.599;
    const step = (0.01 / (1 - 0.81)) * (m / (Math.sqrt(v) / Math.sqrt(1 - 0.998001) + 1e-8));
    expect(p.dataSync()[0]).toBeCloseTo(0.99 - step, 6);
    const snap = adam.snapshot();
    expect(snap.steps.p).toBe(2);
    expect(snap.m.p[0]).toBeCloseTo(m, 6);
    // a parameter without a gradient is left alone (torch skips it)
    adam.apply(params, {});
    expect(adam.snapshot().steps.p).toBe(2);
  });
});
