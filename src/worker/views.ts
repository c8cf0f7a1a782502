/**
 * Pictures for the UI, built from core's reconstructions: input, reconstruction and a
 * per-pixel error heatmap, all as RGBA tiles in the encoder's own resolution.
 */
import { decoderForRow, scoredData, type DecoderSet } from '../core/decoderSet';
import { denormalise } from '../core/image/preprocess';
import { rebuildFromDonors, sampleEvidence } from '../core/evidence';
import { heatRgba } from '../core/image/heat';
import { reconstruct, type TrainData } from '../core/model';
import type { PreprocessOptions } from '../core/options';
import type { ProbeGrid, RgbaTile, RunSettings, SampleView } from './protocol';

/** Colours per-pixel errors on one shared scale (`scale` = the error shown as brightest). */
export function heatTile(error: Float32Array, size: number, scale: number): RgbaTile {
  return { width: size, height: size, data: heatRgba(error, size, scale) };
}

function tile(values: Float32Array, size: number, pre: Pick<PreprocessOptions, 'mean' | 'std'>): RgbaTile {
  return { width: size, height: size, data: denormalise(values, pre) };
}

export interface ViewContext {
  set: DecoderSet;
  /** The images the set scores (row i = sample i), with their embeddings. */
  data: TrainData;
  pre: PreprocessOptions;
  maskRatio: number;
  seed: number;
  /** Error shown as the brightest heatmap colour (shared by all samples, so they compare). */
  heatScale: number;
  /** Rows of each fold's part, built on first use (the data scoring saw, see scoreWithSet). */
  subsets: Map<number, TrainData>;
  /** Per row, the row whose embedding rebuilt it best (the counterfactual score), or null. */
  bestDonor: Int32Array | null;
}

export function viewContext(
  set: DecoderSet,
  data: TrainData,
  pre: PreprocessOptions,
  settings: RunSettings,
  heatScale: number,
  bestDonor: Int32Array | null = null,
): ViewContext {
  return { set, data, pre, maskRatio: settings.score.scoreMask, seed: settings.train.seed, heatScale, subsets: new Map(), bestDonor };
}

/** The decoder that scores `row`, and the data and row index it scored it with. */
function scorerOf(ctx: ViewContext, row: number): { f: number; data: TrainData; local: number } {
  const { f, local } = decoderForRow(ctx.set, row);
  return { f, data: partOf(ctx, f), local };
}

/** The rows decoder f scored, built once per view context. */
function partOf(ctx: ViewContext, f: number): TrainData {
  let data = ctx.subsets.get(f);
  if (!data) {
    data = scoredData(ctx.set, ctx.data, f);
    ctx.subsets.set(f, data);
  }
  return data;
}

/** Image `row` rebuilt by its own decoder from the embedding of `donor`, with the mask its score used (core's rebuildFromDonors). */
function rebuildFrom(ctx: ViewContext, row: number, donor: number): Promise<Float32Array> {
  return rebuildFromDonors(ctx.set, ctx.data, [{ row, donor }], { maskRatio: ctx.maskRatio, seed: ctx.seed }, (f) => partOf(ctx, f));
}

/** Input | reconstruction | error heatmap of samples `indices`, exactly as their score saw them. */
export async function sampleViews(ctx: ViewContext, indices: number[]): Promise<SampleView[]> {
  const s = ctx.data.images.size;
  const px = s * s;
  const views: SampleView[] = [];
  for (const index of indices) {
    const { f, data, local } = scorerOf(ctx, index);
    const { recon, error } = await reconstruct(ctx.set.states[f].model, data.images, data.emb, [local], {
      maskRatio: ctx.maskRatio,
      seed: ctx.seed,
    });
    const donor = ctx.bestDonor ? ctx.bestDonor[index] : -1;
    views.push({
      index,
      input: tile(ctx.data.images.data.subarray(index * px * 3, (index + 1) * px * 3), s, ctx.pre),
      recon: tile(recon, s, ctx.pre),
      heat: heatTile(error, s, ctx.heatScale),
      donor: donor >= 0 ? { index: donor, recon: tile(await rebuildFrom(ctx, index, donor), s, ctx.pre) } : null,
    });
  }
  return views;
}

/** The fixed probe images: evenly spread over the set, the same every epoch. */
export function probeIndices(count: number, n = 8): number[] {
  const k = Math.min(n, count);
  return Array.from({ length: k }, (_, i) => Math.floor((i * count) / k));
}

/** Inputs and reconstructions of the probe images (for the live training grid). */
export async function probeGrid(ctx: ViewContext, indices: number[]): Promise<ProbeGrid> {
  const views = await sampleViews(ctx, indices);
  return { inputs: views.map((v) => v.input), recons: views.map((v) => v.recon) };
}

/** A heat scale from the scores: the typical per-pixel error of the top-scored images. */
export function heatScaleFor(scores: Float32Array, pixels: number): number {
  const sorted = Float32Array.from(scores).sort();
  const high = sorted[Math.floor(sorted.length * 0.99)] ?? sorted[sorted.length - 1] ?? 1;
  return Math.max(1e-6, (high / pixels) * 4);
}

/**
 * The `k` images among `candidates` closest (pixel L2) to the rebuild of `index`: which images
 * the decoder "thinks" this embedding shows (for a triggered image, the attacker's target class).
 */
export async function lookalikes(ctx: ViewContext, index: number, candidates: number[], k = 3): Promise<{ index: number; tile: RgbaTile }[]> {
  const [ev] = await sampleEvidence(ctx.set, ctx.data, [index], null, { maskRatio: ctx.maskRatio, seed: ctx.seed }, candidates, k);
  const s = ctx.data.images.size;
  const len = s * s * 3;
  return ev.nearest.map((row) => ({ index: row, tile: tile(ctx.data.images.data.subarray(row * len, (row + 1) * len), s, ctx.pre) }));
}
