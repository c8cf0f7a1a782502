/**
 * The machine's matrix-product peak as the training engine can reach it: one [n,n] x [n,n]
 * float32 MatMul on onnxruntime-node's CPU kernels (MLAS) at 1 and 2 threads, built with the
 * engine's own graph builder. The share of this peak that a training step achieves is
 * `npm run bench`'s "share of peak".
 */
import { createRequire } from 'node:module';
import type { OrtRuntime } from '../src/core/encoder/onnx';
import { GraphBuilder } from '../src/core/model/onnx/graph';
import { noise, timeSteps } from './timing';

export interface PeakRow {
  threads: number;
  n: number;
  gflops: number;
}

export async function matmulPeak(threadCounts: number[], n = 1024): Promise<PeakRow[]> {
  const ort = createRequire(import.meta.url)('onnxruntime-node') as OrtRuntime;
  const g = new GraphBuilder();
  const a = g.input('a', [n, n]);
  const b = g.input('b', [n, n]);
  g.output(g.matmul(a, b), 'y');
  const bytes = g.encode('peak');
  const feeds = { a: new ort.Tensor('float32', noise(n * n, 3), [n, n]), b: new ort.Tensor('float32', noise(n * n, 5), [n, n]) };
  const rows: PeakRow[] = [];
  for (const threads of threadCounts) {
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1 });
    const t = await timeSteps(() => session.run(feeds), 1, { warmup: 3, minSteps: 10, minSeconds: 2, maxSteps: 400 });
    rows.push({ threads, n, gflops: (2 * n ** 3 * t.perSecond) / 1e9 });
    await session.release();
  }
  return rows;
}
