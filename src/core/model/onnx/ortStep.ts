/**
 * The decoder's training step on ONNX Runtime: `buildStepGraph`'s graph run by a runtime the
 * host hands in (onnxruntime-node's native CPU kernels in the CLI, onnxruntime-web's wasm in a
 * browser worker). Sessions are cached per shape and shared by every train state of the thread;
 * a run holds its state's weights and Adam moments as plain arrays while it steps, and `sync`
 * writes them back into the tfjs model and optimizer, so scoring, checkpoints and the stopping
 * rule see the same state as after tfjs's own `trainStep`. `predict` runs the forward-only graph
 * (`buildPredictGraph`) with the model's current weights, for scoring and rebuilds, and
 * `products` the decoder-free witnesses' pairwise products.
 */
import type * as ort from 'onnxruntime-web';
import type { OrtRuntime } from '../../encoder/onnx';
import { gatherRows, type TrainData } from '../batch';
import type { ProductRun, StepEngine, StepRun } from '../engine';
import { keepSelection, planMasks, type MaskPlan } from '../patches';
import { Rng, STREAM } from '../rng';
import type { TrainState } from '../train';
import type { DedeModel } from '../dede';
import { buildPredictGraph, buildStepGraph, IO } from './decoderGraph';
import { GraphBuilder } from './graph';

export interface OrtStepOptions {
  runtime: OrtRuntime;
  /** Execution providers (onnxruntime-node: ['cpu']; onnxruntime-web: ['wasm']). */
  executionProviders: string[];
  /** Intra-op threads of each training session (onnxruntime-web takes its threads from env.wasm instead). */
  threads: number;
  /** Intra-op threads of the prediction sessions (scoring runs after training; default: threads). */
  predictThreads?: number;
  /** In words, for reports. */
  name: string;
}

interface Compiled {
  session: ort.InferenceSession;
  /** The parameters the graph reads (the step: those it updates). */
  params: string[];
}

const shapes = (model: DedeModel) => new Map([...model.variables].map(([n, v]) => [n, v.shape]));

export class OrtStepEngine implements StepEngine {
  private readonly sessions = new Map<string, Promise<Compiled>>();
  /** Per model, each parameter's ONNX tensor and the tfjs data it was read from (a new dataId after every assign). */
  private readonly weightTensors = new WeakMap<DedeModel, Map<string, { dataId: object; tensor: ort.Tensor }>>();

  constructor(private readonly opts: OrtStepOptions) {}

  get name(): string {
    return this.opts.name;
  }

  async begin(state: TrainState): Promise<StepRun> {
    const snap = await state.optimizer.snapshotAsync();
    return new OrtStepRun(this, state, await state.model.getWeightsAsync(), snap.m, snap.v, { ...snap.steps });
  }

