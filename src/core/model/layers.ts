/**
 * Transformer building blocks as free functions over tensors, written with ops whose
 * gradients exist on every tfjs backend (matMul, reshape, transpose, softmax, erf, ...).
 * They mirror timm's `Block` as the DeDe authors use it: pre-norm, qkv without bias,
 * LayerNorm eps 1e-5, MLP ratio 4, exact (erf) GELU.
 */
import * as tf from '@tensorflow/tfjs';
import { researchEnv } from './researchEnv';

export const LN_EPS = 1e-5;

export interface LinearParams {
  w: tf.Tensor2D;
  b?: tf.Tensor1D;
}
export interface NormParams {
  g: tf.Tensor1D;
  b: tf.Tensor1D;
}
export interface BlockParams {
  ln1: NormParams;
  qkv: LinearParams;
  proj: LinearParams;
  ln2: NormParams;
  fc1: LinearParams;
  fc2: LinearParams;
}

/**
 * x W for 2-D x, with a gradient that uses only untransposed matMuls (explicit transposes
 * instead): tfjs-wasm runs transposeA/transposeB matMuls on a slow path about 7x slower, and
 * the stock MatMul gradient uses exactly those.
 */
const matMulFast = tf.customGrad((...args: unknown[]) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy as tf.Tensor2D)];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/** y = x W + b over the last axis, for x of any rank. */
export function linear(x: tf.Tensor, p: LinearParams): tf.Tensor {
  const inDim = x.shape[x.shape.length - 1];
  const outDim = p.w.shape[1];
  const flat = matMulFast(x.reshape([-1, inDim]) as tf.Tensor2D, p.w);
  const y = p.b ? tf.add(flat, p.b) : flat;
  return y.reshape([...x.shape.slice(0, -1), outDim]);
}

/** LayerNorm over the last axis: (x - mean) / sqrt(var + eps) * g + b (biased variance, as torch). */
export function layerNorm(x: tf.Tensor, p: NormParams): tf.Tensor {
  const mean = tf.mean(x, -1, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, LN_EPS))), p.g), p.b);
}

/** Exact GELU, x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)); Erf and its gradient exist on all backends. */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

/**
 * q, k and v of x [rows, d] through the fused qkv weight [d, 3d] (torch's layout, kept for the
 * checkpoints). The weight is split, not the product: splitting the [rows, 3d] product (and
 * concatenating its gradient) costs tfjs-wasm far more than three [rows, d] x [d, d] products.
 * `DEDE_QKV=product` (Node, research) splits the product as before, for A/B timing.
 */
export function qkvProjections(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D[] {
  if (researchEnv('DEDE_QKV') === 'product') return tf.split(matMulFast(x, w), 3, 1) as tf.Tensor2D[];
  return (tf.split(w, 3, 1) as tf.Tensor2D[]).map((part) => matMulFast(x, part));
}

/** Multi-head self-attention over x [B, N, D]; heads are folded into the batch axis (rank <= 4). */
export function attention(x: tf.Tensor3D, qkv: LinearParams, proj: LinearParams, heads: number): tf.Tensor3D {
  const [b, n, d] = x.shape;
  const dh = d / heads;
  const [q, k, v] = qkvProjections(x.reshape([b * n, d]) as tf.Tensor2D, qkv.w);
  const toHeads = (t: tf.Tensor): tf.Tensor3D =>
    t.reshape([b, n, heads, dh]).transpose([0, 2, 1, 3]).reshape([b * heads, n, dh]);
  const scores = tf.matMul(toHeads(tf.mul(q, 1 / Math.sqrt(dh))), toHeads(k), false, true);
  const out = tf.matMul(tf.softmax(scores), toHeads(v));
  const merged = out.reshape([b, heads, n, dh]).transpose([0, 2, 1, 3]).reshape([b, n, d]);
  return linear(merged, proj) as tf.Tensor3D;
}

/** Pre-norm transformer block: x + Attn(LN(x)), then + MLP(LN(x)). */
export function transformerBlock(x: tf.Tensor3D, p: BlockParams, heads: number): tf.Tensor3D {
  const h = tf.add(x, attention(layerNorm(x, p.ln1) as tf.Tensor3D, p.qkv, p.proj, heads)) as tf.Tensor3D;
  const m = linear(gelu(linear(layerNorm(h, p.ln2), p.fc1)), p.fc2);
  return tf.add(h, m) as tf.Tensor3D;
}
