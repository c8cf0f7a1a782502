/** Handing a large folder's files to the worker without freezing the page. */
import type { FileRef } from '../worker/protocol';

/**
 * Files per message when a folder is handed to the worker. Each postMessage clones its File
 * objects on the main thread: 10,000 in one message blocked it for 2.2 s here
 * (scripts/research/app-large.ts); in chunks the page stays responsive between them.
 */
export const STAGE_CHUNK = 100;

/** Hands `refs` to the worker in STAGE_CHUNK pieces, yielding to the page between them. */
export async function stageInChunks(refs: FileRef[], send: (chunk: FileRef[], first: boolean) => Promise<unknown>, chunk = STAGE_CHUNK): Promise<void> {
  for (let i = 0; i === 0 || i < refs.length; i += chunk) await send(refs.slice(i, i + chunk), i === 0);
}
