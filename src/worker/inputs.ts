/**
 * Getting bytes into the worker: the UI hands over File handles (cheap to clone) and the
 * worker reads them here, off the main thread; the demo is fetched from the app's origin.
 */
import { initWebp, isWebpReady } from '../core/image/webp';
import type { InputFile, LazyInputFile } from '../core/types';
import webpWasmUrl from '@cwasm/webp/webp.wasm?url';
import type { DemoManifest, FileRef } from './protocol';

/** Reads the bytes of every file, a few at a time. */
export async function readFileRefs(refs: FileRef[]): Promise<InputFile[]> {
  const out: InputFile[] = new Array(refs.length);
  const width = 16;
  for (let start = 0; start < refs.length; start += width) {
    const slice = refs.slice(start, start + width);
    const bytes = await Promise.all(slice.map((r) => r.file.arrayBuffer()));
    bytes.forEach((b, i) => (out[start + i] = { path: refs[start + i].path, bytes: new Uint8Array(b) }));
  }
  return out;
}

/** A dropped image kept as its File handle: read when its chunk is decoded, never held whole. */
export interface BlobInputFile extends LazyInputFile {
  blob: Blob;
}

export function blobInput(path: string, blob: Blob): BlobInputFile {
  return { path, blob, read: async () => new Uint8Array(await blob.arrayBuffer()) };
}

/** Image files as lazy handles (no bytes read here: checkImages and prepareImages read them a chunk at a time). */
export function lazyFileRefs(refs: FileRef[]): BlobInputFile[] {
  return refs.map((r) => blobInput(r.path, r.file));
}

let webpInit: Promise<void> | null = null;

/** Installs core's WebP decoder once, from the wasm Vite serves from this origin. */
export function ensureWebp(): Promise<void> {
  webpInit ??= (async () => {
    if (isWebpReady()) return;
    const response = await fetch(webpWasmUrl);
    if (!response.ok) throw new Error(`WebP decoder missing (${response.status}): rebuild the app`);
    initWebp(new Uint8Array(await response.arrayBuffer()));
  })().catch((err) => {
    webpInit = null;
    throw err;
  });
  return webpInit;
}

async function fetchBytes(url: URL): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`demo file ${url.pathname} could not be loaded (HTTP ${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

export interface DemoFiles {
  manifest: DemoManifest;
  encoder: InputFile[];
  images: InputFile[];
  /** The demo's auxiliary clean folder, when the manifest lists one (`aux`, in `auxDir`). */
  aux: InputFile[] | null;
  labelsCsv: string | null;
  /** The demo's pre-trained decoder set (compact DEDESET1 bytes), when the manifest names one. */
  decoder: Uint8Array | null;
}

/**
 * Fetches public/demo: manifest.json, the encoder (one .onnx, or a model.json with its shards
 * when listed as an array), every image it lists and its auxiliary clean images, `onProgress(done,
 * total)` as they arrive.
 */
export async function fetchDemo(baseUrl: string, onProgress: (done: number, total: number) => void): Promise<DemoFiles> {
  const base = new URL(baseUrl);
  const manifestResponse = await fetch(new URL('manifest.json', base));
  if (!manifestResponse.ok) {
    throw new Error('the demo is not bundled with this build (public/demo/manifest.json is missing)');
  }
  const manifest = (await manifestResponse.json()) as DemoManifest;
  const encoderPaths = Array.isArray(manifest.encoder) ? (manifest.encoder as string[]) : [manifest.encoder];
  const encoder = await Promise.all(encoderPaths.map(async (p) => ({ path: p, bytes: await fetchBytes(new URL(p, base)) })));
  // Image paths are relative to the image folder (`imagesDir`, default images/), as labels.csv
  // and scores.csv name them; a manifest that lists them from the demo root works too.
  const listedFromRoot = manifest.images.every((p) => p.startsWith('images/'));
  const asFolder = (d: string) => d.replace(/\/?$/, '/');
  const dir = manifest.imagesDir !== undefined ? asFolder(manifest.imagesDir) : listedFromRoot ? '' : 'images/';
  const prefix = dir === '' ? commonFolder(manifest.images) : '';
  const total = manifest.images.length + (manifest.aux?.length ?? 0);
  let done = 0;
  const fetchAll = async (list: string[], folder: string, strip: string): Promise<InputFile[]> => {
    const files: InputFile[] = new Array(list.length);
    const width = 24;
    for (let start = 0; start < list.length; start += width) {
      const slice = list.slice(start, start + width);
      const got = await Promise.all(slice.map((p) => fetchBytes(new URL(folder + p, base))));
      got.forEach((bytes, i) => (files[start + i] = { path: slice[i].slice(strip.length), bytes }));
      done += slice.length;
      onProgress(done, total);
    }
    return files;
  };
  const images = await fetchAll(manifest.images, dir, prefix);
  const aux = manifest.aux?.length ? await fetchAll(manifest.aux, asFolder(manifest.auxDir ?? 'aux/'), '') : null;
  const labelsCsv = manifest.labels ? new TextDecoder().decode(await fetchBytes(new URL(manifest.labels, base))) : null;
  const decoder = manifest.decoder ? await fetchBytes(new URL(manifest.decoder, base)) : null;
  return { manifest, encoder, images, aux, labelsCsv, decoder };
}

/** The folder prefix (ending in '/') that every path shares, or ''. */
export function commonFolder(paths: string[]): string {
  if (paths.length === 0) return '';
  let prefix = paths[0].slice(0, paths[0].lastIndexOf('/') + 1);
  for (const p of paths) {
    while (prefix && !p.startsWith(prefix)) prefix = prefix.slice(0, prefix.lastIndexOf('/', prefix.length - 2) + 1);
  }
  return prefix;
}
