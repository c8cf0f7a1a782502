#!/usr/bin/python3
"""
Research (issue 7, stop 19): does the neighbour (density) witness's false-alarm tail on the emoji
control come from natural pixel near-duplicates (skin-tone variants)? Recomputes the density
score (cosine to the 20th-nearest other embedding, as src/core/density.ts; tau 0 reproduces the
engine's figures) while skipping embedding neighbours whose centred pixel distance is below
tau x the folder's median nearest-pixel-neighbour distance. Prints AUROC, the share above z(1%)
and the share flagged at z(0.5%) per tau. Needs the scans' scores.csv (for the file order):
DEDE_DETECTION_OUT=/tmp/det npx vitest run test/detection.test.ts, then

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 scripts/research/density-pixel-dups.py /tmp/det

Measured (stop 19): it does not help. emoji-control flagged 3.5% / 3.5% / 4.2% at tau 0 / 0.5 / 1,
so those false alarms are not pixel near-duplicates. Needs python3-torch, python3-onnx, PIL.
"""
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures'))
ROOT = sys.argv[1] if len(sys.argv) > 1 else '/tmp/det'
import make_fixtures as mf, make_drupe_fixture as drupe
from PIL import Image
torch.set_num_threads(1)
def run(enc, imgdir, scores, labels):
    rows = list(csv.DictReader(open(scores)))
    files = [r['file'] for r in rows]
    lab = {r['file']: r['poisoned'] in ('1','true') for r in csv.DictReader(open(labels))}
    y = np.array([lab[f] for f in files])
    X = np.stack([np.asarray(Image.open(f'{imgdir}/{f}').convert('RGB'), np.uint8) for f in files])
    E = drupe.onnx_forward(enc, X).numpy()
    U = E / np.linalg.norm(E, axis=1, keepdims=True)
    S = U @ U.T; np.fill_diagonal(S, -2)
    P = X.reshape(len(X), -1).astype(np.float64) / 255; P = P - P.mean(1, keepdims=True)
    sq = (P**2).sum(1); D = np.maximum(sq[:, None] + sq[None] - 2 * P @ P.T, 0); np.fill_diagonal(D, np.inf)
    nnpix = np.sort(D, 1)[:, 0]; med = np.median(nnpix)
    order = np.argsort(-S, 1)[:, :20]
    dens = S[np.arange(len(S)), order[:, -1]]
    for tau_mult in [0, 0.5, 1.0]:
        tau = tau_mult * med
        out = np.empty(len(S))
        for i in range(len(S)):
            cand = np.argsort(-S[i])
            keep = [j for j in cand[:200] if D[i, j] > tau][:20]
            out[i] = S[i, keep[-1]]
        v = np.log(2 / np.maximum(1 - out, 1e-6)); z = (v - np.median(v)) / (1.4826 * np.median(np.abs(v - np.median(v))))
        pos, neg = out[y], out[~y]
        au = ((pos[:, None] > neg[None]).sum() + 0.5 * (pos[:, None] == neg[None]).sum()) / (len(pos) * len(neg))
        print(f'  tau {tau_mult} x median nn pixel dist: AUROC {au:.3f} tail>z1% {(z > 2.326).mean():.3f} flagged {(z > 2.576).mean():.3f}')
for name, enc, d in [('emoji-control', 'fixtures/emoji/clean-encoder.onnx', 'fixtures/emoji'), ('emoji', 'fixtures/emoji/encoder.onnx', 'fixtures/emoji'),
                     ('patch', 'fixtures/patch/encoder.onnx', 'fixtures/patch'), ('blended', 'fixtures/blended/encoder.onnx', 'fixtures/blended'),
                     ('patch-control', 'fixtures/clean-encoder.onnx', 'fixtures/patch')]:
    print(name)
    run(enc, f'{d}/images', f'{ROOT}/{name}/scores.csv', f'{d}/labels.csv')
