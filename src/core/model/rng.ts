/**
 * Seeded pseudo-random numbers (xoshiro128**), so that weight init, masks and data order are
 * identical on every backend and every run. Streams are derived from (seed, keys...) with a
 * splitmix32 hash: a training step's masks depend only on (seed, step), which is what makes a
 * resumed run bit-identical to an uninterrupted one without storing mid-epoch generator state.
 */

/** Named streams, so that e.g. the masks of step 3 never share numbers with the init. */
export const STREAM = { init: 1, shuffle: 2, trainMask: 3, scoreMask: 4 } as const;

function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const TWO_POW_32 = 4294967296;

export class Rng {
  private readonly s = new Uint32Array(4);

  /** A generator from a raw 4-word state (as returned by `state()`). */
  constructor(state: ArrayLike<number>) {
    for (let i = 0; i < 4; i++) this.s[i] = state[i] >>> 0;
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** A generator for the stream (seed, ...keys); equal inputs give equal sequences. */
  static derive(seed: number, ...keys: number[]): Rng {
    let h = splitmix32(seed | 0);
    // Seeds above 2^32 (rare) still matter: fold the high part in.
    h = splitmix32(h ^ Math.floor(seed / TWO_POW_32));
    for (const k of keys) h = splitmix32(h ^ splitmix32(k | 0));
    const st: number[] = [];
    for (let i = 0; i < 4; i++) {
      h = splitmix32(h);
      st.push(h);
    }
    return new Rng(st);
  }

  state(): number[] {
    return Array.from(this.s);
  }

  /** Next uniform 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.s;
    const x = Math.imul(s[1], 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 11) | (s[3] >>> 21);
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / TWO_POW_32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller; one pair of uniforms per value keeps the state simple). */
  normal(): number {
    const u1 = (this.nextU32() + 1) / (TWO_POW_32 + 1);
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
