/**
 * Which tfjs backend to try first, as a pure policy (unit-tested): WebGPU only on a real GPU
 * adapter; a software adapter (SwiftShader, llvmpipe, a fallback adapter) is slower than the
 * CPU backends, so it counts as no GPU. On CPU, wasm trains at a usable speed (measured: the
 * cpu backend is 10-30x slower), then webgl, then cpu.
 */
export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';
export type BackendChoice = 'auto' | BackendName;
export const BACKEND_CHOICES: BackendChoice[] = ['auto', 'webgpu', 'wasm', 'webgl', 'cpu'];

export interface GpuAdapterReport {
  /** Vendor / architecture / device / description, as the adapter reports them. */
  description: string;
  software: boolean;
}

const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|software|basic render|\bwarp\b/i;

/** True when the adapter is a CPU rasteriser rather than a GPU. */
export function isSoftwareAdapter(description: string, isFallbackAdapter: boolean): boolean {
  return isFallbackAdapter || SOFTWARE_ADAPTER.test(description);
}

/** The order in which backends are tried for a choice. */
export function backendOrder(choice: BackendChoice, adapter: GpuAdapterReport | null): BackendName[] {
  const cpuOrder: BackendName[] = ['wasm', 'webgl', 'cpu'];
  if (choice !== 'auto') return [choice, ...cpuOrder.filter((b) => b !== choice)];
  return adapter && !adapter.software ? ['webgpu', ...cpuOrder] : cpuOrder;
}
