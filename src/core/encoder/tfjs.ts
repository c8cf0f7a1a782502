/**
 * TensorFlow.js encoders (graph models and layers models) from in-memory files: a model.json
 * plus the weight shards it lists, as dropped files or a folder. Nothing is fetched.
 */
import * as tf from '@tensorflow/tfjs';
import type { Layout, PreprocessOptions } from '../options';
import type { Encoder, ImageBatch, InputFile } from '../types';
import { toLayout } from '../image/preprocess';
import { OutputChoiceError, assertFiniteEmbeddings, chooseOutput, describeEncoder, poolOutput } from './pooling';
import { checkShardPath } from './shards';

type TfjsFormat = 'tfjs-graph' | 'tfjs-layers';

/** Graph vs layers, from model.json's `format` or, for older files, its topology's shape. */
export function tfjsFormatOf(modelJson: Record<string, unknown>): TfjsFormat | null {
  const format = modelJson.format;
  if (format === 'graph-model') return 'tfjs-graph';
  if (format === 'layers-model') return 'tfjs-layers';
  const topo = modelJson.modelTopology as Record<string, unknown> | undefined;
  if (!topo || typeof topo !== 'object') return null;
  if (Array.isArray(topo.node)) return 'tfjs-graph';
  if ('class_name' in topo || 'model_config' in topo || 'config' in topo) return 'tfjs-layers';
  return null;
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i + 1);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Finds a shard listed in model.json: next to model.json first, then by bare file name.
 * Throws for a path that leaves the model's folder (shards.ts), before any match.
 */
function findShard(files: InputFile[], modelPath: string, shard: string): InputFile | undefined {
  const canonical = checkShardPath(shard, modelPath);
  const wanted = dirOf(modelPath) + canonical;
  return files.find((f) => f.path === wanted) ?? files.find((f) => baseName(f.path) === baseName(canonical));
}

function shapeOf(shape: readonly (number | null)[] | undefined): number[] {
  return (shape ?? []).map((d) => (typeof d === 'number' && d > 0 ? d : -1));
}

/** Loads a tfjs model from model.json (`modelFile`) and its shards among `files`. */
export async function loadTfjsEncoder(
  files: InputFile[],
  modelFile: InputFile,
  modelJson: Record<string, unknown>,
  sha256: string,
  output: string | null = null,
): Promise<Encoder> {
  const format = tfjsFormatOf(modelJson);
  if (format === null) {
    throw new Error(`${modelFile.path} is not a TensorFlow.js model.json (no modelTopology): export with tensorflowjs_converter`);
  }
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson as unknown as tf.io.ModelJSON, async (manifest) => {
    const buffers: ArrayBuffer[] = [];
    for (const group of manifest) {
      for (const p of group.paths) {
        const shard = findShard(files, modelFile.path, p);
        if (!shard) {
          throw new Error(
            `weight file "${p}" listed in ${modelFile.path} is missing: include all weight files listed in model.json`,
          );
        }
        buffers.push(shard.bytes.slice().buffer as ArrayBuffer);
      }
    }
    return [tf.io.getWeightSpecs(manifest), tf.io.concatenateArrayBuffers(buffers)];
  });
  const handler: tf.io.IOHandler = { load: async () => artifacts };

  let predict: (x: tf.Tensor4D) => Promise<tf.Tensor>;
  let inputShape: number[];
  let outputs: { name: string; shape: number[] }[];
  let inputName: string;
  let outputName: string;
  let release: () => void;
  try {
    if (format === 'tfjs-layers') {
      const model = await tf.loadLayersModel(handler);
      inputShape = shapeOf(model.inputs[0].shape);
      outputs = model.outputs.map((o) => ({ name: o.name, shape: shapeOf(o.shape) }));
      inputName = model.inputs[0].name;
      outputName = chooseOutput(outputs, output, modelFile.path);
      const at = outputs.findIndex((o) => o.name === outputName);
      predict = async (x) => {
        const out = model.predict(x);
        if (!Array.isArray(out)) return out;
        out.forEach((t, i) => i !== at && t.dispose());
        return out[at];
      };
      release = () => model.dispose();
    } else {
      const model = await tf.loadGraphModel(handler);
      inputShape = shapeOf(model.inputs[0].shape);
      outputs = model.outputs.map((o) => ({ name: o.name, shape: shapeOf(o.shape) }));
      inputName = model.inputs[0].name;
      outputName = chooseOutput(outputs, output, modelFile.path);
      const chosen = outputName;
      predict = async (x) => {
        const out = await model.executeAsync(x, chosen);
        return Array.isArray(out) ? out[0] : (out as tf.Tensor);
      };
      release = () => model.dispose();
    }
  } catch (err) {
    if (err instanceof OutputChoiceError) throw err;
    const reason = err instanceof Error ? err.message.replace(/\s+/g, ' ') : String(err);
    throw new Error(`${modelFile.path} could not be loaded by TensorFlow.js (${reason}): re-export with tensorflowjs_converter`);
  }
  const outputShape = outputs.find((o) => o.name === outputName)!.shape;
  const info = describeEncoder({ format, sha256, inputName, outputName, inputShape, outputs }, outputShape);

  return {
    info,
    async embed(batch: ImageBatch, opts: PreprocessOptions) {
      const layoutUsed: Layout = info.layout ?? opts.layout;
      const s = batch.size;
      const dims: [number, number, number, number] =
        layoutUsed === 'nchw' ? [batch.count, 3, s, s] : [batch.count, s, s, 3];
      const x = tf.tensor4d(toLayout(batch, layoutUsed), dims);
      let y: tf.Tensor;
      try {
        y = await predict(x);
      } catch (err) {
        const reason = err instanceof Error ? err.message.replace(/\s+/g, ' ') : String(err);
        throw new Error(`${modelFile.path} failed on ${s}x${s} ${layoutUsed.toUpperCase()} input (${reason}): check --size and --layout`);
      } finally {
        x.dispose();
      }
      const values = await y.data();
      const pooled = poolOutput(values as Float32Array, y.shape, layoutUsed, opts.pooling);
      y.dispose();
      assertFiniteEmbeddings(pooled.data);
      return pooled;
    },
    async dispose() {
      release();
    },
  };
}
