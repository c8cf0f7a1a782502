import { describe, expect, it } from 'vitest';
import { checkShardPath, declaredWeightBytes } from './shards';

describe('checkShardPath', () => {
  it('keeps paths inside the model folder, canonical', () => {
    expect(checkShardPath('group1-shard1of1.bin')).toBe('group1-shard1of1.bin');
    expect(checkShardPath('./w/./a.bin')).toBe('w/a.bin');
    expect(checkShardPath('w//a.bin')).toBe('w/a.bin');
  });

  it('refuses climbing, absolute, URL, drive, backslash, empty and control-character paths', () => {
    for (const [p, why] of [
      ['../x.bin', /climbs out/],
      ['a/../../x.bin', /climbs out/],
      ['a/..', /climbs out/],
      ['/dev/zero', /absolute/],
      ['..\\x.bin', /backslash/],
      ['C:/x.bin', /URL or a drive/],
      ['https://evil/x.bin', /URL or a drive/],
      ['', /is empty/],
      ['./', /names no file/],
      ['a\u0000.bin', /control characters/],
    ] as const) {
      expect(() => checkShardPath(p, 'model.json'), p).toThrow(why);
    }
  });
});

describe('declaredWeightBytes', () => {
  it('sums elements x dtype bytes, using the quantised dtype when given', () => {
    const manifest = [
      { paths: ['a'], weights: [{ name: 'w', shape: [3, 4], dtype: 'float32' }, { name: 'i', shape: [2], dtype: 'int32' }] },
      { paths: ['b'], weights: [{ name: 'q', shape: [10], dtype: 'float32', quantization: { dtype: 'uint8', min: 0, scale: 1 } }, { name: 's', shape: [], dtype: 'float32' }] },
    ];
    expect(declaredWeightBytes(manifest)).toBe(48 + 8 + 10 + 4);
  });

  it('is null when a size cannot be known', () => {
    expect(declaredWeightBytes([{ weights: [{ name: 's', shape: [2], dtype: 'string' }] }])).toBeNull();
    expect(declaredWeightBytes([{ weights: [{ name: 'w', shape: [-1], dtype: 'float32' }] }])).toBeNull();
  });
});

describe('loadEncoder (the app path: dropped files)', () => {
  it('refuses a manifest that climbs out even when a dropped file has the shard name', async () => {
    const { loadEncoder } = await import('./index');
    const { makeGraphModelFiles } = await import('../../../test/helpers/graphModel');
    const { files } = makeGraphModelFiles();
    const json = files.find((f) => f.path === 'model.json')!;
    const model = JSON.parse(new TextDecoder().decode(json.bytes));
    model.weightsManifest[0].paths = ['../../group1-shard1of1.bin'];
    const tampered = files.map((f) => (f === json ? { path: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(model)) } : f));
    await expect(loadEncoder(tampered)).rejects.toThrow(/lists the weight file "..\/..\/group1-shard1of1.bin", which climbs out of the model folder/);
  });
});
