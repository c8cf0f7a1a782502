#!/usr/bin/python3
"""
Research (issue 7): compare DeDe scoring statistics offline on the rebuilds that
dump-rebuilds.ts wrote (one training run per fixture, every statistic from the same decoders).

    /usr/bin/python3 scripts/research/score-lab.py /tmp/lab drupe,drupe-c,blended,blended-c,patch,patch-c,clean [epochs]

For each case and checkpoint: AUROC against the labels (cases with labels) and the share the
default rule would flag (robust z of the log score, median and 1.4826 MAD, above z(0.5%) =
2.576). Needs numpy only.
"""
import json, os, sys
import numpy as np

Z_CUT = 2.576


def auroc(s, y):
    y = np.asarray(y, bool)
    if y.all() or not y.any():
        return None
    order = np.argsort(s, kind='mergesort')
    ranks = np.empty(len(s))
    ss = s[order]
    i = 0
    while i < len(s):  # average ranks over ties
        j = i
        while j + 1 < len(s) and ss[j + 1] == ss[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    npos = y.sum()
    nneg = len(y) - npos
    return (ranks[y].sum() - npos * (npos + 1) / 2) / (npos * nneg)


def rz(s):
    """Robust z of the log score (median and 1.4826 MAD), as calibrate.ts."""
    v = np.log(np.maximum(s, 1e-12))
    med = np.median(v)
    return (v - med) / max(1.4826 * np.median(np.abs(v - med)), 1e-12)


def flagged(s):
    return float((rz(s) > Z_CUT).mean())


def load(root, name):
    d = os.path.join(root, name)
    meta = json.load(open(os.path.join(d, 'meta.json')))
    n, s = len(meta['paths']), meta['size']
    L = s * s * 3
    X = np.fromfile(os.path.join(d, 'images.f32'), np.float32).reshape(n, L).astype(np.float64)
    emb = np.fromfile(os.path.join(d, 'emb.f32'), np.float32).reshape(n, meta['dim']).astype(np.float64)
    reb = {}
    for e in meta['checkpoints']:
        fs = []
        for f in range(len(meta['parts']) if meta['parts'] else 1):
            p = os.path.join(d, f'rebuild-e{e}-f{f}.f32')
            if not os.path.exists(p):
                break
            fs.append(np.fromfile(p, np.float32).reshape(n, L).astype(np.float64))
        if fs:
            reb[e] = fs
    return meta, X, emb, reb


def pool(A, s, k):
    """Area-average k x k blocks of images stored (n, s*s*3) in HWC order (as ImageBatch)."""
    n = A.shape[0]
    B = A.reshape(n, s // k, k, s // k, k, 3).mean(axis=(2, 4))
    return B.reshape(n, -1)


def sq_dists(A, B):
    """||a_i - b_j||^2 for every pair: (len(A), len(B))."""
    return np.maximum((A * A).sum(1)[:, None] - 2 * A @ B.T + (B * B).sum(1)[None, :], 0)


def variants(meta, X, fs, rng):
    """Per-row scores of each statistic (higher = more suspicious)."""
    n = X.shape[0]
    s = meta['size']
    parts = meta['parts'] or [list(range(n))]
    out = {}

    def put(name, rows, vals):
        out.setdefault(name, np.zeros(n))[rows] = vals

    for f, rows in enumerate(parts):
        rows = np.array(rows)
        m = len(rows)
        others = [g for g in range(len(fs)) if g != f]
        for tag, Xp, Rp in (('', X, fs[f]), ('pool2 ', pool(X, s, 2), pool(fs[f], s, 2)), ('pool4 ', pool(X, s, 4), pool(fs[f], s, 4))):
            E = sq_dists(Xp[rows], Rp[rows])  # E[i, j] = image i rebuilt from embedding j
            own = np.diag(E).copy()
            off = E + np.diag(np.full(m, np.inf))
            put(tag + 'raw', rows, own)
            # R = 16 random donors, min (the product's default, other random draws)
            d16 = np.array([rng.choice(np.delete(np.arange(m), i), 16, replace=False) for i in range(m)])
            cf16 = E[np.arange(m)[:, None], d16]
            put(tag + 'cf min R16', rows, own / cf16.min(1))
            put(tag + 'cf mean R16', rows, own / cf16.mean(1))
            put(tag + 'cf min all', rows, own / off.min(1))
            put(tag + 'cf q05 all', rows, own / np.sort(off, 1)[:, max(0, int(0.05 * m) - 1)])
            put(tag + 'cf median all', rows, own / np.median(np.sort(off, 1)[:, : m - 1], 1))
            put(tag + 'rank row', rows, (off < own[:, None]).mean(1) + 1e-3)
            # column view: is image i the best match for rebuild i, with each image's difficulty removed?
            Nrm = E / np.median(E, 1, keepdims=True)
            offn = Nrm + np.diag(np.full(m, np.inf))
            put(tag + 'col ratio', rows, np.diag(Nrm) / offn.min(0))
            put(tag + 'rank col', rows, (offn < np.diag(Nrm)[None, :]).mean(0) + 1e-3)
            # double-centred log error: own match relative to row and column typical
            lE = np.log(E + 1e-9)
            C = lE - lE.mean(1, keepdims=True) - lE.mean(0, keepdims=True) + lE.mean()
            put(tag + 'dcentre', rows, np.exp(np.diag(C)))
            put(tag + 'row+col', rows, np.sqrt(np.maximum(own / off.min(1), 1e-12) * np.maximum(np.diag(Nrm) / offn.min(0), 1e-12)))
        if others:
            g = others[0]
            ins = ((X[rows] - fs[g][rows]) ** 2).sum(1)
            own = ((X[rows] - fs[f][rows]) ** 2).sum(1)
            put('gap held/train', rows, own / np.maximum(ins, 1e-12))
            E = sq_dists(X[rows], fs[f][rows])
            off = E + np.diag(np.full(m, np.inf))
            put('cf min all x gap', rows, np.sqrt((own / off.min(1)) * (own / np.maximum(ins, 1e-12))))
    # pixel-neighbour donors (stop 22): the donors are not random but the held-out images that
    # look most like image i (centred pixels, as lookalike.ts), so the denominator is how well
    # this decoder rebuilds i from the embeddings of its look-alikes. 'own/pixnn own' instead
    # divides by how well those look-alikes are rebuilt from their own embeddings.
    for f, rows in enumerate(parts):
        rows = np.array(rows)
        m = len(rows)
        Xc = X[rows] - X[rows].mean(1, keepdims=True)
        P = sq_dists(Xc, Xc)
        np.fill_diagonal(P, np.inf)
        order = np.argsort(P, 1)
        E = sq_dists(X[rows], fs[f][rows])
        own = np.diag(E).copy()
        ar = np.arange(m)[:, None]
        for k in (5, 20, 50, 100):
            nn = order[:, :k]
            put(f'pixdonor{k} min', rows, own / E[ar, nn].min(1))
            put(f'pixdonor{k} mean', rows, own / E[ar, nn].mean(1))
            put(f'own/pixnn{k} own', rows, own / own[nn].mean(1))
            put(f'own/pixnn{k} own median', rows, own / np.median(own[nn], 1))
    # pixel-standardised error (each pixel's folder std)
    sd = X.std(0) + 1e-3
    for f, rows in enumerate(parts):
        rows = np.array(rows)
        m = len(rows)
        E = sq_dists(X[rows] / sd, fs[f][rows] / sd)
        own = np.diag(E).copy()
        off = E + np.diag(np.full(m, np.inf))
        put('whiten cf min all', rows, own / off.min(1))
    # centred correlation distance
    for f, rows in enumerate(parts):
        rows = np.array(rows)
        m = len(rows)
        A = X[rows] - X[rows].mean(1, keepdims=True)
        B = fs[f][rows] - fs[f][rows].mean(1, keepdims=True)
        A /= np.linalg.norm(A, axis=1, keepdims=True) + 1e-9
        B /= np.linalg.norm(B, axis=1, keepdims=True) + 1e-9
        D = 1 - A @ B.T
        own = np.diag(D).copy()
        off = D + np.diag(np.full(m, np.inf))
        put('corr cf min all', rows, np.maximum(own, 1e-9) / np.maximum(off.min(1), 1e-9))
    return out


def knn_variants(X, E, K=(10, 20, 50, 100)):
    """Decoder-free: do the images whose embeddings are nearest to mine look like me?"""
    n = X.shape[0]
    U = E / (np.linalg.norm(E, axis=1, keepdims=True) + 1e-12)
    S = U @ U.T
    np.fill_diagonal(S, -np.inf)
    P = sq_dists(X, X)
    np.fill_diagonal(P, np.inf)
    order_e = np.argsort(-S, 1)
    order_p = np.sort(P, 1)
    out = {}
    rows = np.arange(n)[:, None]
    for k in K:
        nn = order_e[:, :k]
        d_emb = P[rows, nn].mean(1)
        out[f'knn{k} pix/pixnn'] = d_emb / order_p[:, :k].mean(1)
        out[f'knn{k} pix/median'] = d_emb / np.median(order_p[:, : n - 1], 1)
        out[f'knn{k} median/pixnn'] = np.median(P[rows, nn], 1) / order_p[:, :k].mean(1)
        # a wider pixel pool (2k) in the denominator: less sensitive to a few pixel near-duplicates
        out[f'knn{k} pix/pixnn{2*k}'] = d_emb / order_p[:, : 2 * k].mean(1)
        # non-parametric decoder: rebuild_j = mean image of j's k embedding neighbours (never j)
        Rb = X[nn].mean(1)
        D = sq_dists(X, Rb)
        own = np.diag(D).copy()
        # a donor j whose neighbours include i would rebuild i from i itself: exclude those
        contains = np.zeros((n, n), bool)
        contains[nn, np.arange(n)[:, None]] = True  # contains[i, j]: i is among j's neighbours
        off = np.where(contains | np.eye(n, dtype=bool), np.inf, D)
        out[f'knn{k} decoder cf min'] = own / off.min(1)
    return out


def main():
    root = sys.argv[1]
    cases = sys.argv[2].split(',')
    only = [int(e) for e in sys.argv[3].split(',')] if len(sys.argv) > 3 else None
    table = {}
    for c in cases:
        if not os.path.exists(os.path.join(root, c, 'meta.json')):
            continue
        meta, X, emb, reb = load(root, c)
        y = np.array(meta['labels'])
        snaps = {}
        kv = knn_variants(X, emb)  # decoder-free: the same at every checkpoint
        if not reb:  # images and embeddings only
            for k, s in kv.items():
                table.setdefault((k, '-'), {})[c] = (auroc(s, y), flagged(s))
        for e, fs in sorted(reb.items()):
            if only and e not in only:
                continue
            v = variants(meta, X, fs, np.random.default_rng(0))
            if not snaps:  # listed once, under the first checkpoint scored
                v.update(kv)
            # two witnesses combined on their robust z of log: mean z (sum of evidence) and max z
            for a in ('cf min R16', 'cf min all'):
                for b in ('knn50 pix/pixnn100', 'knn100 pix/pixnn200'):
                    za, zb = rz(v[a]), rz(kv[b])
                    v[f'mean z({a}, {b})'] = np.exp((za + zb) / np.sqrt(2))
                    v[f'max z({a}, {b})'] = np.exp(np.maximum(za, zb))
            for k, s in v.items():
                snaps.setdefault(k, []).append(np.log(np.maximum(s, 1e-12)))
                table.setdefault((k, e), {})[c] = (auroc(s, y), flagged(s))
        for k, logs in snaps.items():
            if len(logs) > 1:
                s = np.exp(np.mean(logs, 0))
                table.setdefault((k, 'avg'), {})[c] = (auroc(s, y), flagged(s))
    cols = [c for c in cases if any(c in r for r in table.values())]
    print('| statistic | epochs | ' + ' | '.join(cols) + ' |')
    print('|---|---|' + '---|' * len(cols))
    for (k, e), r in table.items():
        cells = []
        for c in cols:
            if c not in r:
                cells.append('')
                continue
            a, fl = r[c]
            cells.append((f'{a:.3f} ' if a is not None else '') + f'({100 * fl:.1f}%)')
        print(f'| {k} | {e} | ' + ' | '.join(cells) + ' |')


main()
