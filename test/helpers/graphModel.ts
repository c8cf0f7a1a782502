/**
 * A hand-written TensorFlow.js graph model (no converter needed): input [-1, 32, 32, 3] ->
 * Mean over H, W -> MatMul with a 3 x 4 weight. Its output is computable by hand.
 */
import type { InputFile } from '../../src/core/types';

const shape = (dims: number[]) => ({ dim: dims.map((d) => ({ size: String(d) })) });

export function makeGraphModelFiles(dir = ''): { files: InputFile[]; w: Float32Array } {
  const w = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1].map((v, i) => (v * (i + 1)) / 4));
  const axes = Int32Array.from([1, 2]);
  const model = {
    format: 'graph-model',
    generatedBy: 'hand-written for DeDe tests',
    convertedBy: null,
    modelTopology: {
      node: [
        { name: 'input', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: shape([-1, 32, 32, 3]) } } },
        { name: 'axes', op: 'Const', attr: { dtype: { type: 'DT_INT32' }, value: { tensor: { dtype: 'DT_INT32', tensorShape: shape([2]) } } } },
        { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: shape([3, 4]) } } } },
        { name: 'mean', op: 'Mean', input: ['input', 'axes'], attr: { keep_dims: { b: false }, T: { type: 'DT_FLOAT' }, Tidx: { type: 'DT_INT32' } } },
        { name: 'embedding', op: 'MatMul', input: ['mean', 'w'], attr: { transpose_a: { b: false }, transpose_b: { b: false }, T: { type: 'DT_FLOAT' } } },
      ],
      library: {},
      versions: {},
    },
    weightsManifest: [
      {
        paths: ['group1-shard1of1.bin'],
        weights: [
          { name: 'axes', shape: [2], dtype: 'int32' },
          { name: 'w', shape: [3, 4], dtype: 'float32' },
        ],
      },
    ],
  };
  const shard = new Uint8Array(axes.byteLength + w.byteLength);
  shard.set(new Uint8Array(axes.buffer), 0);
  shard.set(new Uint8Array(w.buffer), axes.byteLength);
  return {
    files: [
      { path: `${dir}model.json`, bytes: new TextEncoder().encode(JSON.stringify(model)) },
      { path: `${dir}group1-shard1of1.bin`, bytes: shard },
    ],
    w,
  };
}
