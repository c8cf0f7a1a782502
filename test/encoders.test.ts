/**
 * Encoders end to end in Node: ONNX (through onnxruntime-web) and TensorFlow.js graph and
 * layers models, loaded from in-memory files exactly as the worker and the CLI give them.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEncoder, resolvePreprocess } from '../src/core/encoder';
import { DEFAULT_PREPROCESS, type PreprocessOptions } from '../src/core/options';
import { loadImages } from '../src/core/pipeline';
import type { ImageBatch, InputFile } from '../src/core/types';
import { setupNodeBackend } from '../src/cli/backend';
import { makeGraphModelFiles } from './helpers/graphModel';

const DATA = path.join(__dirname, 'data');
const file = (p: string, name = path.basename(p)): InputFile => ({ path: name, bytes: new Uint8Array(readFileSync(p)) });

/** `count` images whose every pixel of image i, channel c is (i + 1) * (c + 1) / 10. */
function constantBatch(count: number, size: number): ImageBatch {
  const data = new Float32Array(count * size * size * 3);
  for (let i = 0; i < count; i++)
    for (let p = 0; p < size * size; p++)
      for (let c = 0; c < 3; c++) data[(i * size * size + p) * 3 + c] = ((i + 1) * (c + 1)) / 10;
  return { count, size, data };
}

/** Images of varied content (a seeded ramp) so different models give different outputs. */
function rampBatch(count: number, size: number): ImageBatch {
  const data = new Float32Array(count * size * size * 3);
  for (let k = 0; k < data.length; k++) data[k] = ((k * 7919) % 1000) / 1000;
  return { count, size, data };
}

const pre = (over: Partial<PreprocessOptions> = {}): PreprocessOptions => ({ ...DEFAULT_PREPROCESS, ...over });

beforeAll(async () => {
  await setupNodeBackend();
});

describe('ONNX encoders', () => {
  it('reads name, shape, layout and size from a torch.onnx.export model with a dynamic batch', async () => {
    const enc = await loadEncoder([file(path.join(DATA, 'tiny-dynamic.onnx'))]);
    expect(enc.info).toMatchObject({
      format: 'onnx',
      inputName: 'input',
      outputName: 'embedding',
      outputs: [{ name: 'embedding', shape: [-1, 16] }],
      inputShape: [-1, 3, 32, 32],
      inputSize: 32,
      layout: 'nchw',
      embDim: 16,
    });
    expect(enc.info.sha256).toMatch(/^[0-9a-f]{64}$/);
    await enc.dispose();
  });

  it('runs a fixed-batch-1 model image by image, matching the dynamic-batch export of the same weights', async () => {
    const dynamic = await loadEncoder([file(path.join(DATA, 'tiny-dynamic.onnx'))]);
    const fixed = await loadEncoder([file(path.join(DATA, 'tiny-batch1.onnx'))]);
    expect(fixed.info.inputShape[0]).toBe(1);
    const batch = rampBatch(5, 32);
    const a = await dynamic.embed(batch, pre({ layout: 'nchw' }));
    const b = await fixed.embed(batch, pre({ layout: 'nchw' }));
    expect(a.dim).toBe(16);
    expect(b.data.length).toBe(5 * 16);
    for (let i = 0; i < a.data.length; i++) expect(b.data[i]).toBeCloseTo(a.data[i], 5);
    // Rows differ between images: the batch was not collapsed onto one image.
    expect(a.data[0]).not.toBeCloseTo(a.data[16], 5);
    await dynamic.dispose();
    await fixed.dispose();
  });

  it('pools a rank-4 output and takes a dynamic size from the user', async () => {
    const enc = await loadEncoder([file(path.join(DATA, 'spatial.onnx'))]);
    expect(enc.info.inputSize).toBeNull();
    expect(enc.info.layout).toBe('nchw');
    expect(() => resolvePreprocess(enc.info, {})).toThrow(/dynamic: give the size .* --size/);
    const { pre: p } = resolvePreprocess(enc.info, { size: 16 });
    const out = await enc.embed(constantBatch(2, 16), p);
    expect(out.dim).toBe(8);
    expect(out.data.length).toBe(16);
    await enc.dispose();
  });

  it('turns NaN embeddings into a clear error', async () => {
    const enc = await loadEncoder([file(path.join(DATA, 'nan.onnx'))]);
    await expect(enc.embed(constantBatch(2, 32), pre())).rejects.toThrow(/NaN or infinite embeddings/);
    await enc.dispose();
  });

  it('says what is wrong with files that are not models', async () => {
    const png = { path: 'cat.png', bytes: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0, 0, 13]) };
    await expect(loadEncoder([png])).rejects.toThrow(
      'cat.png is not an ONNX model or a TensorFlow.js model.json: export with torch.onnx.export or tensorflowjs_converter',
    );
    const text = { path: 'model.onnx', bytes: new TextEncoder().encode('hello, this is a readme\n') };
    await expect(loadEncoder([text])).rejects.toThrow(/model.onnx is not an ONNX model/);
    const whole = readFileSync(path.join(DATA, 'tiny-dynamic.onnx'));
    const truncated = { path: 'cut.onnx', bytes: new Uint8Array(whole.subarray(0, 900)) };
    await expect(loadEncoder([truncated])).rejects.toThrow(/cut.onnx could not be loaded by ONNX Runtime .*torch.onnx.export/);
    const json = { path: 'config.json', bytes: new TextEncoder().encode('{"name": "x"}') };
    await expect(loadEncoder([json])).rejects.toThrow(/not a TensorFlow.js model.json/);
  });
});

