/**
 * The embedding map's 2-D projection (issue 9): principal component analysis of the
 * embeddings, by orthogonal (block power) iteration on the implicit covariance, so it never
 * forms the dim x dim matrix and costs O(rows x dim) per iteration. Fitted on at most `maxFit`
 * evenly spaced rows (the axes of 5,000 rows of a 512-d embedding are those of 50,000 to a
 * fraction of a degree), then every row is projected. Deterministic: the start block is
 * seeded and each axis's sign is fixed (its largest-magnitude coordinate positive).
 */
import type { Embeddings } from './types';

export interface Projection {
  /** Row-major (x, y) per embedding: its coordinates on the first two principal axes. */
  xy: Float32Array;
  /** Share of the total variance each axis holds. */
  explained: [number, number];
  /** The two unit axes (dim each), and the mean subtracted first. */
  axes: [Float64Array, Float64Array];
  mean: Float64Array;
  /** Rows the axes were fitted on. */
  fitRows: number;
}

export interface ProjectionOptions {
  maxFit?: number;
  /** Iterations at most; stops earlier when the block's eigenvalues settle. */
  iterations?: number;
  seed?: number;
}

/** Mulberry32: a small seeded generator for the start block. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gram-Schmidt on the vectors `v` (each of length d), in place; a vanished one restarts on a basis vector. */
function orthonormalise(v: Float64Array[], d: number): void {
  // "Vanished" is relative to the block's scale (embeddings may be tiny or huge).
  let scale = 0;
  for (const col of v) scale = Math.max(scale, Math.sqrt(col.reduce((s, x) => s + x * x, 0)));
  const tiny = 1e-9 * (scale || 1);
  for (let j = 0; j < v.length; j++) {
    // Twice: the second pass removes what rounding left, and orthogonalises a restarted vector.
    for (let attempt = 0, restarts = 0; attempt < 2; attempt++) {
      for (let i = 0; i < j; i++) {
        let dot = 0;
        for (let t = 0; t < d; t++) dot += v[j][t] * v[i][t];
        for (let t = 0; t < d; t++) v[j][t] -= dot * v[i][t];
      }
      let norm = 0;
      for (let t = 0; t < d; t++) norm += v[j][t] * v[j][t];
      norm = Math.sqrt(norm);
      if (norm < tiny && restarts < d) {
        // The block's rank is below k here (the data spans fewer directions): try the next basis vector.
        v[j].fill(0);
        v[j][(j + restarts++) % d] = scale || 1;
        attempt = -1;
        continue;
      }
      for (let t = 0; t < d; t++) v[j][t] /= norm || 1;
    }
  }
}

