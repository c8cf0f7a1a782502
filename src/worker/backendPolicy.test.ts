import { describe, expect, it } from 'vitest';
import { backendOrder, isSoftwareAdapter } from './backendPolicy';

describe('backend policy', () => {
  it('treats SwiftShader, llvmpipe and fallback adapters as no GPU', () => {
    expect(isSoftwareAdapter('google / swiftshader', false)).toBe(true);
    expect(isSoftwareAdapter('mesa / llvmpipe (LLVM 15.0.6, 256 bits)', false)).toBe(true);
    expect(isSoftwareAdapter('Microsoft Basic Render Driver', false)).toBe(true);
    expect(isSoftwareAdapter('nvidia / hopper / NVIDIA H100', true)).toBe(true);
    expect(isSoftwareAdapter('nvidia / hopper / NVIDIA H100', false)).toBe(false);
    expect(isSoftwareAdapter('apple / metal-3 / Apple M2', false)).toBe(false);
  });

  it('tries WebGPU first only on a real GPU, else wasm before webgl and cpu', () => {
    expect(backendOrder('auto', { description: 'nvidia', software: false })).toEqual(['webgpu', 'wasm', 'webgl', 'cpu']);
    expect(backendOrder('auto', { description: 'google / swiftshader', software: true })).toEqual(['wasm', 'webgl', 'cpu']);
    expect(backendOrder('auto', null)).toEqual(['wasm', 'webgl', 'cpu']);
  });

  it('puts an explicit choice first and keeps the CPU fallbacks behind it', () => {
    expect(backendOrder('webgl', null)).toEqual(['webgl', 'wasm', 'cpu']);
    expect(backendOrder('cpu', null)).toEqual(['cpu', 'wasm', 'webgl']);
    expect(backendOrder('webgpu', { description: 'google / swiftshader', software: true })).toEqual(['webgpu', 'wasm', 'webgl', 'cpu']);
  });
});
