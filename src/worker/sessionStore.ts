/**
 * The inputs of the latest run, kept in IndexedDB so that a reload or a crash loses nothing:
 * on the next visit the app restores the encoder, the folders and the settings, and Run
 * continues the decoder from its last checkpoint. Skipped for very large inputs. Dropped images
 * are stored as their Blobs (IndexedDB keeps them on disk) and come back as lazy files, so a
 * restored folder is not read into memory either.
 */
import type { ImageInput, InputFile } from '../core/types';
import { blobInput } from './inputs';
import { idbDelete, idbGet, idbSet } from './idb';
import type { RunSettings } from './protocol';

/** Inputs above this size are not duplicated into the browser's storage (on disk, not in memory). */
const MAX_BYTES = 1024 * 1024 * 1024;
const KEY = 'latest';
const STATUS_KEY = 'latest-status';

/** What the UI needs to show the restored inputs again (names, labels), opaque to the worker. */
export type SessionMeta = Record<string, unknown>;

/** An image as stored: its Blob (a dropped file) or its bytes (the demo's fetched images). */
type StoredImage = { path: string; blob: Blob } | InputFile;

export interface StoredSession {
  savedAt: number;
  settings: RunSettings;
  meta: SessionMeta;
  encoder: InputFile[];
  suspect: ImageInput[];
  aux: ImageInput[] | null;
}

interface StoredRecord extends Omit<StoredSession, 'suspect' | 'aux'> {
  suspect: StoredImage[];
  aux: StoredImage[] | null;
}

function toStored(files: ImageInput[]): StoredImage[] {
  return files.map((f) => {
    if ('bytes' in f) return f;
    if ('blob' in f && f.blob instanceof Blob) return { path: f.path, blob: f.blob };
    throw new Error(`${f.path}: only dropped files or fetched bytes can be kept for a reload`);
  });
}

const fromStored = (files: StoredImage[]): ImageInput[] => files.map((f) => ('blob' in f ? blobInput(f.path, f.blob) : f));

/** Kept apart from the files so that updating it every epoch stays cheap. */
export interface SessionStatus {
  status: 'running' | 'done';
  /** Epochs finished when the status was last written. */
  epoch: number;
}

const sizeOf = (f: ImageInput | StoredImage) => ('bytes' in f ? f.bytes.byteLength : 'blob' in f && f.blob instanceof Blob ? f.blob.size : 0);
const bytesOf = (files: (ImageInput | StoredImage)[] | null) => (files ?? []).reduce((n, f) => n + sizeOf(f), 0);

/** Saves the inputs at the start of a run; false when they are too large to keep. */
export async function saveSession(s: Omit<StoredSession, 'savedAt'>): Promise<boolean> {
  if (bytesOf(s.encoder) + bytesOf(s.suspect) + bytesOf(s.aux) > MAX_BYTES) {
    await idbDelete('session', KEY);
    return false;
  }
  const record: StoredRecord = { ...s, suspect: toStored(s.suspect), aux: s.aux ? toStored(s.aux) : null, savedAt: Date.now() };
  await idbSet('session', KEY, record);
  await setSessionStatus({ status: 'running', epoch: 0 });
  return true;
}

export async function setSessionStatus(status: SessionStatus): Promise<void> {
  await idbSet('session', STATUS_KEY, status);
}

export async function loadSession(): Promise<(StoredSession & SessionStatus) | null> {
  const [record, status] = await Promise.all([idbGet<StoredRecord>('session', KEY), idbGet<SessionStatus>('session', STATUS_KEY)]);
  if (!record) return null;
  const session: StoredSession = { ...record, suspect: fromStored(record.suspect), aux: record.aux ? fromStored(record.aux) : null };
  return { ...session, ...(status ?? { status: 'running', epoch: 0 }) };
}

export async function forgetSession(): Promise<void> {
  await Promise.all([idbDelete('session', KEY), idbDelete('session', STATUS_KEY)]);
}
