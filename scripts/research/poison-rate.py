#!/usr/bin/python3
"""
Research (issue 7): does the verdict hold when fewer images are poisoned? The bundled fixtures
are 10% poisoned; the held-back cases include 5%, and DeDe's paper scans at 1%. This writes,
for a fixture folder, sub-folders that keep every clean image and a seeded subset of the
triggered ones (symlinks, which `dede scan` follows), with their own labels.csv:

    /usr/bin/python3 scripts/research/poison-rate.py <fixture dir> <out dir> 50 10

writes <out>/p50 (900 clean + 50 triggered: 5.3%) and <out>/p10 (900 + 10: 1.1%). Then scan
each with the backdoored and the clean encoder at defaults, e.g.

    npx dede scan --encoder <fixture>/encoder.onnx --images <out>/p50/images --norm cifar10 \
      --labels <out>/p50/labels.csv --json <dir>/summary.json --out <dir>/scores.csv --budget 0

and read <dir>/summary.json (verdict AUROC, each witness, flagged, backdoorEvidence).
The subset is the first k triggered files in the order of sha-256(seed:file), seed 0.
"""
import csv, hashlib, os, sys


def main():
    fix, out, counts = sys.argv[1], sys.argv[2], [int(k) for k in sys.argv[3:]]
    rows = list(csv.DictReader(open(os.path.join(fix, 'labels.csv'))))
    clean = [r['file'] for r in rows if r['poisoned'] in ('0', 'false')]
    poisoned = sorted((r['file'] for r in rows if r['poisoned'] in ('1', 'true')), key=lambda f: hashlib.sha256(f'0:{f}'.encode()).hexdigest())
    for k in counts:
        d = os.path.join(out, f'p{k}')
        os.makedirs(os.path.join(d, 'images'), exist_ok=True)
        keep = [(f, 0) for f in clean] + [(f, 1) for f in poisoned[:k]]
        for f, _ in keep:
            link = os.path.join(d, 'images', f)
            if not os.path.lexists(link):
                os.symlink(os.path.abspath(os.path.join(fix, 'images', f)), link)
        with open(os.path.join(d, 'labels.csv'), 'w', newline='') as fh:
            w = csv.writer(fh)
            w.writerow(['file', 'poisoned'])
            w.writerows(sorted(keep))
        print(f'{d}: {len(clean)} clean + {min(k, len(poisoned))} triggered ({100 * min(k, len(poisoned)) / len(keep):.1f}%)')


if __name__ == '__main__':
    main()
