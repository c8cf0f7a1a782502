/**
 * A research switch from the environment (Node only; undefined in the browser, whose workers
 * have no `process`): `DEDE_FAST_BMM` (fastBatchMatMul.ts), `DEDE_QKV` (layers.ts). src/core
 * declares no Node globals, so `process` is looked up on globalThis.
 */
export function researchEnv(name: string): string | undefined {
  const g = globalThis as { process?: { env?: Record<string, string | undefined> } };
  return g.process?.env?.[name];
}
