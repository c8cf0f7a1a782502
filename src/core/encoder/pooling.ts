/**
 * Turning an encoder's raw output into one vector per image, shared by the ONNX and the
 * TensorFlow.js encoders so that both pool the same way.
 */
import type { Layout, Pooling } from '../options';
import type { EncoderInfo } from '../types';

/**
 * Which axis of an output holds the features: rank 2 `[B, C]` and rank 3 `[B, tokens, C]`
 * put them last; rank 4 follows the model's layout (`[B, C, H, W]` or `[B, H, W, C]`).
 */
export function featureAxis(rank: number, layout: Layout | null): number {
  if (rank === 4 && layout === 'nchw') return 1;
  return rank - 1;
}

/**
 * Pools a row-major output of shape `dims` (dims[0] = batch) to `[B, C]`: 'mean' averages
 * every non-batch, non-feature position; 'first' keeps position 0 (the class token).
 */
export function poolOutput(
  data: ArrayLike<number>,
  dims: readonly number[],
  layout: Layout | null,
  pooling: Pooling,
): { dim: number; data: Float32Array } {
  const batch = dims[0];
  if (dims.length < 2) throw new Error(`the encoder's output has shape [${dims.join(', ')}]: expected [batch, features]`);
  if (dims.length === 2) return { dim: dims[1], data: Float32Array.from(data) };
  const axis = featureAxis(dims.length, layout);
  const dim = dims[axis];
  let positions = 1;
  for (let a = 1; a < dims.length; a++) if (a !== axis) positions *= dims[a];
  // With the feature axis last, element (b, pos, c) sits at (b*positions + pos)*dim + c;
  // with it at axis 1 (NCHW) it sits at (b*dim + c)*positions + pos.
  const featureLast = axis === dims.length - 1;
  const at = (b: number, pos: number, c: number): number =>
    featureLast ? (b * positions + pos) * dim + c : (b * dim + c) * positions + pos;
  const out = new Float32Array(batch * dim);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < dim; c++) {
      if (pooling === 'first') {
        out[b * dim + c] = data[at(b, 0, c)];
      } else {
        let sum = 0;
        for (let p = 0; p < positions; p++) sum += data[at(b, p, c)];
        out[b * dim + c] = sum / positions;
      }
    }
  }
  return { dim, data: out };
}

/** Throws a readable Error when any embedding value is NaN or infinite. */
export function assertFiniteEmbeddings(data: Float32Array): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new Error(
        'the encoder produced NaN or infinite embeddings: check that --size, --layout, --mean and --std match how the model was trained, or re-export the model',
      );
    }
  }
}

/** Embedding length known from a declared output shape (-1 = dynamic), or null. */
export function declaredEmbDim(outputShape: readonly number[], layout: Layout | null): number | null {
  if (outputShape.length < 2) return null;
  const d = outputShape[featureAxis(outputShape.length, layout)];
  return d > 0 ? d : null;
}

/**
 * Reads size and layout from a declared 4-D image input (-1 = dynamic): the axis of size 3
 * is the channel axis (axis 1 -> NCHW, axis 3 -> NHWC); the size is the square side when fixed.
 */
export function inferInputGeometry(shape: readonly number[]): { layout: Layout | null; inputSize: number | null } {
  if (shape.length !== 4) {
    throw new Error(
      `the encoder's input has shape [${shape.map(dimText).join(', ')}]: DeDe needs an image input of rank 4 (NCHW or NHWC)`,
    );
  }
  let layout: Layout | null = null;
  if (shape[1] === 3) layout = 'nchw';
  else if (shape[3] === 3) layout = 'nhwc';
  if (layout === null) return { layout, inputSize: null };
  const [h, w] = layout === 'nchw' ? [shape[2], shape[3]] : [shape[1], shape[2]];
  if (h > 0 && w > 0 && h !== w) {
    throw new Error(`the encoder takes ${h}x${w} images: DeDe needs a square input; re-export with a square size`);
  }
  const fixed = h > 0 ? h : w > 0 ? w : null;
  return { layout, inputSize: fixed };
}

/** The named output does not exist (a user error, passed on as it is by the loaders). */
export class OutputChoiceError extends Error {}

/**
 * The output that holds the embedding: the one named, else the first declared as one vector
 * per image ([batch, D]; a CLIP/ViT tower exports `image_embeds` beside `last_hidden_state`),
 * else the first. Throws, listing the names, when the named one does not exist.
 */
export function chooseOutput(outputs: { name: string; shape: number[] }[], wanted: string | null | undefined, model: string): string {
  if (outputs.length === 0) throw new Error(`${model} declares no output: re-export it`);
  const names = outputs.map((o) => `"${o.name}" [${o.shape.map((d) => (d < 0 ? '?' : d)).join(', ')}]`).join(', ');
  if (wanted) {
    const hit = outputs.find((o) => o.name === wanted);
    if (!hit) throw new OutputChoiceError(`${model} has no output named "${wanted}"; its outputs are ${names}: pass one of those names with --output (in the app: the Output field)`);
    return hit.name;
  }
  return (outputs.find((o) => o.shape.length === 2) ?? outputs[0]).name;
}

export function dimText(d: number): string {
  return d < 0 ? '?' : String(d);
}

/** What every loader reports: names and shapes as declared, with size, layout and embedding length read from them. */
export function describeEncoder(
  declared: Pick<EncoderInfo, 'format' | 'sha256' | 'inputName' | 'outputName' | 'inputShape' | 'outputs'>,
  outputShape: readonly number[],
): EncoderInfo {
  const { layout, inputSize } = inferInputGeometry(declared.inputShape);
  return { ...declared, inputSize, layout, embDim: declaredEmbDim(outputShape, layout) };
}
