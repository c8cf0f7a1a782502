#!/usr/bin/python3
"""
Research (issue 7, stop 20): once each witness's tail is read beyond its own clean tail
(witnesses.ts NULL_TAIL), should one witness speak, or should the voters with an excess be
combined? Reads scores.csv files `dede scan` wrote (per-witness columns):

    /usr/bin/python3 scripts/research/excess-policies.py <dir>=<labels.csv|none> ...

(<dir>/scores.csv is read.) Policies: heaviest (stops 16-19), excess (default since stop 20:
the voter with the largest tail share minus NULL_TAIL speaks), and over the voters with a
positive excess: maxpos (max z), stoufpos (Stouffer's sum), wpos (sum weighted by the excess),
halfpos (Stouffer over those with at least half the top excess). Cells: verdict AUROC / share
flagged at z(0.5%). Calibration and the tail gate as witnesses.ts (score-lab.py's robust z).
"""
import csv, os, sys
import numpy as np

_argv, sys.argv = sys.argv, sys.argv[:1]
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'score-lab.py')).read().split('\ndef main')[0])
sys.argv = _argv

NULL = {'dede': 0.052, 'density': 0.043, 'lookalike': 0.034}
Z1, Z05 = 2.3263478740408408, 2.5758293035489004
HOWS = ['heaviest', 'excess', 'maxpos', 'stoufpos', 'wpos', 'halfpos']


def load(d, labels):
    rows = list(csv.DictReader(open(os.path.join(d, 'scores.csv'))))
    z = {}
    for w in ('dede', 'density', 'lookalike'):
        v = np.array([float(r[w]) for r in rows])
        z[w] = rz(2 / np.maximum(1 - v, 1e-6) if w == 'density' else v)
    y = None
    if labels != 'none':
        lab = {r['file']: r['poisoned'] in ('1', 'true') for r in csv.DictReader(open(labels))}
        y = np.array([lab[r['file']] for r in rows])
    return z, y


def combined(z, how):
    share = {w: (z[w] > Z1).mean() for w in z}
    votes = [w for w in z if share[w] >= 0.01] or list(z)
    ex = {w: share[w] - NULL[w] for w in votes}
    top = max(votes, key=lambda w: ex[w])
    pos = [w for w in votes if ex[w] > 0] or [top]
    if how == 'heaviest':
        return z[max(votes, key=lambda w: share[w])]
    if how == 'excess':
        return z[top]
    if how == 'maxpos':
        return np.max([z[w] for w in pos], 0)
    if how == 'stoufpos':
        return np.sum([z[w] for w in pos], 0) / np.sqrt(len(pos))
    if how == 'wpos':
        wt = np.array([max(ex[w], 1e-9) for w in pos])
        return np.sum([wt[i] * z[w] for i, w in enumerate(pos)], 0) / np.sqrt((wt ** 2).sum())
    sel = [w for w in votes if ex[w] >= 0.5 * ex[top]] if ex[top] > 0 else [top]
    return np.sum([z[w] for w in sel], 0) / np.sqrt(len(sel))


def main():
    print('case'.ljust(28) + ''.join(h.ljust(16) for h in HOWS))
    for arg in sys.argv[1:]:
        d, labels = arg.rsplit('=', 1)
        z, y = load(d, labels)
        cells = []
        for h in HOWS:
            s = combined(z, h)
            a = auroc(s, y) if y is not None and y.any() else None
            cells.append((f'{a:.3f}' if a is not None else '-') + f'/{100 * (s > Z05).mean():.1f}%')
        print(os.path.basename(d.rstrip('/')).ljust(28) + ''.join(c.ljust(16) for c in cells))


main()
