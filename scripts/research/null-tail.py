#!/usr/bin/python3
"""
Research (issue 7, calibration): how heavy is each witness's upper tail on folders with no
backdoor, against folders with one, and which label-free gate tells them apart. Reads the
scores.csv files `dede scan` wrote (per-witness columns), one folder per case:

    /usr/bin/python3 scripts/research/null-tail.py <root> case=labels.csv|none ...

For each case and witness: the robust z of calibrate.ts (median, 1.4826 MAD of the witness's
log scale), the share of images above z(1%) (the tail gate today), above z(0.5%) (today's
flag), below -z(1%) (the mirrored lower tail), and the share the candidate gates/rules give.
With labels, also the same shares among clean images only. Needs numpy only.
"""
import csv, math, os, sys
import numpy as np

Z1 = 2.3263478740408408
Z05 = 2.5758293035489004


def scale(w, v):
    return np.log(2 / np.maximum(1 - v, 1e-6)) if w == 'density' else np.log(np.maximum(v, 1e-12))


def robust(v):
    med = np.median(v)
    return med, max(1.4826 * np.median(np.abs(v - med)), 1e-12)


def load(root, case, labels):
    rows = list(csv.DictReader(open(f'{root}/{case}/scores.csv')))
    cols = {w: scale(w, np.array([float(r[w]) for r in rows])) for w in ('dede', 'density', 'lookalike') if w in rows[0] and rows[0][w] != ''}
    y = None
    if labels != 'none':
        lab = {r['file']: r['poisoned'] in ('1', 'true') for r in csv.DictReader(open(labels))}
        y = np.array([lab.get(r['file'], False) for r in rows])
    return cols, y


def main():
    root = sys.argv[1]
    print('case witness n | z>z1% z>z0.5% z<-z1% | upper-excess | skew(bulk) | clean z>z1% clean z>z0.5%')
    for arg in sys.argv[2:]:
        case, labels = arg.split('=')
        if not os.path.exists(f'{root}/{case}/scores.csv'):
            print(case, 'missing')
            continue
        cols, y = load(root, case, labels)
        for w, v in cols.items():
            med, sig = robust(v)
            z = (v - med) / sig
            up1, up05, lo1 = (z > Z1).mean(), (z > Z05).mean(), (z < -Z1).mean()
            bulk = z[np.abs(z) < 3]
            skew = float(((bulk - bulk.mean()) ** 3).mean() / bulk.std() ** 3)
            extra = ''
            if y is not None and y.any():
                extra = f'| {(z[~y] > Z1).mean():.3f} {(z[~y] > Z05).mean():.3f} | poisoned z>z0.5% {(z[y] > Z05).mean():.2f}'
            print(f'{case:16s} {w:9s} {len(z):6d} | {up1:.3f} {up05:.3f} {lo1:.3f} | {up1 - lo1:+.3f} | {skew:+.2f} {extra}')


if __name__ == '__main__':
    main()
