/**
 * A minimal promise wrapper over IndexedDB, used for decoder checkpoints and cached
 * embeddings, so a reload or a crash loses at most the epoch in progress. Every failure
 * (private mode, quota) degrades to "not stored" rather than failing the run.
 */
const DB_NAME = 'dede-studio';
const DB_VERSION = 2;
export type StoreName = 'checkpoints' | 'embeddings' | 'session';

let dbPromise: Promise<IDBDatabase | null> | null = null;

function openDb(): Promise<IDBDatabase | null> {
  dbPromise ??= new Promise((resolve) => {
    if (typeof indexedDB === 'undefined') return resolve(null);
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      for (const name of ['checkpoints', 'embeddings', 'session']) {
        if (!db.objectStoreNames.contains(name)) db.createObjectStore(name);
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => resolve(null);
  });
  return dbPromise;
}

function run<T>(store: StoreName, mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest): Promise<T | undefined> {
  return openDb().then(
    (db) =>
      new Promise<T | undefined>((resolve) => {
        if (!db) return resolve(undefined);
        try {
          const tx = db.transaction(store, mode);
          const request = op(tx.objectStore(store));
          tx.oncomplete = () => resolve(request.result as T);
          tx.onerror = () => resolve(undefined);
          tx.onabort = () => resolve(undefined);
        } catch {
          resolve(undefined);
        }
      }),
  );
}

export function idbGet<T>(store: StoreName, key: string): Promise<T | undefined> {
  return run<T>(store, 'readonly', (s) => s.get(key));
}

export async function idbSet(store: StoreName, key: string, value: unknown): Promise<void> {
  await run(store, 'readwrite', (s) => s.put(value, key));
}

/** Values of many keys in one transaction (undefined where absent). */
export async function idbGetMany<T>(store: StoreName, keys: string[]): Promise<(T | undefined)[]> {
  if (keys.length === 0) return [];
  const db = await openDb();
  if (!db) return keys.map(() => undefined);
  return new Promise((resolve) => {
    try {
      const tx = db.transaction(store, 'readonly');
      const requests = keys.map((k) => tx.objectStore(store).get(k));
      tx.oncomplete = () => resolve(requests.map((r) => r.result as T | undefined));
      tx.onerror = tx.onabort = () => resolve(keys.map(() => undefined));
    } catch {
      resolve(keys.map(() => undefined));
    }
  });
}

/** Writes many entries in one transaction. */
export async function idbSetMany(store: StoreName, entries: [string, unknown][]): Promise<void> {
  if (entries.length === 0) return;
  const db = await openDb();
  if (!db) return;
  await new Promise<void>((resolve) => {
    try {
      const tx = db.transaction(store, 'readwrite');
      for (const [k, v] of entries) tx.objectStore(store).put(v, k);
      tx.oncomplete = tx.onerror = tx.onabort = () => resolve();
    } catch {
      resolve();
    }
  });
}

export async function idbDelete(store: StoreName, key: string): Promise<void> {
  await run(store, 'readwrite', (s) => s.delete(key));
}

export async function idbKeys(store: StoreName): Promise<string[]> {
  return ((await run<IDBValidKey[]>(store, 'readonly', (s) => s.getAllKeys())) ?? []).map(String);
}
