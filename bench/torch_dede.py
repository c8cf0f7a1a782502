#!/usr/bin/env python3
"""PyTorch twin of the engine's DeDe decoder (src/core/model/dede.ts), for `npm run bench`.

The same MAE-style network as shared DEDE.md and the tfjs model: patch linear + learned
position embedding (T x D), per-sample random masking keeping floor(T (1 - r)) patches in
shuffled order, learned class token, L_enc pre-norm blocks (qkv without bias, MLP ratio 4,
exact GELU, LayerNorm eps 1e-5), final LayerNorm; the class token's output is *replaced* by
Linear(embDim -> D, no bias) of the victim embedding; learned mask tokens, unshuffle,
decoder position embedding ((T+1) x D), L_dec blocks, drop the global token,
Linear(D -> 3 p^2) per patch. Loss = mean((x_hat - x)^2 * M) / r; Adam lr 1e-3, wd 1e-6.

It times training steps on random data (speed does not depend on the values) and prints one
JSON object per preset on stdout. The parameter count is printed too, so the caller can check
it equals DedeModel.paramCount() (same architecture, same size).
"""
import argparse
import json
import math
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:  # the caller prints "torch not installed"
    print(json.dumps({"error": "torch not installed"}))
    sys.exit(3)

# Kept equal to MODEL_PRESETS in src/core/options.ts (run.ts passes them in with --config).
PRESETS = {
    "paper": dict(patch=4, dim=192, heads=3, encDepth=12, decDepth=4, mlpRatio=4),
    "fast": dict(patch=4, dim=128, heads=4, encDepth=2, decDepth=2, mlpRatio=4),
}
LN_EPS = 1e-5


class Block(nn.Module):
    """Pre-norm transformer block: x + Attn(LN(x)), then + MLP(LN(x))."""

    def __init__(self, dim, heads, mlp_ratio):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(dim, eps=LN_EPS)
        self.qkv = nn.Linear(dim, 3 * dim, bias=False)
        self.proj = nn.Linear(dim, dim)
        self.ln2 = nn.LayerNorm(dim, eps=LN_EPS)
        hidden = round(dim * mlp_ratio)
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def attn(self, x):
        b, n, d = x.shape
        dh = d // self.heads
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, dh).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        scores = (q * (1.0 / math.sqrt(dh))) @ k.transpose(-2, -1)
        out = scores.softmax(dim=-1) @ v
        return self.proj(out.transpose(1, 2).reshape(b, n, d))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class DedeDecoder(nn.Module):
    def __init__(self, cfg, image_size, emb_dim):
        super().__init__()
        d, p = cfg["dim"], cfg["patch"]
        self.patch = p
        self.tokens = (image_size // p) ** 2
        pd = 3 * p * p
        self.patch_embed = nn.Linear(pd, d)
        self.pos = nn.Parameter(torch.randn(1, self.tokens, d) * 0.02)
        self.cls = nn.Parameter(torch.randn(1, 1, d) * 0.02)
        self.enc_blocks = nn.ModuleList(Block(d, cfg["heads"], cfg["mlpRatio"]) for _ in range(cfg["encDepth"]))
        self.enc_norm = nn.LayerNorm(d, eps=LN_EPS)
        self.inject = nn.Linear(emb_dim, d, bias=False)
        self.mask_token = nn.Parameter(torch.randn(1, 1, d) * 0.02)
        self.dec_pos = nn.Parameter(torch.randn(1, self.tokens + 1, d) * 0.02)
        self.dec_blocks = nn.ModuleList(Block(d, cfg["heads"], cfg["mlpRatio"]) for _ in range(cfg["decDepth"]))
        self.head = nn.Linear(d, pd)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def patchify(self, x):
        """[B,S,S,3] NHWC -> [B,T,p*p*3], token t = gy*g + gx, patch laid out (py, px, c)."""
        b, s, _, c = x.shape
        p, g = self.patch, s // self.patch
        return x.reshape(b, g, p, g, p, c).permute(0, 1, 3, 2, 4, 5).reshape(b, g * g, p * p * c)

    def forward(self, images, emb, ratio):
        b, t = images.shape[0], self.tokens
        d = self.pos.shape[-1]
        keep = math.floor(t * (1 - ratio))
        target = self.patchify(images)
        # Per-sample shuffle (argsort of uniform noise, as MAE); keep the first `keep`.
        shuffle = torch.rand(b, t).argsort(dim=1)
        restore = shuffle.argsort(dim=1)
        masked = torch.ones(b, t)
        masked[:, :keep] = 0
        masked = torch.gather(masked, 1, restore)  # 1 = hidden, in patch order
        injected = self.inject(emb).unsqueeze(1)
        if keep > 0:
            tokens = self.patch_embed(target) + self.pos
            vis_idx = shuffle[:, :keep].unsqueeze(-1).expand(-1, -1, d)
            x = torch.cat([self.cls.expand(b, -1, -1), torch.gather(tokens, 1, vis_idx)], dim=1)
            for blk in self.enc_blocks:
                x = blk(x)
            encoded = self.enc_norm(x)[:, 1:]  # the class token's output is replaced below
            seq = torch.cat([encoded, self.mask_token.expand(b, t - keep, -1)], dim=1)
            restored = torch.gather(seq, 1, restore.unsqueeze(-1).expand(-1, -1, d))
        else:
            restored = self.mask_token.expand(b, t, -1)
        y = torch.cat([injected, restored], dim=1) + self.dec_pos
        for blk in self.dec_blocks:
            y = blk(y)
        pred = self.head(y[:, 1:])
        loss = ((pred - target) ** 2 * masked.unsqueeze(-1)).mean() / ratio
        return loss


def bench(cfg, args):
    torch.manual_seed(args.seed)
    model = DedeDecoder(cfg, args.size, args.emb_dim)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-6)
    images = torch.randn(args.batch, args.size, args.size, 3)
    emb = torch.randn(args.batch, args.emb_dim)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = model(images, emb, args.mask)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    steps, t0 = 0, time.perf_counter()
    while steps < args.steps or (time.perf_counter() - t0 < args.min_seconds and steps < args.max_steps):
        step()
        steps += 1
    sec = time.perf_counter() - t0
    return {
        "params": sum(p.numel() for p in model.parameters()),
        "steps": steps,
        "seconds": sec,
        "samplesPerSec": steps * args.batch / sec,
    }


