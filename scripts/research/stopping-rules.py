#!/usr/bin/env python3
"""Research (issue 7, item 4): label-free stopping rules simulated on per-epoch checkpoints.

Reads the JSON lines of `scripts/research/snapshots.ts ... <end> 1 1` (one line per epoch: the
held-out decoder power, label-free, and the DeDe witness's AUROC and tail share at that
checkpoint) for each case, and prints, per rule, the epoch it stops at and the DeDe witness
there, beside the fixed default (the sample budget: 12 epochs for 1,000 images).

  /usr/bin/python3 scripts/research/stopping-rules.py <name>=<file.jsonl>[:<default epochs>] ...

A name ending in "control" or starting with "clean" is a folder without poison.
"""
import json
import sys


def load(path):
    rows = {}
    for line in open(path):
        d = json.loads(line)
        if 'epochs' in d:
            rows[d['epochs']] = d
    return rows


def power_rule(rows, target, cap, consecutive=1, min_epochs=2):
    """First epoch e >= min_epochs whose power (and that of the consecutive-1 before it) >= target; else cap."""
    run = 0
    for e in sorted(rows):
        if e > cap:
            break
        run = run + 1 if rows[e]['power'] is not None and rows[e]['power'] >= target else 0
        if e >= min_epochs and run >= consecutive:
            return e
    return max(e for e in rows if e <= cap)


BINS = [(0.70, 0.75), (0.75, 0.80), (0.80, 0.825), (0.825, 0.85), (0.85, 0.90), (0.90, 1.0)]


def tail_by_power(cases):
    """DeDe's share above z(1%) against the held-out power, every checkpoint from power 0.7 on:
    the most over folders without poison (names ending in 'control' or 'clean'), the least and
    most over backdoored ones."""
    print('| held-out power | checkpoints without poison | their largest DeDe tail | backdoored checkpoints | their DeDe tail (min-max) |')
    print('|---|---|---|---|---|')
    for lo, hi in BINS:
        clean, bad = [], []
        for name, rows, _ in cases:
            for e, d in rows.items():
                if d['power'] is not None and lo <= d['power'] < hi:
                    (clean if name.endswith('control') or name.startswith('clean') else bad).append(d['single']['tail'])
        fmt = lambda xs: f'{100 * min(xs):.1f}-{100 * max(xs):.1f}%' if xs else '-'
        print(f'| {lo:.3f}-{hi:.3f} | {len(clean)} | {100 * max(clean):.1f}% | {len(bad)} | {fmt(bad)} |' if clean else f'| {lo:.3f}-{hi:.3f} | 0 | - | {len(bad)} | {fmt(bad)} |')


def main():
    cases = []
    for arg in sys.argv[1:]:
        name, rest = arg.split('=', 1)
        path, _, default = rest.partition(':')
        cases.append((name, load(path), int(default or 12)))
    # Checkpoints past the planned epochs exist only where the run went on (end > planned).
    tail_by_power(cases)
    print()
    rules = [('fixed (default)', lambda r, d: d)]
    for t in (0.75, 0.8, 0.85):
        for c in (1, 2):
            rules.append((f'power >= {t}' + (f' x{c}' if c > 1 else ''), lambda r, d, t=t, c=c: power_rule(r, t, d, c)))
    # The default since stop 21: until power >= 0.85, at most 1.5x the planned epochs.
    rules.append(('until power >= 0.85, at most 1.25x', lambda r, d: power_rule(r, 0.85, round(1.25 * d))))
    header = ['rule'] + [n for n, _, _ in cases]
    print('| ' + ' | '.join(header) + ' | mean AUROC (labelled) |')
    print('|' + '---|' * (len(header) + 1))
    for label, rule in rules:
        cells, aucs = [], []
        for name, rows, default in cases:
            e = rule(rows, default)
            s = rows[e]['single']
            if 'auroc' in s and not name.endswith('control'):
                aucs.append(s['auroc'])
            cells.append(f"{e}: {s.get('auroc', '-')} ({s['tail'] * 100:.1f}%)" if 'auroc' in s else f"{e}: ({s['tail'] * 100:.1f}%)")
        mean = sum(aucs) / len(aucs) if aucs else float('nan')
        print(f'| {label} | ' + ' | '.join(cells) + f' | {mean:.3f} |')


if __name__ == '__main__':
    main()
