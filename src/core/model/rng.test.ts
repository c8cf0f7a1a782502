import { describe, expect, it } from 'vitest';
import { Rng } from './rng';

describe('Rng (xoshiro128**)', () => {
  it('matches the reference sequence for state [1,2,3,4]', () => {
    // By hand: rotl(2*5, 7)*9 = 1280*9 = 11520; after one update s1 = 0, so the next is 0.
    const r = new Rng([1, 2, 3, 4]);
    expect(r.nextU32()).toBe(11520);
    expect(r.nextU32()).toBe(0);
  });

  it('derives equal streams from equal keys and different ones otherwise', () => {
    const a = Rng.derive(7, 3, 1);
    const b = Rng.derive(7, 3, 1);
    const c = Rng.derive(7, 3, 2);
    const seqA = [a.nextU32(), a.nextU32(), a.nextU32()];
    expect([b.nextU32(), b.nextU32(), b.nextU32()]).toEqual(seqA);
    expect([c.nextU32(), c.nextU32(), c.nextU32()]).not.toEqual(seqA);
    expect(Rng.derive(8, 3, 1).nextU32()).not.toBe(seqA[0]);
  });

  it('gives permutations and roughly standard normals', () => {
    const r = Rng.derive(1);
    const p = Array.from(r.permutation(50));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    let s = 0;
    let s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
  });
});