/** Symmetric k x k eigen-decomposition by Jacobi rotations: values descending, vectors as columns. */
function jacobiEigen(a: Float64Array[], k: number): { values: number[]; vectors: Float64Array[] } {
  const m = a.map((r) => Float64Array.from(r));
  const vec = Array.from({ length: k }, (_, i) => {
    const r = new Float64Array(k);
    r[i] = 1;
    return r;
  });
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) off += m[p][q] * m[p][q];
    if (off < 1e-24) break;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        if (Math.abs(m[p][q]) < 1e-300) continue;
        const theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < k; r++) {
          const mrp = m[r][p];
          const mrq = m[r][q];
          m[r][p] = c * mrp - s * mrq;
          m[r][q] = s * mrp + c * mrq;
        }
        for (let r = 0; r < k; r++) {
          const mpr = m[p][r];
          const mqr = m[q][r];
          m[p][r] = c * mpr - s * mqr;
          m[q][r] = s * mpr + c * mqr;
        }
        for (let r = 0; r < k; r++) {
          const vrp = vec[r][p];
          const vrq = vec[r][q];
          vec[r][p] = c * vrp - s * vrq;
          vec[r][q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const order = Array.from({ length: k }, (_, i) => i).sort((x, y) => m[y][y] - m[x][x]);
  return { values: order.map((i) => m[i][i]), vectors: order.map((i) => Float64Array.from(vec, (row) => row[i])) };
}

/** The first two principal axes of `emb` and every row's coordinates on them. */
export function pcaProject(emb: Embeddings, opts: ProjectionOptions = {}): Projection {
  const { count: n, dim: d, data } = emb;
  if (n === 0 || d === 0) throw new Error('No embeddings to project: run an analysis first.');
  const maxFit = opts.maxFit ?? 5000;
  const fit = n <= maxFit ? Array.from({ length: n }, (_, i) => i) : Array.from({ length: maxFit }, (_, i) => Math.floor((i * n) / maxFit));
  const m = fit.length;
  const mean = new Float64Array(d);
  for (const r of fit) for (let t = 0; t < d; t++) mean[t] += data[r * d + t] / m;
  let total = 0;
  for (const r of fit) for (let t = 0; t < d; t++) total += (data[r * d + t] - mean[t]) ** 2 / m;

  // Block of k > 2 columns: converges at the rate lambda_(k+1) / lambda_2, not lambda_3 / lambda_2.
  const k = Math.min(d, 6);
  const random = rng(opts.seed ?? 0);
  let v = Array.from({ length: k }, () => Float64Array.from({ length: d }, () => random() - 0.5));
  orthonormalise(v, d);
  const proj = new Float64Array(k);
  /** C v for each column: (1/m) sum_r x_r (x_r . v), with x_r the centred row. */
  const covTimes = (cols: Float64Array[]) => {
    const out = cols.map(() => new Float64Array(d));
    const x = new Float64Array(d);
    for (const r of fit) {
      for (let t = 0; t < d; t++) x[t] = data[r * d + t] - mean[t];
      for (let j = 0; j < k; j++) {
        let dot = 0;
        const c = cols[j];
        for (let t = 0; t < d; t++) dot += x[t] * c[t];
        proj[j] = dot / m;
      }
      for (let j = 0; j < k; j++) {
        const o = out[j];
        const p = proj[j];
        for (let t = 0; t < d; t++) o[t] += x[t] * p;
      }
    }
    return out;
  };
  let values = [0, 0];
  const iterations = opts.iterations ?? 300;
  for (let it = 0; it < iterations; it++) {
    const w = covTimes(v);
    // Rayleigh-Ritz on the block: the k x k matrix V^T C V, rotated onto its eigenvectors.
    const h = v.map((vi) => Float64Array.from(w, (wj) => vi.reduce((s, x, t) => s + x * wj[t], 0)));
    const eig = jacobiEigen(h, k);
    const next = [eig.values[0], eig.values[1]];
    const settled = it > 2 && Math.abs(next[0] - values[0]) <= 1e-10 * Math.max(1e-30, next[0]) && Math.abs(next[1] - values[1]) <= 1e-10 * Math.max(1e-30, next[0]);
    values = next;
    // The Ritz vectors of this round, rotated from w = C V, become the next block.
    v = eig.vectors.map((e) => {
      const col = new Float64Array(d);
      for (let j = 0; j < k; j++) for (let t = 0; t < d; t++) col[t] += w[j][t] * e[j];
      return col;
    });
    orthonormalise(v, d);
    if (settled) break;
  }
  const axes = [v[0], v[1] ?? new Float64Array(d)] as [Float64Array, Float64Array];
  for (const axis of axes) {
    let big = 0;
    for (let t = 0; t < d; t++) if (Math.abs(axis[t]) > Math.abs(axis[big])) big = t;
    if (axis[big] < 0) for (let t = 0; t < d; t++) axis[t] = -axis[t];
  }
  const xy = new Float32Array(n * 2);
  for (let r = 0; r < n; r++) {
    let a = 0;
    let b = 0;
    for (let t = 0; t < d; t++) {
      const x = data[r * d + t] - mean[t];
      a += x * axes[0][t];
      b += x * axes[1][t];
    }
    xy[r * 2] = a;
    xy[r * 2 + 1] = b;
  }
  const share = (x: number) => (total > 0 ? Math.max(0, x) / total : 0);
  return { xy, explained: [share(values[0]), d > 1 ? share(values[1]) : 0], axes, mean, fitRows: m };
}

/** Rows whose (x, y) lie inside the box [x0, x1] x [y0, y1] (corners in any order). */
export function rowsInBox(xy: Float32Array, x0: number, y0: number, x1: number, y1: number): number[] {
  const [lx, hx] = x0 <= x1 ? [x0, x1] : [x1, x0];
  const [ly, hy] = y0 <= y1 ? [y0, y1] : [y1, y0];
  const out: number[] = [];
  for (let r = 0; r < xy.length / 2; r++) {
    const x = xy[r * 2];
    const y = xy[r * 2 + 1];
    if (x >= lx && x <= hx && y >= ly && y <= hy) out.push(r);
  }
  return out;
}
