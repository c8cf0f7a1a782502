// Entry of a fold-training worker thread: TypeScript through tsx, as bin/dede.mjs does.
import { register } from 'tsx/esm/api';

register();
await import('./foldWorker.ts');
