/**
 * ONNX Runtime Web configuration for the worker: its wasm binary and loader are served from
 * the app's own origin (Vite copies them into dist/assets), never from a CDN.
 */
import * as ort from 'onnxruntime-web';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';

let configured = false;

/** Points ORT at the local binaries; threads only where the page is cross-origin isolated. */
export function configureOrt(): void {
  if (configured) return;
  configured = true;
  const origin = self.location.origin;
  ort.env.wasm.wasmPaths = { mjs: new URL(ortMjsUrl, origin).href, wasm: new URL(ortWasmUrl, origin).href };
  ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency ?? 1)) : 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
}
