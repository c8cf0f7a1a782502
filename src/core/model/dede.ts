/**
 * The DeDe decoder (Hou et al., CVPR 2025): an MAE whose global token is replaced by the frozen
 * victim encoder's embedding. Mirrors the authors' `DecoderModel` (src/decoder_model.py):
 * patch linear + pos-embed, per-sample shuffle keeping floor(T(1-r)) patches, class token,
 * encoder blocks, LayerNorm, class output := Linear(emb, no bias), mask tokens, unshuffle,
 * decoder pos-embed (T+1), decoder blocks, drop global token, Linear(D -> 3p^2), fold.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../options';
import { layerNorm, linear, transformerBlock, type BlockParams, type LinearParams, type NormParams } from './layers';
import { ParamStore } from './params';
import { keepMatrix, patchify, planMasksSequential, unpatchify, type MaskPlan } from './patches';
import { Rng, STREAM } from './rng';

const TOKEN_STD = 0.02;

interface Parts {
  patchEmbed: LinearParams;
  pos: tf.Variable<tf.Rank.R2>;
  cls: tf.Variable<tf.Rank.R3>;
  encBlocks: BlockParams[];
  encNorm: NormParams;
  inject: LinearParams;
  maskToken: tf.Variable<tf.Rank.R3>;
  decPos: tf.Variable<tf.Rank.R2>;
  decBlocks: BlockParams[];
  head: LinearParams;
}

/** Throws a readable Error when the configuration cannot work for this image size. */
export function validateConfig(cfg: ModelConfig, imageSize: number, embDim: number): void {
  const bad = (m: string): never => {
    throw new Error(`decoder configuration: ${m}`);
  };
  if (!(cfg.patch >= 1 && Number.isInteger(cfg.patch))) bad(`patch ${cfg.patch} must be a positive integer`);
  if (!(imageSize >= cfg.patch) || imageSize % cfg.patch !== 0)
    bad(`image size ${imageSize} must be a multiple of the patch size ${cfg.patch}`);
  if (cfg.dim % cfg.heads !== 0) bad(`width ${cfg.dim} must be divisible by the ${cfg.heads} heads`);
  if (!(embDim >= 1)) bad(`embedding length ${embDim} must be >= 1`);
}

export class DedeModel {
  /** Tokens per image, T = (S/p)^2. */
  readonly tokens: number;
  /** Values per patch, 3 p^2. */
  readonly patchDim: number;

  private constructor(
    readonly cfg: ModelConfig,
    readonly imageSize: number,
    readonly embDim: number,
    private readonly store: ParamStore,
    private readonly parts: Parts,
  ) {
    this.tokens = (imageSize / cfg.patch) ** 2;
    this.patchDim = 3 * cfg.patch * cfg.patch;
  }

  /** A freshly initialised model: xavier-uniform linears, zero biases, N(0, 0.02) tokens. */
  static create(cfg: ModelConfig, imageSize: number, embDim: number, seed: number): DedeModel {
    validateConfig(cfg, imageSize, embDim);
    const store = new ParamStore(Rng.derive(seed, STREAM.init));
    const d = cfg.dim;
    const t = (imageSize / cfg.patch) ** 2;
    const pd = 3 * cfg.patch * cfg.patch;
    const normal = { kind: 'normal', std: TOKEN_STD } as const;
    const parts: Parts = {
      patchEmbed: store.linear('enc.patch', pd, d),
      pos: store.add('enc.pos', [t, d], normal),
      cls: store.add('enc.cls', [1, 1, d], normal),
      encBlocks: Array.from({ length: cfg.encDepth }, (_, i) => store.block(`enc.block${i}`, d, cfg.mlpRatio)),
      encNorm: store.norm('enc.norm', d),
      inject: store.linear('inject', embDim, d, false),
      maskToken: store.add('dec.mask', [1, 1, d], normal),
      decPos: store.add('dec.pos', [t + 1, d], normal),
      decBlocks: Array.from({ length: cfg.decDepth }, (_, i) => store.block(`dec.block${i}`, d, cfg.mlpRatio)),
      head: store.linear('dec.head', d, pd),
    };
    return new DedeModel(cfg, imageSize, embDim, store, parts);
  }

  paramCount(): number {
    return this.store.count();
  }

  /** Parameters by stable name (e.g. `dec.block0.attn.qkv.w`), in creation order. */
  get variables(): ReadonlyMap<string, tf.Variable> {
    return this.store.vars;
  }

  /**
   * Predicted patches [B, T, 3p^2] (token order of `patchify`) for normalised NHWC images,
   * embeddings [B, embDim] and a mask plan. Caller owns the result; intermediates are tidied.
   */
  predictPatches(images: tf.Tensor4D, emb: tf.Tensor2D, plan: MaskPlan): tf.Tensor3D {
    return tf.tidy(() => {
      const { cfg, parts } = this;
      const b = images.shape[0];
      const d = cfg.dim;
      this.checkInputs(images, emb, plan);
      const masked = tf.tensor3d(plan.masked, [b, this.tokens, 1]);
      const injected = linear(emb, parts.inject).reshape([b, 1, d]);
      let restored: tf.Tensor;
      if (plan.keep === 0) {
        // Nothing visible: the encoder's only output (the class token) is replaced anyway.
        restored = tf.mul(masked, parts.maskToken);
      } else {
        const sel = keepMatrix(plan);
        const tokens = tf.add(linear(patchify(images, cfg.patch), parts.patchEmbed), parts.pos);
        const visible = tf.matMul(sel, tokens as tf.Tensor3D);
        let x = tf.concat([tf.add(tf.zeros([b, 1, d]), parts.cls), visible], 1) as tf.Tensor3D;
        for (const blk of parts.encBlocks) x = transformerBlock(x, blk, cfg.heads);
        const encoded = layerNorm(x.slice([0, 1, 0], [b, plan.keep, d]), parts.encNorm) as tf.Tensor3D;
        // K^T puts each kept token back at its patch index; hidden slots get the mask token.
        restored = tf.add(tf.matMul(sel, encoded, true, false), tf.mul(masked, parts.maskToken));
      }
      let y = tf.add(tf.concat([injected, restored], 1), parts.decPos) as tf.Tensor3D;
      for (const blk of parts.decBlocks) y = transformerBlock(y, blk, cfg.heads);
      return linear(y.slice([0, 1, 0], [b, this.tokens, d]), parts.head) as tf.Tensor3D;
    });
  }

