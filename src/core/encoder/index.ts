/**
 * One entry point for every encoder format: the files decide (an ONNX protobuf, or a
 * TensorFlow.js model.json with its shards), never the caller.
 */
import type { Encoder, InputFile } from '../types';
import { sha256Hex } from '../hash';
import { loadOnnxEncoder, type OnnxLoadOptions } from './onnx';
import { loadTfjsEncoder, tfjsFormatOf } from './tfjs';

export { resolvePreprocess, type ResolvedPreprocess } from './resolve';
export type { OnnxLoadOptions, OrtRuntime } from './onnx';
export { chooseOutput } from './pooling';

export type LoadEncoderOptions = OnnxLoadOptions;

const NOT_A_MODEL = 'is not an ONNX model or a TensorFlow.js model.json: export with torch.onnx.export or tensorflowjs_converter';

/**
 * An ONNX ModelProto starts with a protobuf tag; torch.onnx.export writes ir_version first
 * (0x08). A tag is plausible when its wire type is varint or length-delimited and its field
 * number is one ModelProto uses (1..20); PNG, JPEG, JSON and zip headers all fail this.
 */
export function looksLikeOnnx(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  const tag = bytes[0];
  const wire = tag & 7;
  const field = tag >> 3;
  return (wire === 0 || wire === 2) && field >= 1 && field <= 20;
}

/** True when the first bytes are printable ASCII text (a README or CSV renamed .onnx, say). */
function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 256);
  return head.length > 0 && head.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
}

function parseJson(file: InputFile): Record<string, unknown> | null {
  if (file.bytes.length === 0 || file.bytes[0] !== 0x7b /* '{' */) return null;
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(file.bytes));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function listedShards(modelJson: Record<string, unknown>): string[] {
  const manifest = modelJson.weightsManifest;
  if (!Array.isArray(manifest)) return [];
  return manifest.flatMap((g: { paths?: unknown }) => (Array.isArray(g?.paths) ? g.paths.map(String) : []));
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Loads a frozen encoder from `files`: one ONNX file, or a model.json plus its weight shards.
 * Throws an Error naming the file and what to do when the files are not a usable model.
 */
export async function loadEncoder(files: InputFile[], opts: LoadEncoderOptions = {}): Promise<Encoder> {
  if (files.length === 0) throw new Error('no encoder file given: pass an ONNX file or a TensorFlow.js model.json');
  for (const file of files) {
    const json = parseJson(file);
    if (json && tfjsFormatOf(json) !== null) {
      const listed = new Set(listedShards(json).map(baseName));
      // The model's identity is model.json plus the shards it lists, in name order.
      const parts = files
        .filter((f) => f === file || listed.has(baseName(f.path)))
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
        .map((f) => f.bytes);
      return loadTfjsEncoder(files, file, json, await sha256Hex(parts), opts.output ?? null);
    }
  }
  const onnx = files.filter((f) => /\.onnx$/i.test(f.path) || looksLikeOnnx(f.bytes));
  if (onnx.length > 1) {
    throw new Error(`several ONNX files given (${onnx.map((f) => f.path).join(', ')}): pass exactly one encoder`);
  }
  const file = onnx[0] ?? files[0];
  if (file.bytes.length === 0) throw new Error(`${file.path} is empty: give the exported encoder file`);
  if (!looksLikeOnnx(file.bytes) || looksLikeText(file.bytes)) {
    if (parseJson(file)) {
      throw new Error(`${file.path} is JSON but not a TensorFlow.js model.json (no modelTopology): export with tensorflowjs_converter`);
    }
    throw new Error(`${file.path} ${NOT_A_MODEL}`);
  }
  return loadOnnxEncoder(file.bytes, await sha256Hex(file.bytes), file.path, opts);
}
