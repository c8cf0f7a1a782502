/**
 * ONNX encoders. The browser runs them with onnxruntime-web; the CLI hands in onnxruntime-node
 * (native CPU kernels, several times faster) when it is installed and falls back to the same
 * onnxruntime-web. Both share onnxruntime-common's API, so this file is the one ONNX path.
 * The adapter (worker or CLI) configures the runtime's `env` before the first load.
 */
import * as ortWeb from 'onnxruntime-web';
import type * as ort from 'onnxruntime-web';
import type { Layout, PreprocessOptions } from '../options';
import type { Encoder, ImageBatch } from '../types';
import { toLayout } from '../image/preprocess';
import { assertFiniteEmbeddings, chooseOutput, describeEncoder, poolOutput } from './pooling';

/** The part of an ONNX Runtime package (onnxruntime-web or onnxruntime-node) the loader uses. */
export interface OrtRuntime {
  InferenceSession: { create(bytes: Uint8Array, options?: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> };
  Tensor: typeof ort.Tensor;
}

export interface OnnxLoadOptions {
  /** Execution providers to try in order (default: ['wasm']). */
  executionProviders?: string[];
  /** The runtime package (default: onnxruntime-web). */
  runtime?: OrtRuntime;
  /** Name of the output to use as the embedding (default: see chooseOutput). */
  output?: string | null;
}


/** Declared shape of an ONNX value, -1 for symbolic or unknown dimensions. */
function metadataShape(meta: ort.InferenceSession.ValueMetadata | undefined): number[] | null {
  if (!meta || !meta.isTensor || meta.shape.length === 0) return null;
  return meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : -1));
}

/** Collapses ORT's multi-line messages into one readable clause. */
function ortReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text
    .replace(/\s+/g, ' ')
    .replace(/^Can't create a session\.?\s*/i, '')
    .replace(/ERROR_CODE: \d+,?\s*/i, '')
    .replace(/ERROR_MESSAGE:\s*/i, '')
    .trim()
    .replace(/\.$/, '');
}

/** Loads an ONNX image encoder from its bytes; `name` is used in error messages. */
export async function loadOnnxEncoder(
  bytes: Uint8Array,
  sha256: string,
  name: string,
  opts: OnnxLoadOptions = {},
): Promise<Encoder> {
  const rt: OrtRuntime = opts.runtime ?? ortWeb;
  let session: ort.InferenceSession;
  try {
    session = await rt.InferenceSession.create(bytes, {
      executionProviders: opts.executionProviders ?? ['wasm'],
      graphOptimizationLevel: 'all',
    });
  } catch (err) {
    throw new Error(
      `${name} could not be loaded by ONNX Runtime (${ortReason(err)}): check the file is complete and exported with torch.onnx.export`,
    );
  }
  const inputName = session.inputNames[0];
  const inputShape = metadataShape(session.inputMetadata?.[0]) ?? [-1, -1, -1, -1];
  const outputs = session.outputNames.map((n, i) => ({ name: n, shape: metadataShape(session.outputMetadata?.[i]) ?? [] }));
  let outputName: string;
  try {
    outputName = chooseOutput(outputs, opts.output, name);
  } catch (err) {
    await session.release();
    throw err;
  }
  const outputShape = outputs.find((o) => o.name === outputName)!.shape;
  const info = describeEncoder({ format: 'onnx', sha256, inputName, outputName, inputShape, outputs }, outputShape);
  // A model exported without a dynamic batch axis takes exactly inputShape[0] images per run.
  const fixedBatch = inputShape[0] > 0 ? inputShape[0] : null;

  async function runChunk(batch: ImageBatch, layoutUsed: Layout, opts: PreprocessOptions) {
    const s = batch.size;
    const data = toLayout(batch, layoutUsed);
    const dims = layoutUsed === 'nchw' ? [batch.count, 3, s, s] : [batch.count, s, s, 3];
    const feeds = { [inputName]: new rt.Tensor('float32', data, dims) };
    let result: ort.InferenceSession.ReturnType;
    try {
      // Only the chosen output is computed: a transformer's other outputs can be far larger.
      result = await session.run(feeds, [outputName]);
    } catch (err) {
      throw new Error(
        `${name} failed on ${s}x${s} ${layoutUsed.toUpperCase()} input (${ortReason(err)}): check --size and --layout`,
      );
    }
    const out = result[outputName] as ort.Tensor;
    const pooled = poolOutput(out.data as Float32Array, out.dims, layoutUsed, opts.pooling);
    for (const t of Object.values(result)) (t as ort.Tensor).dispose?.();
    return pooled;
  }

  return {
    info,
    async embed(batch: ImageBatch, opts: PreprocessOptions) {
      const layoutUsed = info.layout ?? opts.layout;
      const per = fixedBatch ?? batch.count;
      const stride = batch.size * batch.size * 3;
      let dim = 0;
      let out: Float32Array | null = null;
      for (let start = 0; start < batch.count; start += per) {
        const count = Math.min(per, batch.count - start);
        let chunk: ImageBatch = {
          count,
          size: batch.size,
          data: batch.data.subarray(start * stride, (start + count) * stride),
        };
        if (fixedBatch !== null && count < fixedBatch) {
          // Pad the last chunk up to the fixed batch; the padding rows are dropped below.
          const padded = new Float32Array(fixedBatch * stride);
          padded.set(chunk.data);
          chunk = { count: fixedBatch, size: batch.size, data: padded };
        }
        const pooled = await runChunk(chunk, layoutUsed, opts);
        if (out === null) {
          dim = pooled.dim;
          out = new Float32Array(batch.count * dim);
        }
        out.set(pooled.data.subarray(0, count * dim), start * dim);
      }
      const data = out ?? new Float32Array(0);
      assertFiniteEmbeddings(data);
      return { dim, data };
    },
    async dispose() {
      await session.release();
    },
  };
}
