/**
 * WebP -> RGBA8 through libwebp compiled to WebAssembly (the `webp.wasm` of npm's
 * @cwasm/webp: a bare module exporting malloc/free/WebPDecodeRGBA, no JS glue, no fetch).
 *
 * src/core cannot read files, so an adapter hands the wasm in once with `initWebp` (the CLI
 * reads `@cwasm/webp/webp.wasm` from node_modules; the worker fetches the URL Vite gives it).
 * Instantiation is synchronous, so `decodeImage` stays synchronous for every format. The
 * wasm sandbox keeps a hostile file's memory errors inside the decoder's own heap; after a
 * trap the instance is rebuilt so one bad file cannot poison the next.
 */
import type { RgbaImage } from '../types';
import { checkImageSize, errorText } from './limits';

/** Opaque compiled module (a WebAssembly.Module). */
export type WasmModule = object;

// ES2022's lib has no WebAssembly types and src/core may only use what globals.d.ts declares;
// this is the minimal, module-local surface we touch (it exists in browsers, workers and Node).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, () => never>>) => {
    exports: Record<string, unknown>;
  };
};

interface WebpExports {
  memory: { buffer: ArrayBuffer };
  malloc(size: number): number;
  free(ptr: number): void;
  WebPDecodeRGBA(data: number, size: number, widthPtr: number, heightPtr: number): number;
}

let compiled: WasmModule | null = null;
let live: WebpExports | null = null;

const noSyscalls = {
  fd_seek: (): never => {
    throw new Error('WebP decoder tried to seek a file');
  },
  fd_close: (): never => {
    throw new Error('WebP decoder tried to close a file');
  },
  fd_write: (): never => {
    throw new Error('WebP decoder tried to write a file');
  },
};

function instantiate(module: WasmModule): WebpExports {
  const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: noSyscalls });
  const ex = instance.exports;
  for (const name of ['memory', 'malloc', 'free', 'WebPDecodeRGBA'])
    if (!(name in ex)) throw new Error(`not the expected WebP decoder wasm: it lacks "${name}"`);
  return ex as unknown as WebpExports;
}

/** Installs the WebP decoder from the bytes of @cwasm/webp's webp.wasm, or an already compiled module; idempotent. */
export function initWebp(wasm: Uint8Array | WasmModule): void {
  const module = wasm instanceof Uint8Array ? new WebAssembly.Module(wasm) : wasm;
  live = instantiate(module);
  compiled = module;
}

/** True once `initWebp` has run, so adapters can initialise lazily. */
export function isWebpReady(): boolean {
  return live !== null;
}

/** Canvas size and animation flag from the RIFF header, or a readable Error. */
export function webpInfo(bytes: Uint8Array): { width: number; height: number; animated: boolean } {
  if (bytes.length < 30) throw new Error('corrupt WebP: the file is truncated before its header ends');
  const fourcc = String.fromCharCode(bytes[12], bytes[13], bytes[14], bytes[15]);
  const u16 = (i: number) => bytes[i] | (bytes[i + 1] << 8);
  const u24 = (i: number) => bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16);
  switch (fourcc) {
    case 'VP8 ':
      if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a)
        throw new Error('corrupt WebP: bad VP8 start code');
      return { width: u16(26) & 0x3fff, height: u16(28) & 0x3fff, animated: false };
    case 'VP8L': {
      if (bytes[20] !== 0x2f) throw new Error('corrupt WebP: bad VP8L signature');
      const bits = (bytes[21] | (bytes[22] << 8) | (bytes[23] << 16) | (bytes[24] << 24)) >>> 0;
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, animated: false };
    }
    case 'VP8X':
      return { width: u24(24) + 1, height: u24(27) + 1, animated: (bytes[20] & 0x02) !== 0 };
    default:
      throw new Error(`corrupt WebP: unknown first chunk "${fourcc}"`);
  }
}

/** Decodes WebP bytes (RIFF/WEBP already checked) into RGBA; needs `initWebp` first. */
export function decodeWebp(bytes: Uint8Array): RgbaImage {
  const info = webpInfo(bytes);
  if (info.animated) throw new Error('unsupported WebP: animated images are not supported; export one frame');
  checkImageSize(info.width, info.height, 'WebP');
  if (!live || !compiled)
    throw new Error('WebP decoder not initialised: the app must call initWebp() with webp.wasm first');
  const ex = live;
  let input = 0;
  let dims = 0;
  let pixels = 0;
  try {
    input = ex.malloc(bytes.length);
    dims = ex.malloc(8);
    if (!input || !dims) throw new Error('out of decoder memory');
    new Uint8Array(ex.memory.buffer, input, bytes.length).set(bytes);
    pixels = ex.WebPDecodeRGBA(input, bytes.length, dims, dims + 4);
    if (!pixels) throw new Error('corrupt WebP: libwebp could not decode it');
    // Read views only after the call: decoding may grow (and so replace) the memory buffer.
    const [width, height] = new Uint32Array(ex.memory.buffer, dims, 2);
    if (width !== info.width || height !== info.height)
      throw new Error(`corrupt WebP: header says ${info.width} x ${info.height}, data ${width} x ${height}`);
    const data = new Uint8ClampedArray(width * height * 4);
    data.set(new Uint8Array(ex.memory.buffer, pixels, data.length));
    return { width, height, data };
  } catch (err) {
    const text = errorText(err);
    if (text.startsWith('corrupt WebP')) throw err;
    // A trap leaves the wasm heap in an unknown state: start a fresh instance.
    live = instantiate(compiled);
    throw new Error(`corrupt WebP: the decoder failed (${text})`);
  } finally {
    if (live === ex) {
      if (pixels) ex.free(pixels);
      if (dims) ex.free(dims);
      if (input) ex.free(input);
    }
  }
}
