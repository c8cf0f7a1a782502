#!/usr/bin/env bash
# Builds plain.wasm and relaxed.wasm from peak.c (Debian's clang 14 + lld; both outputs committed).
# clang 14 knows relaxed SIMD's fused multiply-add only as the prototype f32x4.fma (opcode
# 0xfd 0xaf 0x01); the shipped instruction is f32x4.relaxed_madd (0xfd 0x85 0x02), so the build
# rewrites those bytes (same length; the module has no data section that could hold them).
set -euo pipefail
cd "$(dirname "$0")"
flags=(--target=wasm32 -O3 -msimd128 -nostdlib -fno-builtin -Wl,--no-entry -Wl,--strip-all -Wl,--initial-memory=67108864)
clang "${flags[@]}" -o plain.wasm peak.c
clang "${flags[@]}" -mrelaxed-simd -DRELAXED -o relaxed.wasm peak.c
python3 - <<'PY'
d = open('relaxed.wasm', 'rb').read()
n = d.count(b'\xfd\xaf\x01')
assert n == 8, n
open('relaxed.wasm', 'wb').write(d.replace(b'\xfd\xaf\x01', b'\xfd\x85\x02'))
PY
ls -l plain.wasm relaxed.wasm
