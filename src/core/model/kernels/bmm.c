/*
 * Batched matrix product on wasm SIMD (128-bit), for tfjs-wasm's BatchMatMul kernel
 * (src/core/model/fastBatchMatMul.ts). tfjs-backend-wasm 4.22 sends every matMul with a batch
 * dimension > 1 to a scalar triple loop (about 1.5 GFLOP/s here); the decoder's attention
 * ([B*heads, 65, 65] x [B*heads, 65, 32] and its gradients) and the token selections are such
 * products. This module imports tfjs-wasm's own memory, so it reads the operands and writes the
 * output in place; `scratch` (scratch_bytes) is room for one packed operand pair and the
 * register tile, allocated by the caller with tfjs-wasm's malloc. The module uses no stack.
 *
 * Build: bash src/core/model/kernels/build.sh (clang 14 + wasm-ld, committed output bmm.wasm.ts).
 */
#include <wasm_simd128.h>

/* C[i][j] = sum_p A[i][p] B[p][j] for row-major A (m x k, row stride lda), B (k x n, packed to
 * width np = n rounded up to 8, zero-padded), writing n columns of C (row stride n). */
static void kernel(const float *A, int lda, const float *B, int np, float *C, int m, int n, int k, float *t) {
  int i = 0;
  for (; i + 4 <= m; i += 4) {
    const float *a0 = A + (i + 0) * lda, *a1 = A + (i + 1) * lda, *a2 = A + (i + 2) * lda, *a3 = A + (i + 3) * lda;
    for (int j = 0; j < np; j += 8) {
      v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      const float *b = B + j;
      for (int p = 0; p < k; p++, b += np) {
        v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
        v128_t x0 = wasm_f32x4_splat(a0[p]), x1 = wasm_f32x4_splat(a1[p]);
        v128_t x2 = wasm_f32x4_splat(a2[p]), x3 = wasm_f32x4_splat(a3[p]);
        c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x0, b0)); c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x0, b1));
        c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(x1, b0)); c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(x1, b1));
        c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(x2, b0)); c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(x2, b1));
        c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(x3, b0)); c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(x3, b1));
      }
      wasm_v128_store(t + 0, c00); wasm_v128_store(t + 4, c01);
      wasm_v128_store(t + 8, c10); wasm_v128_store(t + 12, c11);
      wasm_v128_store(t + 16, c20); wasm_v128_store(t + 20, c21);
      wasm_v128_store(t + 24, c30); wasm_v128_store(t + 28, c31);
      int w = n - j < 8 ? n - j : 8;
      for (int r = 0; r < 4; r++)
        for (int q = 0; q < w; q++) C[(i + r) * n + j + q] = t[r * 8 + q];
    }
  }
  for (; i < m; i++) {
    const float *a = A + i * lda;
    for (int j = 0; j < np; j += 8) {
      v128_t c0 = wasm_f32x4_splat(0), c1 = c0;
      const float *b = B + j;
      for (int p = 0; p < k; p++, b += np) {
        v128_t x = wasm_f32x4_splat(a[p]);
        c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(x, wasm_v128_load(b)));
        c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(x, wasm_v128_load(b + 4)));
      }
      wasm_v128_store(t, c0); wasm_v128_store(t + 4, c1);
      int w = n - j < 8 ? n - j : 8;
      for (int q = 0; q < w; q++) C[i * n + j + q] = t[q];
    }
  }
}

/* Bytes of scratch bmm needs for one batch item: packed B (k x np) and, when A is transposed,
 * packed A (m x k). */
__attribute__((export_name("scratch_bytes"))) int scratch_bytes(int m, int k, int n, int ta) {
  int np = (n + 7) & ~7;
  return 4 * (32 + k * np + (ta ? m * k : 0)) + 16;
}

/* out[b] = op(A[b]) op(B[b]) for b < batch; A has batchA items (1 = broadcast) stored as
 * m x k (ta = 0) or k x m (ta = 1); B has batchB items stored as k x n (tb = 0) or n x k. */
__attribute__((export_name("bmm"))) void bmm(const float *A, const float *B, float *out, int batch, int batchA, int batchB,
                                              int m, int k, int n, int ta, int tb, float *scratch) {
  int np = (n + 7) & ~7;
  /* No C stack: the module shares tfjs-wasm's memory, whose stack region is not ours. */
  float *t = (float *)(((unsigned long)scratch + 15) & ~15ul);
  float *pb = t + 32;
  float *pa = pb + k * np;
  for (int bi = 0; bi < batch; bi++) {
    const float *a = A + (batchA == 1 ? 0 : bi) * m * k;
    const float *b = B + (batchB == 1 ? 0 : bi) * k * n;
    if (bi == 0 || batchB != 1) {
      for (int p = 0; p < k; p++) {
        float *row = pb + p * np;
        if (tb) for (int j = 0; j < n; j++) row[j] = b[j * k + p];
        else for (int j = 0; j < n; j++) row[j] = b[p * n + j];
        for (int j = n; j < np; j++) row[j] = 0;
      }
    }
    const float *ar = a;
    if (ta) {
      if (bi == 0 || batchA != 1) {
        for (int i = 0; i < m; i++)
          for (int p = 0; p < k; p++) pa[i * k + p] = a[p * m + i];
      }
      ar = pa;
    }
    kernel(ar, k, pb, np, out + bi * m * n, m, n, k, t);
  }
}
