/*
 * How fast can a browser's CPU engine multiply matrices? A register-tiled 4x8 wasm SIMD (128-bit)
 * micro-kernel over packed, in-cache operands: an upper bound for any wasm GEMM, so for any wasm
 * training engine on this machine (README "Benchmarks": why the browser stays under PyTorch).
 * Built twice by build.sh: plain (f32x4.mul + f32x4.add, what onnxruntime-web's and tfjs-wasm's
 * SIMD builds use) and with relaxed SIMD's fused multiply-add (f32x4.relaxed_madd, shipped in
 * Chromium since 114; neither runtime ships a build that uses it).
 */
#include <wasm_simd128.h>
#ifdef RELAXED
#define MADD(c,a,b) (v128_t)__builtin_wasm_fma_f32x4((__f32x4)(c),(__f32x4)(a),(__f32x4)(b))
#else
#define MADD(c,a,b) wasm_f32x4_add(c, wasm_f32x4_mul(a,b))
#endif
/* C (m x n) = A B with A packed as m/4 panels of k x 4 and B as n/8 panels of k x 8, `reps` times. */
__attribute__((export_name("gemm"))) void gemm(const float *A, const float *B, float *C, int m, int n, int k, int reps) {
  for (int r = 0; r < reps; r++)
  for (int i = 0; i < m; i += 4) {
    const float *a = A + i * k;
    for (int j = 0; j < n; j += 8) {
      v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      const float *b = B + j * k; const float *ap = a;
      for (int p = 0; p < k; p++, b += 8, ap += 4) {
        v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
        v128_t x0 = wasm_v128_load32_splat(ap), x1 = wasm_v128_load32_splat(ap+1), x2 = wasm_v128_load32_splat(ap+2), x3 = wasm_v128_load32_splat(ap+3);
        c00 = MADD(c00, x0, b0); c01 = MADD(c01, x0, b1);
        c10 = MADD(c10, x1, b0); c11 = MADD(c11, x1, b1);
        c20 = MADD(c20, x2, b0); c21 = MADD(c21, x2, b1);
        c30 = MADD(c30, x3, b0); c31 = MADD(c31, x3, b1);
      }
      float *c = C + i * n + j;
      wasm_v128_store(c, c00); wasm_v128_store(c+4, c01);
      wasm_v128_store(c+n, c10); wasm_v128_store(c+n+4, c11);
      wasm_v128_store(c+2*n, c20); wasm_v128_store(c+2*n+4, c21);
      wasm_v128_store(c+3*n, c30); wasm_v128_store(c+3*n+4, c31);
    }
  }
}
