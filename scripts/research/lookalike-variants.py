#!/usr/bin/python3
"""
Research (issue 7): variants of the look-alike witness (src/core/lookalike.ts) on the images and
embeddings that `dump-rebuilds.ts <encoder> <images> <labels|none> <dir>/<case> none` wrote.

    /usr/bin/python3 scripts/research/lookalike-variants.py <dir> drupe,drupe-c,blended,...

Prints AUROC / share above the one-witness cut (robust z of the log score above z(0.5%)) per
case for: k = 30, 50, 100 embedding neighbours; numerator mean or median; pixel pool k, 2k or
4k; pixel space raw, 2x2 / 4x4 pooled, centred (each image's mean removed), centred and pooled,
contrast-normalised. Needs numpy only; reuses score-lab.py's helpers.
"""
import json, os, sys
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
root, cases = sys.argv[1], sys.argv[2].split(',')
sys.argv = sys.argv[:1]
exec(open(os.path.join(here, 'score-lab.py')).read().split('\ndef main')[0])


def pool(X, s, f):
    n = X.shape[0]
    return X.reshape(n, s // f, f, s // f, f, 3).mean((2, 4)).reshape(n, -1)


res = {}
for c in cases:
    d = os.path.join(root, c)
    meta = json.load(open(os.path.join(d, 'meta.json')))
    n, s = len(meta['paths']), meta['size']
    X = np.fromfile(os.path.join(d, 'images.f32'), np.float32).reshape(n, -1).astype(np.float64)
    E = np.fromfile(os.path.join(d, 'emb.f32'), np.float32).reshape(n, meta['dim']).astype(np.float64)
    y = np.array(meta['labels']) if meta['labels'] else None
    U = E / np.linalg.norm(E, axis=1, keepdims=True)
    S = U @ U.T
    np.fill_diagonal(S, -np.inf)
    oe = np.argsort(-S, 1)
    C = X - X.mean(1, keepdims=True)
    spaces = {
        'raw': X,
        'pool2': pool(X, s, 2),
        'pool4': pool(X, s, 4),
        'centred': C,
        'centred pool2': pool(C, s, 2),
        'contrast-normalised': C / (C.std(1, keepdims=True) + 1e-6),
    }
    rows = np.arange(n)[:, None]
    for sp, F in spaces.items():
        P = sq_dists(F, F)
        np.fill_diagonal(P, np.inf)
        op = np.sort(P, 1)
        for k in (30, 50, 100):
            near = P[rows, oe[:, :k]]
            variants = {f'{sp} k{k} mean/pool2k': near.mean(1) / op[:, :2 * k].mean(1)}
            if sp == 'raw':
                variants[f'{sp} k{k} median/pool2k'] = np.median(near, 1) / op[:, :2 * k].mean(1)
                variants[f'{sp} k{k} mean/poolk'] = near.mean(1) / op[:, :k].mean(1)
                variants[f'{sp} k{k} mean/pool4k'] = near.mean(1) / op[:, :4 * k].mean(1)
            for name, v in variants.items():
                res.setdefault(name, {})[c] = (auroc(v, y) if y is not None else None, flagged(v))
print('variant'.ljust(34) + ''.join(c.ljust(14) for c in cases))
for name, r in res.items():
    print(name.ljust(34) + ''.join(((f'{r[c][0]:.3f}' if r[c][0] is not None else '-') + f' {100 * r[c][1]:.1f}%').ljust(14) for c in cases))