  /**
   * Training loss: mean over all B*S*S*3 values of (x_hat - x)^2 * M / ratio, M = 1 on the
   * hidden patches (the authors' `torch.mean((pred - img)**2 * mask) / mask_ratio`).
   */
  loss(images: tf.Tensor4D, emb: tf.Tensor2D, plan: MaskPlan, ratio: number): tf.Scalar {
    return tf.tidy(() => {
      const sq = this.maskedSquaredError(images, emb, plan);
      return tf.div(tf.sum(sq), images.size * ratio) as tf.Scalar;
    });
  }

  /**
   * Per-sample score: sum over hidden pixels (all channels) of (x_hat - x)^2, in normalised space.
   * `pred`, when given, is this model's `predictPatches` computed elsewhere (a training engine's
   * forward pass, engine.ts); the caller keeps ownership of it.
   */
  scoreBatch(images: tf.Tensor4D, emb: tf.Tensor2D, plan: MaskPlan, pred?: tf.Tensor3D): tf.Tensor1D {
    return tf.tidy(() => tf.sum(this.maskedSquaredError(images, emb, plan, pred), [1, 2]) as tf.Tensor1D);
  }

  /** (x_hat - x)^2 * M in patch space [B, T, 3p^2]. */
  private maskedSquaredError(images: tf.Tensor4D, emb: tf.Tensor2D, plan: MaskPlan, given?: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const pred = given ?? this.predictPatches(images, emb, plan);
      const target = patchify(images, this.cfg.patch);
      const m = tf.tensor3d(plan.masked, [plan.batch, plan.tokens, 1]);
      return tf.mul(tf.squaredDifference(pred, target), m) as tf.Tensor3D;
    });
  }

  /** Reconstructed images [B,S,S,3] (the raw prediction everywhere) and pixel mask [B,S,S,1] (1 = hidden). */
  forward(images: tf.Tensor4D, emb: tf.Tensor2D, maskRatio: number, rng: Rng): { recon: tf.Tensor4D; mask: tf.Tensor4D } {
    const plan = planMasksSequential(images.shape[0], this.tokens, maskRatio, rng);
    return this.forwardPlan(images, emb, plan);
  }

  /** `forward` with a given mask plan (and, optionally, predicted patches computed elsewhere, as in `scoreBatch`). */
  forwardPlan(images: tf.Tensor4D, emb: tf.Tensor2D, plan: MaskPlan, pred?: tf.Tensor3D): { recon: tf.Tensor4D; mask: tf.Tensor4D } {
    return tf.tidy(() => {
      const p = this.cfg.patch;
      const recon = unpatchify(pred ?? this.predictPatches(images, emb, plan), p, 3);
      const m = tf.tensor3d(plan.masked, [plan.batch, plan.tokens, 1]);
      const mask = unpatchify(tf.tile(m, [1, 1, p * p]) as tf.Tensor3D, p, 1);
      return { recon, mask };
    });
  }

  getWeights(): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {};
    for (const [name, v] of this.store.vars) out[name] = v.dataSync() as Float32Array;
    return out;
  }

  /** `getWeights` without a synchronous GPU readback (preferred on webgl/webgpu). */
  async getWeightsAsync(): Promise<Record<string, Float32Array>> {
    const out: Record<string, Float32Array> = {};
    for (const [name, v] of this.store.vars) out[name] = (await v.data()) as Float32Array;
    return out;
  }

  /** Replaces every parameter; names and sizes must match this architecture exactly. */
  setWeights(weights: Record<string, Float32Array>): void {
    for (const [name, v] of this.store.vars) {
      const w = weights[name];
      if (!w) throw new Error(`weights: missing parameter ${name}`);
      if (w.length !== v.size) throw new Error(`weights: ${name} has ${w.length} values, expected ${v.size}`);
    }
    tf.tidy(() => {
      for (const [name, v] of this.store.vars) v.assign(tf.tensor(weights[name], v.shape));
    });
  }

  dispose(): void {
    this.store.dispose();
  }

  private checkInputs(images: tf.Tensor4D, emb: tf.Tensor2D, plan: MaskPlan): void {
    const [b, h, w, c] = images.shape;
    if (h !== this.imageSize || w !== this.imageSize || c !== 3)
      throw new Error(`images must be [B,${this.imageSize},${this.imageSize},3], got [${images.shape}]`);
    if (emb.shape[0] !== b || emb.shape[1] !== this.embDim)
      throw new Error(`embeddings must be [${b},${this.embDim}], got [${emb.shape}]`);
    if (plan.batch !== b || plan.tokens !== this.tokens) throw new Error('mask plan does not match the batch');
  }
}
