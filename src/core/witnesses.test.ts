import { describe, expect, it } from 'vitest';
import { TAIL_GATE_ALPHA, gateWitnesses, maxZ, notVotingReason, type Witness } from './witnesses';
import { witnessVerdict } from './verdict';
import { tailZ } from './calibrate';

/** A witness whose z values are given; `tailShare` counted as witnesses.ts counts it. */
function w(name: Witness['name'], z: number[]): Witness {
  const cut = tailZ(TAIL_GATE_ALPHA);
  return {
    name,
    score: Float32Array.from(z),
    z: Float32Array.from(z),
    fit: { median: 0, sigma: 1 },
    tailShare: z.filter((v) => v > cut).length / z.length,
    votes: true,
  };
}

describe('the tail gate', () => {
  // 200 images: z(0.01) = 2.326, so a voting witness needs >= 2 images above it.
  const bulk = Array.from({ length: 200 }, (_, i) => ((i % 20) - 10) / 5); // -2 .. 1.8, nothing above 2.326
  it('drops a witness with no excess upper tail, keeps one with it, and max-z uses only voters', () => {
    const quiet = w('density', bulk.map((v, i) => (i === 7 ? 2.2 : v)));
    const loud = w('dede', bulk.map((v, i) => (i < 6 ? 4 + i : v)));
    gateWitnesses([loud, quiet]);
    expect(loud.votes).toBe(true);
    expect(quiet.votes).toBe(false);
    // Image 7 is the quiet witness's top; it no longer outranks the loud witness's bulk through the max.
    const combined = maxZ([loud, quiet].filter((x) => x.votes));
    expect(combined[7]).toBeCloseTo(loud.z[7], 6);
    const threshold = tailZ(0.005);
    const flagged = Array.from(combined, (v) => v > threshold);
    const verdict = witnessVerdict({ witnesses: [loud, quiet], score: combined, calibrated: true, raw: combined, bestDonor: null }, flagged, threshold, { kind: 'tail', alpha: 0.005 }, null, null);
    expect(verdict.witnesses.map((x) => [x.name, x.votes, x.flagged])).toEqual([
      ['dede', true, 6],
      ['density', false, 0],
    ]);
    // Nominal false alarms count the voting witnesses only.
    expect(verdict.expectedFalseAlarms).toBeCloseTo(0.005 * 200 * 1, 9);
  });
  it('keeps every witness when none has a tail (a clean folder is judged by all of them)', () => {
    const a = w('dede', bulk);
    const b = w('density', bulk);
    gateWitnesses([a, b]);
    expect([a.votes, b.votes]).toEqual([true, true]);
  });
  it("combine 'heaviest': only the voter with the most images above z(0.01) speaks, and the others say why", () => {
    const dede = w('dede', bulk.map((v, i) => (i < 4 ? 4 + i : v))); // 4 / 200 = 2% above the gate
    const density = w('density', bulk.map((v, i) => (i === 7 ? 2.2 : v))); // 0%: fails the gate
    const lookalike = w('lookalike', bulk.map((v, i) => (i >= 190 ? 3 : v))); // 10 / 200 = 5%
    gateWitnesses([dede, density, lookalike], 'heaviest');
    expect([dede.votes, density.votes, lookalike.votes]).toEqual([false, false, true]);
    expect([dede.outvotedBy, density.outvotedBy, lookalike.outvotedBy]).toEqual(['lookalike', null, null]);
    expect(notVotingReason(dede)).toBe('not voting: Look-alike neighbours has the heavier upper tail (2.0% of images above z(1%) here)');
    expect(notVotingReason(density)).toBe('not voting: 0.0% of images above z(1%), no excess over its bulk fit');
    expect(notVotingReason(lookalike)).toBeNull();
    // The combined score is the speaker's z, so DeDe's top images no longer pass through a max.
    const combined = maxZ([dede, density, lookalike].filter((x) => x.votes));
    expect(Array.from(combined)).toEqual(Array.from(lookalike.z));
    // 'max' keeps both voters; ties under 'heaviest' go to the first listed.
    gateWitnesses([dede, density, lookalike], 'max');
    expect([dede.votes, density.votes, lookalike.votes]).toEqual([true, false, true]);
    const twin = w('lookalike', Array.from(dede.z));
    gateWitnesses([dede, twin], 'heaviest');
    expect([dede.votes, twin.votes]).toEqual([true, false]);
  });

  it('a DeDe witness whose decoder power is below LOW_POWER does not vote, even with the heaviest tail', () => {
    const dede = w('dede', bulk.map((v, i) => (i < 30 ? 4 : v))); // 15%: the heaviest tail
    const lookalike = w('lookalike', bulk.map((v, i) => (i >= 190 ? 3 : v))); // 5%
    dede.lowPower = 0.64;
    gateWitnesses([dede, lookalike], 'heaviest');
    expect([dede.votes, lookalike.votes]).toEqual([false, true]);
    expect(notVotingReason(dede)).toBe("not voting: the decoder's power is 0.640 (< 0.7), too weak to tell an image's own embedding from another's; train longer");
    // With no other witness passing the tail gate, the able ones still vote, the weak decoder not.
    const quiet = w('density', bulk);
    gateWitnesses([dede, quiet], 'max');
    expect([dede.votes, quiet.votes]).toEqual([false, true]);
    // DeDe alone keeps its vote (there is nothing else to judge by).
    gateWitnesses([dede], 'heaviest');
    expect(dede.votes).toBe(true);
  });
});
