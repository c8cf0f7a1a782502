/**
 * A decoder set as one buffer (checkpoints, resume, the demo's shipped decoders), apart from the
 * training and scoring of decoderSet.ts, which re-exports these two functions.
 */
import type { DecoderSet, FoldParts, SetIdentity } from './decoderSet';
import { checkpointFromBytes, checkpointToBytes, loadCheckpoint, saveCheckpoint, saveCheckpointAsync, type TrainState } from './model';
import { weightsOnly } from './model/checkpoint';

const MAGIC = 'DEDESET1';

/**
 * One buffer: "DEDESET1" | u32 header length | header JSON {parts} | per decoder: u32 length | checkpoint bytes.
 * `compact`: weights only, as float16 (a shipped pre-trained set; resuming training restarts Adam).
 */
export async function decoderSetToBytes(set: DecoderSet, asyncReadback = false, compact = false): Promise<Uint8Array> {
  const cps: Uint8Array[] = [];
  for (const s of set.states) {
    const cp = asyncReadback ? await saveCheckpointAsync(s) : saveCheckpoint(s);
    cps.push(compact ? checkpointToBytes(weightsOnly(cp), true) : checkpointToBytes(cp));
  }
  const header = new TextEncoder().encode(JSON.stringify({ parts: set.parts, decoders: cps.length, identity: set.identity ?? null }));
  const size = 8 + 4 + header.length + cps.reduce((a, c) => a + 4 + c.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, header.length, true);
  out.set(header, 12);
  let at = 12 + header.length;
  for (const c of cps) {
    view.setUint32(at, c.length, true);
    out.set(c, at + 4);
    at += 4 + c.length;
  }
  return out;
}

/** Inverse of decoderSetToBytes; also accepts a single-decoder checkpoint (DEDECKP1). */
export function decoderSetFromBytes(bytes: Uint8Array): DecoderSet {
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== MAGIC) return { parts: null, states: [loadCheckpoint(checkpointFromBytes(bytes))] };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = () => new Error('the checkpoint file is truncated or corrupt: delete it to start training afresh');
  if (bytes.length < 12) throw fail();
  const hLen = view.getUint32(8, true);
  if (12 + hLen > bytes.length) throw fail();
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hLen))) as {
    parts: FoldParts;
    decoders: number;
    identity?: SetIdentity | null;
  };
  const states: TrainState[] = [];
  let at = 12 + hLen;
  for (let i = 0; i < header.decoders; i++) {
    if (at + 4 > bytes.length) throw fail();
    const len = view.getUint32(at, true);
    if (at + 4 + len > bytes.length) throw fail();
    // slice (a copy) so the checkpoint's float arrays start 4-byte aligned.
    states.push(loadCheckpoint(checkpointFromBytes(bytes.slice(at + 4, at + 4 + len))));
    at += 4 + len;
  }
  return { parts: header.parts, states, identity: header.identity ?? null };
}