  private create(bytes: Uint8Array, threads: number): Promise<ort.InferenceSession> {
    return this.opts.runtime.InferenceSession.create(bytes, {
      executionProviders: this.opts.executionProviders,
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
  }

  /** The session for `key`, built once per thread from `build`'s graph (a failed build is retried next time). */
  private session(key: string, threads: number, build: () => { bytes: Uint8Array; params: string[] }): Promise<Compiled> {
    let c = this.sessions.get(key);
    if (!c) {
      const { bytes, params } = build();
      c = this.create(bytes, threads).then((session) => ({ session, params }));
      c.catch(() => this.sessions.delete(key));
      this.sessions.set(key, c);
    }
    return c;
  }

  /** The training step's session for this state's architecture at (batch, keep); `params` are the parameters it updates. */
  compile(state: TrainState, batch: number, keep: number): Promise<Compiled> {
    const { model } = state;
    const adam = state.optimizer.config;
    const key = JSON.stringify(['step', model.cfg, model.imageSize, model.embDim, batch, keep, adam.beta1, adam.beta2, adam.eps, adam.weightDecay]);
    return this.session(key, this.opts.threads, () => {
      const g = buildStepGraph({ cfg: model.cfg, imageSize: model.imageSize, embDim: model.embDim, batch, keep, params: shapes(model), adam });
      return { bytes: g.bytes, params: g.trained };
    });
  }

  /** The model's predicted patches under `plan` (no gradient, weights read from the model). */
  async predict(model: DedeModel, data: TrainData, idx: ArrayLike<number>, plan: MaskPlan): Promise<Float32Array> {
    const b = plan.batch;
    const key = JSON.stringify(['predict', model.cfg, model.imageSize, model.embDim, b, plan.keep]);
    const { session, params } = await this.session(key, this.opts.predictThreads ?? this.opts.threads, () =>
      buildPredictGraph({ cfg: model.cfg, imageSize: model.imageSize, embDim: model.embDim, batch: b, keep: plan.keep, params: shapes(model) }),
    );
    // Without visible patches the forward pass never reads the images.
    const feeds = this.batchFeeds(model, data, idx, plan, plan.keep > 0);
    let cached = this.weightTensors.get(model);
    if (!cached) this.weightTensors.set(model, (cached = new Map()));
    for (const name of params) {
      const v = model.variables.get(name)!;
      let hit = cached.get(name);
      if (hit?.dataId !== v.dataId) {
        hit = { dataId: v.dataId, tensor: this.tensor((await v.data()) as Float32Array, v.shape) };
        cached.set(name, hit);
      }
      feeds[IO.param(name)] = hit.tensor;
    }
    const out = await session.run(feeds);
    return out[IO.pred].data as Float32Array;
  }

  /** A session multiplying blocks of `rows` rows by `reference`'s transpose, which it holds as a constant. */
  async products(reference: Float32Array, m: number, width: number, rows: number): Promise<ProductRun> {
    const g = new GraphBuilder();
    const a = g.input('a', [rows, width]);
    g.output(g.matmul(a, g.constant(reference, [m, width]), { transB: true }), 'p');
    const session = await this.create(g.encode('products'), this.opts.predictThreads ?? this.opts.threads);
    return {
      run: async (block) => (await session.run({ a: this.tensor(block, [rows, width]) })).p.data as Float32Array,
      release: () => session.release(),
    };
  }

  /** Rows `idx` of `data` (the images when asked), their masks and selection, as graph inputs. */
  batchFeeds(model: DedeModel, data: TrainData, idx: ArrayLike<number>, plan: MaskPlan, images: boolean): Record<string, ort.Tensor> {
    const b = idx.length;
    const s = model.imageSize;
    const feeds: Record<string, ort.Tensor> = {
      [IO.emb]: this.tensor(gatherRows(data.emb.data, data.emb.dim, idx), [b, data.emb.dim]),
      [IO.masked]: this.tensor(plan.masked, [b, plan.tokens, 1]),
    };
    if (images) feeds[IO.images] = this.tensor(gatherRows(data.images.data, s * s * 3, idx), [b, s, s, 3]);
    if (plan.keep > 0) feeds[IO.select] = this.tensor(keepSelection(plan), [b, plan.keep, plan.tokens]);
    return feeds;
  }

  tensor(data: Float32Array, dims: readonly number[]): ort.Tensor {
    return new this.opts.runtime.Tensor('float32', data, [...dims]);
  }

  async dispose(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const c of all) await (await c).session.release();
  }
}

class OrtStepRun implements StepRun {
  constructor(
    private readonly engine: OrtStepEngine,
    private readonly state: TrainState,
    private readonly weights: Record<string, Float32Array>,
    private readonly m: Record<string, Float32Array>,
    private readonly v: Record<string, Float32Array>,
    private readonly steps: Record<string, number>,
  ) {}

  /** One optimizer step on rows `idx` at mask ratio `ratio`, the same masks as `trainStep`; returns the batch loss. */
  async step(data: TrainData, idx: ArrayLike<number>, ratio: number): Promise<number> {
    const { state, engine } = this;
    const { model } = state;
    const rng = Rng.derive(state.seed, STREAM.trainMask, state.step);
    const plan = planMasks(idx.length, model.tokens, ratio, () => rng);
    const b = idx.length;
    const s = model.imageSize;
    const { session, params: trained } = await engine.compile(state, b, plan.keep);
    const feeds = engine.batchFeeds(model, data, idx, plan, true);
    feeds[IO.lossScale] = engine.tensor(Float32Array.of(1 / (b * s * s * 3 * ratio)), []);
    const { lr, beta1, beta2 } = state.optimizer.config;
    for (const name of trained) {
      const shape = model.variables.get(name)!.shape;
      const w = this.weights[name];
      const step = (this.steps[name] ?? 0) + 1;
      feeds[IO.param(name)] = engine.tensor(w, shape);
      feeds[IO.m(name)] = engine.tensor(this.m[name] ?? new Float32Array(w.length), shape);
      feeds[IO.v(name)] = engine.tensor(this.v[name] ?? new Float32Array(w.length), shape);
      feeds[IO.stepSize(name)] = engine.tensor(Float32Array.of(lr / (1 - beta1 ** step)), []);
      feeds[IO.bias2(name)] = engine.tensor(Float32Array.of(Math.sqrt(1 - beta2 ** step)), []);
    }
    const out = await session.run(feeds);
    for (const name of trained) {
      this.steps[name] = (this.steps[name] ?? 0) + 1;
      this.weights[name] = out[IO.out('p', name)].data as Float32Array;
      this.m[name] = out[IO.out('m', name)].data as Float32Array;
      this.v[name] = out[IO.out('v', name)].data as Float32Array;
    }
    state.step += 1;
    return (out[IO.loss].data as Float32Array)[0];
  }

  sync(): void {
    this.state.model.setWeights(this.weights);
    this.state.optimizer.restore(this.state.model.variables, { steps: this.steps, m: this.m, v: this.v });
  }
}
