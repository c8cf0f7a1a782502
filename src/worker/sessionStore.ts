/**
 * The inputs of the latest run, kept in IndexedDB so that a reload or a crash loses nothing:
 * on the next visit the app restores the encoder, the folders and the settings, and Run
 * continues the decoder from its last checkpoint. Skipped for very large inputs.
 */
import type { InputFile } from '../core/types';
import { idbDelete, idbGet, idbSet } from './idb';
import type { RunSettings } from './protocol';

/** Inputs above this size are not duplicated into the browser's storage. */
const MAX_BYTES = 256 * 1024 * 1024;
const KEY = 'latest';
const STATUS_KEY = 'latest-status';

/** What the UI needs to show the restored inputs again (names, labels), opaque to the worker. */
export type SessionMeta = Record<string, unknown>;

export interface StoredSession {
  savedAt: number;
  settings: RunSettings;
  meta: SessionMeta;
  encoder: InputFile[];
  suspect: InputFile[];
  aux: InputFile[] | null;
}

/** Kept apart from the files so that updating it every epoch stays cheap. */
export interface SessionStatus {
  status: 'running' | 'done';
  /** Epochs finished when the status was last written. */
  epoch: number;
}

const bytesOf = (files: InputFile[] | null) => (files ?? []).reduce((n, f) => n + f.bytes.byteLength, 0);

/** Saves the inputs at the start of a run; false when they are too large to keep. */
export async function saveSession(s: Omit<StoredSession, 'savedAt'>): Promise<boolean> {
  if (bytesOf(s.encoder) + bytesOf(s.suspect) + bytesOf(s.aux) > MAX_BYTES) {
    await idbDelete('session', KEY);
    return false;
  }
  await idbSet('session', KEY, { ...s, savedAt: Date.now() });
  await setSessionStatus({ status: 'running', epoch: 0 });
  return true;
}

export async function setSessionStatus(status: SessionStatus): Promise<void> {
  await idbSet('session', STATUS_KEY, status);
}

export async function loadSession(): Promise<(StoredSession & SessionStatus) | null> {
  const [session, status] = await Promise.all([idbGet<StoredSession>('session', KEY), idbGet<SessionStatus>('session', STATUS_KEY)]);
  return session ? { ...session, ...(status ?? { status: 'running', epoch: 0 }) } : null;
}

export async function forgetSession(): Promise<void> {
  await Promise.all([idbDelete('session', KEY), idbDelete('session', STATUS_KEY)]);
}