def blas_info():
    """Which BLAS torch was built against and a 512x512 matmul rate, to read the numbers by."""
    m = [part.split("=", 1)[1] for part in torch.__config__.show().replace(",", " ").split() if part.startswith("BLAS_INFO=")]
    a, b = torch.randn(512, 512), torch.randn(512, 512)
    a @ b
    reps, t0 = 0, time.perf_counter()
    while reps < 3 or time.perf_counter() - t0 < 0.5:
        a @ b
        reps += 1
    gflops = reps * 2 * 512**3 / (time.perf_counter() - t0) / 1e9
    # The build says which BLAS API torch calls; the process maps say which library answers.
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
    except OSError:
        pass
    return {"blas": m[0] if m else "unknown", "blasLib": ",".join(sorted(libs)) or "unknown", "matmulGflops": gflops}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", action="append", help="fast | paper (repeatable; default both)")
    ap.add_argument("--config", help="JSON {name: ModelConfig} overriding the built-in presets")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--size", type=int, default=32)
    ap.add_argument("--emb-dim", type=int, default=128)
    ap.add_argument("--mask", type=float, default=0.9)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--steps", type=int, default=3, help="at least this many timed steps")
    ap.add_argument("--min-seconds", type=float, default=5.0, help="keep stepping until this long")
    ap.add_argument("--max-steps", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    info = blas_info()
    presets = dict(PRESETS)
    if args.config:
        presets.update(json.loads(args.config))
    for name in args.preset or ["fast", "paper"]:
        res = bench(presets[name], args)
        res.update(preset=name, threads=args.threads, batch=args.batch, mask=args.mask, torch=torch.__version__, **info)
        print(json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