describe('resolvePreprocess', () => {
  const info = {
    format: 'onnx' as const,
    sha256: '',
    inputName: 'input',
    outputName: 'embedding',
    outputs: [{ name: 'embedding', shape: [-1, 16] }],
    inputShape: [-1, 3, 32, 32],
    inputSize: 32,
    layout: 'nchw' as const,
    embDim: 16,
  };

  it('takes size and layout from the model and refuses conflicting ones', () => {
    expect(resolvePreprocess(info, {}).pre).toMatchObject({ size: 32, layout: 'nchw' });
    expect(() => resolvePreprocess(info, { size: 64 })).toThrow(/size mismatch: the encoder takes 32 px/);
    expect(() => resolvePreprocess(info, { layout: 'nhwc' })).toThrow(/layout mismatch/);
  });

  it('asks for a layout the model does not fix and checks the patch grid', () => {
    const open = { ...info, inputShape: [-1, -1, -1, -1], inputSize: null, layout: null };
    expect(() => resolvePreprocess(open, { size: 32 })).toThrow(/--layout nchw .* --layout nhwc/);
    expect(resolvePreprocess(open, { size: 32, layout: 'nhwc' }).pre.layout).toBe('nhwc');
    expect(() => resolvePreprocess(open, { size: 30, layout: 'nhwc' }, 4)).toThrow(/not divisible by the decoder's patch size 4/);
  });
});

describe('TensorFlow.js encoders', () => {
  it('loads a graph model from memory and computes mean-then-matmul exactly', async () => {
    const { files, w } = makeGraphModelFiles();
    const enc = await loadEncoder(files);
    expect(enc.info).toMatchObject({ format: 'tfjs-graph', inputShape: [-1, 32, 32, 3], layout: 'nhwc', inputSize: 32 });
    const out = await enc.embed(constantBatch(2, 32), pre({ layout: 'nhwc' }));
    expect(out.dim).toBe(4);
    // Image i is constant (i+1)(c+1)/10 per channel, so its mean is that vector; emb = mean @ W.
    for (let i = 0; i < 2; i++) {
      const mean = [1, 2, 3].map((c) => ((i + 1) * c) / 10);
      for (let j = 0; j < 4; j++) {
        const expected = mean[0] * w[j] + mean[1] * w[4 + j] + mean[2] * w[8 + j];
        expect(out.data[i * 4 + j]).toBeCloseTo(expected, 4);
      }
    }
    await enc.dispose();
  });

  it('names a missing weight shard', async () => {
    const { files } = makeGraphModelFiles();
    const onlyJson = files.filter((f) => f.path.endsWith('model.json'));
    await expect(loadEncoder(onlyJson)).rejects.toThrow(
      'weight file "group1-shard1of1.bin" listed in model.json is missing: include all weight files listed in model.json',
    );
  });
});

// The fixture encoders (made by scripts/fixtures): each format must reproduce the embeddings
// PyTorch computed for the same PNG files, through our own decode + preprocess.
const ROOT = path.join(__dirname, '..');
const REF = path.join(ROOT, 'fixtures', 'reference-embeddings.json');
describe.runIf(existsSync(REF))('fixture encoders match the PyTorch reference embeddings', () => {
  interface Reference {
    imagesDir: string;
    files: string[];
    preprocess: { size: number; layout: 'nchw' | 'nhwc'; mean: [number, number, number]; std: [number, number, number] };
    backdoored: { model: string; embeddings: number[][] };
    clean: { model: string; embeddings: number[][] };
  }
  const ref: Reference = existsSync(REF) ? JSON.parse(readFileSync(REF, 'utf8')) : null;

  async function embedReferenceImages(files: InputFile[]) {
    const enc = await loadEncoder(files);
    const { pre: p } = resolvePreprocess(enc.info, { mean: ref.preprocess.mean, std: ref.preprocess.std });
    expect(p.size).toBe(ref.preprocess.size);
    const images = ref.files.map((f) => file(path.join(ROOT, ref.imagesDir, f), f));
    const loaded = await loadImages(images, p);
    expect(loaded.paths).toEqual(ref.files);
    const out = await enc.embed(loaded.batch, p);
    await enc.dispose();
    return out;
  }

  function expectClose(out: { dim: number; data: Float32Array }, expected: number[][], tol: number) {
    expect(out.dim).toBe(expected[0].length);
    let worst = 0;
    expected.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(out.data[i * out.dim + j] - v)))));
    expect(worst).toBeLessThan(tol);
  }

  it('backdoored ONNX encoder (fixtures/patch/encoder.onnx), to 1e-4', async () => {
    const out = await embedReferenceImages([file(path.join(ROOT, ref.backdoored.model))]);
    expectClose(out, ref.backdoored.embeddings, 1e-4);
  });

  it('clean ONNX encoder (fixtures/clean-encoder.onnx), to 1e-4', async () => {
    const out = await embedReferenceImages([file(path.join(ROOT, ref.clean.model))]);
    expectClose(out, ref.clean.embeddings, 1e-4);
  });

  it('the same backdoored network as a TensorFlow.js layers model (NHWC), to 1e-3', async () => {
    const dir = path.join(ROOT, 'fixtures', 'backdoor-tfjs');
    const files = readdirSync(dir).map((f) => file(path.join(dir, f), `backdoor-tfjs/${f}`));
    const enc = await loadEncoder(files);
    expect(enc.info).toMatchObject({ format: 'tfjs-layers', layout: 'nhwc', inputSize: 32 });
    await enc.dispose();
    const out = await embedReferenceImages(files);
    expectClose(out, ref.backdoored.embeddings, 1e-3);
  });
});
