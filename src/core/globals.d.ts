/**
 * The only ambient globals src/core may use: they exist identically in browsers, module
 * workers and Node >= 20. Anything else (window, document, self, process, fs) belongs in an
 * adapter (src/worker, src/cli), and tsconfig.core.json makes that a type error.
 */
declare const crypto: {
  subtle: { digest(algorithm: 'SHA-256', data: ArrayBuffer | Uint8Array): Promise<ArrayBuffer> };
  getRandomValues<T extends ArrayBufferView>(array: T): T;
};
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string);
  decode(input?: ArrayBuffer | ArrayBufferView): string;
}
declare const performance: { now(): number };
declare const console: {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
};
declare function setTimeout(handler: () => void, ms?: number): unknown;
