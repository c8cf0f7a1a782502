#!/usr/bin/python3
"""
Research (issue 7): compare verdict policies offline on the per-witness columns of scores.csv
files that `dede scan --witnesses dede,density,lookalike --out <dir>/scores.csv` wrote, so a
policy costs seconds instead of a scan per fixture.

    /usr/bin/python3 scripts/research/policy-lab.py <root> case=labels.csv|none ...

<root>/<case>/scores.csv is read; labels give AUROC and TPR at 5% FPR. Each witness is
calibrated as witnesses.ts calibrates it (robust z: median and 1.4826 MAD of log(score), or of
log(2 / (1 - similarity)) for density), the tail gate as witnesses.ts applies it (a witness
votes when >= 1% of images pass z(1%)), and the verdict is the max z over the voting witnesses
of a subset, flagged above z(alpha). `excess` picks the one voter whose tail share exceeds its
own null tail (NULL_TAIL: the most that witness showed on folders without poison) by the most,
instead of the one with the heaviest tail. Variants: `a/m` splits alpha over the voting witnesses;
`tail>=q max` keeps only the voters whose tail share is at least q x the heaviest one's (q = 1:
the one witness with the heaviest tail, ties to the first listed, as the default); `sum` is
Stouffer's z over the voters (sum / sqrt(k)) instead of their max. DeDe's
power gate (witnesses.ts) is modelled from <root>/<case>/summary.json: DeDe does not vote when
the held-out power there is below MATURE_POWER (0.85). `excess+` (stop 22): the excess speaker,
joined by every other voter whose excess is positive and at least half the speaker's; the
verdict is the max z over them. Needs numpy only.
"""
import csv, itertools, json, math, os, sys
import numpy as np

# auroc and rz (robust z of the log, as calibrate.ts) are score-lab.py's.
_argv, sys.argv = sys.argv, sys.argv[:1]
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'score-lab.py')).read().split('\ndef main')[0])
sys.argv = _argv


def ztail(alpha):
    # inverse normal upper tail by bisection (no scipy here)
    lo, hi = 0.0, 10.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if 0.5 * math.erfc(mid / math.sqrt(2)) > alpha:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def tpr_at(s, y, fpr=0.05):
    y = np.asarray(y, bool)
    if y.all() or not y.any():
        return None
    cut = np.quantile(s[~y], 1 - fpr)
    return float((s[y] > cut).mean())


# The largest share above z(1%) each witness showed on a folder without poison (clean-encoder
# controls and clean folders; README "Is there a backdoor at all?"). Override: NULL_TAIL=dede:0.05,...
NULL_TAIL = {'dede': 0.052, 'density': 0.043, 'lookalike': 0.034}
if os.environ.get('NULL_TAIL'):
    NULL_TAIL.update({k: float(v) for k, v in (x.split(':') for x in os.environ['NULL_TAIL'].split(','))})


MATURE_POWER = 0.85


def load(root, case, labels):
    rows = list(csv.DictReader(open(f'{root}/{case}/scores.csv')))
    summary = f'{root}/{case}/summary.json'
    power = json.load(open(summary))['power']['auroc'] if os.path.exists(summary) else None
    files = [r['file'] for r in rows]
    z = {}
    for w in ('dede', 'density', 'lookalike'):
        if w not in rows[0]:
            continue
        v = np.array([float(r[w]) for r in rows])
        # rz takes the log itself: density's scale is log(2 / (1 - similarity)), the others' log(score)
        z[w] = rz(2 / np.maximum(1 - v, 1e-6) if w == 'density' else v)
    if power is not None and power < MATURE_POWER:
        z.pop('dede', None)  # an immature decoder's witness does not vote (witnesses.ts)
    y = None
    if labels != 'none':
        lab = {r['file']: r['poisoned'] in ('1', 'true') for r in csv.DictReader(open(labels))}
        y = np.array([lab[f] for f in files])
    return z, y


def main():
    root = sys.argv[1]
    cases = [a.split('=', 1) for a in sys.argv[2:]]
    gate = ztail(0.01)
    data = {c: load(root, c, l) for c, l in cases}
    names = ('dede', 'density', 'lookalike')
    subsets = [s for r in (1, 2, 3) for s in itertools.combinations(names, r)]
    print('policy'.ljust(34) + ''.join(c.ljust(24) for c, _ in cases))
    for alpha_total, split, keep, how in ((0.005, False, 0.0, 'max'), (0.005, True, 0.0, 'max'), (0.005, False, 1.0, 'max'), (0.005, False, 0.5, 'max'), (0.005, False, 0.0, 'sum'), (0.005, False, 1.0, 'excess'), (0.005, False, 0.5, 'excess+')):
        for sub in subsets:
            if (keep or how == 'sum') and len(sub) == 1:
                continue
            label = '+'.join(sub) + (' a/m' if split else '') + (f' tail>={keep:g}max' if keep and how not in ('excess', 'excess+') else '') + (f' {how}' if how != 'max' else '')
            cells = []
            for c, _ in cases:
                z, y = data[c]
                ws = [w for w in sub if w in z]
                if not ws:
                    cells.append('-')
                    continue
                share = {w: (z[w] > gate).mean() for w in ws}
                votes = [w for w in ws if share[w] >= 0.01] or ws
                if how == 'excess':  # the voter with the most tail beyond its own null speaks
                    votes = [max(votes, key=lambda w: share[w] - NULL_TAIL[w])]
                elif how == 'excess+':  # ... joined by voters with a positive excess >= keep x the speaker's
                    ex = {w: share[w] - NULL_TAIL[w] for w in votes}
                    top = max(votes, key=lambda w: ex[w])
                    votes = [top] + [w for w in votes if w != top and ex[w] > 0 and ex[w] >= keep * ex[top]]
                elif keep:  # only the witnesses whose tail share is within `keep` of the heaviest
                    top = max(share[w] for w in votes)
                    votes = [w for w in votes if share[w] >= keep * top]
                    if keep == 1.0:  # ties go to the first listed, as witnesses.ts breaks them
                        votes = votes[:1]
                a = alpha_total / len(votes) if split else alpha_total
                # 'sum': Stouffer's z, sum / sqrt(k): standard normal again when the voters' z are
                # independent standard normals, so z(alpha) keeps its false-alarm rate on a bulk.
                comb = np.max([z[w] for w in votes], 0) if how in ('max', 'excess', 'excess+') else np.sum([z[w] for w in votes], 0) / np.sqrt(len(votes))
                fl = (comb > ztail(a)).mean()
                au = auroc(comb, y) if y is not None else None
                t = tpr_at(comb, y) if y is not None else None
                cell = f'{au:.3f}/{t:.2f}/{100 * fl:.1f}%' if au is not None else f'-/{100 * fl:.1f}%'
                cells.append(cell + ('' if len(votes) == len(ws) else '*'))
            print(label.ljust(34) + ''.join(x.ljust(24) for x in cells))
    print('cells: verdict AUROC / TPR at 5% FPR / flagged share; * = a witness of the subset not voting (tail gate)')


main()
