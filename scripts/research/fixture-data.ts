/**
 * Shared by the research scripts: the fixtures' preprocessing (32 px, NCHW, CIFAR-10 mean/std)
 * and one folder loaded and embedded the way `dede scan` does it, with labels per row.
 */
import { readFile } from 'node:fs/promises';
import { setupNodeBackend } from '../../src/cli/backend';
import { readFolder, readEncoderFiles } from '../../src/cli/files';
import { loadEncoder } from '../../src/core/encoder';
import { embedAll, loadImages } from '../../src/core/pipeline';
import { MemoryEmbeddingStore } from '../../src/core/embedCache';
import { parseLabels } from '../../src/core/csv';
import { DEFAULT_PREPROCESS, NORM_PRESETS, type PreprocessOptions } from '../../src/core/options';
import type { Embeddings, ImageBatch } from '../../src/core/types';

export const FIXTURE_PRE: PreprocessOptions = { ...DEFAULT_PREPROCESS, mean: NORM_PRESETS.cifar10.mean, std: NORM_PRESETS.cifar10.std };

/** Images of `root` (and, with an encoder, their embeddings); labels per row (0 without a labels file or `none`). */
export async function fixtureData(
  root: string,
  labelsPath: string,
  encoderPath?: string,
): Promise<{ paths: string[]; images: ImageBatch; emb: Embeddings | null; labels: number[] }> {
  await setupNodeBackend();
  const { files } = await readFolder(root, '--images');
  const loaded = await loadImages(files, FIXTURE_PRE);
  let emb: Embeddings | null = null;
  if (encoderPath) {
    const encoder = await loadEncoder(await readEncoderFiles(encoderPath));
    emb = await embedAll(encoder, loaded.batch, loaded.imageShas, FIXTURE_PRE, new MemoryEmbeddingStore());
  }
  const lab = !labelsPath || labelsPath === 'none' ? new Map<string, number>() : parseLabels(await readFile(labelsPath, 'utf8'));
  return { paths: loaded.paths, images: loaded.batch, emb, labels: loaded.paths.map((p) => lab.get(p) ?? 0) };
}
