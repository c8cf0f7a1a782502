/**
 * The CLI embeds with onnxruntime-node's native CPU kernels (an optional dependency, installed
 * by `npm ci` with its GPU download skipped by .npmrc) and the app with onnxruntime-web: both
 * must give the same embeddings on real encoders exported from PyTorch, within float tolerance.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ortBackend, setupNodeBackend } from '../src/cli/backend';
import { chooseOutput, loadEncoder, resolvePreprocess } from '../src/core/encoder';
import { loadImages } from '../src/core/pipeline';
import { NORM_PRESETS } from '../src/core/options';
import { ROOT } from './helpers/cli';

const ENCODERS = [
  { name: 'patch backdoor', encoder: path.join(ROOT, 'fixtures', 'patch', 'encoder.onnx'), images: path.join(ROOT, 'fixtures', 'patch', 'images'), norm: NORM_PRESETS.cifar10 },
  { name: 'r224 (224 px, two outputs)', encoder: path.join(ROOT, 'fixtures', 'r224', 'encoder.onnx'), images: path.join(ROOT, 'fixtures', 'r224', 'images'), norm: NORM_PRESETS.none },
].filter((c) => existsSync(c.encoder));

describe('onnxruntime-node and onnxruntime-web embed alike', () => {
  beforeAll(async () => {
    await setupNodeBackend();
  });

  it('onnxruntime-node is installed (npm ci with .npmrc skipping its GPU download)', () => {
    const rt = ortBackend('auto');
    expect(rt.fallbackReason).toBeNull();
    expect(rt.name).toMatch(/onnxruntime-node/);
  });

  for (const c of ENCODERS) {
    it(`${c.name}: same embeddings within 1e-4 relative`, async () => {
      const bytes = new Uint8Array(readFileSync(c.encoder));
      const files = readdirSync(c.images).sort().slice(0, 40).map((f) => ({ path: f, bytes: new Uint8Array(readFileSync(path.join(c.images, f))) }));
      const out: Float32Array[] = [];
      for (const choice of ['web', 'node'] as const) {
        const rt = ortBackend(choice);
        const enc = await loadEncoder([{ path: path.basename(c.encoder), bytes }], { runtime: rt.runtime, executionProviders: rt.executionProviders });
        const { pre } = resolvePreprocess(enc.info, { mean: c.norm.mean, std: c.norm.std });
        const loaded = await loadImages(files, pre);
        out.push((await enc.embed(loaded.batch, pre)).data);
        await enc.dispose();
      }
      expect(out[1].length).toBe(out[0].length);
      let scale = 0;
      let diff = 0;
      for (let i = 0; i < out[0].length; i++) {
        scale = Math.max(scale, Math.abs(out[0][i]));
        diff = Math.max(diff, Math.abs(out[0][i] - out[1][i]));
      }
      expect(scale).toBeGreaterThan(0);
      expect(diff / scale).toBeLessThan(1e-4);
    });
  }
});

describe('chooseOutput', () => {
  const outs = [
    { name: 'last_hidden_state', shape: [-1, 50, 768] },
    { name: 'image_embeds', shape: [-1, 512] },
  ];
  it('takes the named output, else the first [batch, D] one, else the first', () => {
    expect(chooseOutput(outs, 'last_hidden_state', 'clip.onnx')).toBe('last_hidden_state');
    expect(chooseOutput(outs, null, 'clip.onnx')).toBe('image_embeds');
    expect(chooseOutput([outs[0]], null, 'vit.onnx')).toBe('last_hidden_state');
  });
  it('lists the outputs when the named one does not exist', () => {
    expect(() => chooseOutput(outs, 'pooler_output', 'clip.onnx')).toThrow(
      /clip.onnx has no output named "pooler_output"; its outputs are "last_hidden_state" \[\?, 50, 768\], "image_embeds" \[\?, 512\]: pass one of those names with --output/,
    );
  });
});
