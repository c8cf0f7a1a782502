import { describe, expect, it } from 'vitest';
import { JOIN_SHARE, NULL_TAIL, TAIL_GATE_ALPHA, gateWitnesses, maxZ, notVotingReason, tailExcess, type Witness } from './witnesses';
import { EXCESS_MARGIN, evidenceSentence, falseAlarmSentence, folderEvidence, witnessVerdict } from './verdict';
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

// 200 images: z(0.01) = 2.326, so a voting witness needs >= 2 images above it.
const bulk = Array.from({ length: 200 }, (_, i) => ((i % 20) - 10) / 5); // -2 .. 1.8, nothing above 2.326

describe('the tail gate', () => {
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
    expect(notVotingReason(dede)).toBe('not voting: Look-alike neighbours has the larger excess upper tail (this one: 2.0% of images above z(1%); folders without poison: up to 5.2%)');
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

  it("combine 'excess': the voter whose tail most exceeds its own clean tail speaks, not the heaviest", () => {
    // DeDe's clean tail (5.2%) is heavier than look-alike's (3.4%): DeDe at 6% holds less excess
    // than look-alike at 5.5% (the DRUPE-style folder at 5% poisoned, where 'heaviest' picked DeDe).
    expect(NULL_TAIL.dede).toBeGreaterThan(NULL_TAIL.lookalike);
    const dede = w('dede', bulk.map((v, i) => (i < 12 ? 4 : v))); // 12 / 200 = 6%
    const lookalike = w('lookalike', bulk.map((v, i) => (i >= 189 ? 3 : v))); // 11 / 200 = 5.5%
    expect(dede.tailShare).toBeGreaterThan(lookalike.tailShare);
    expect(tailExcess(dede)).toBeCloseTo(0.06 - 0.052, 9);
    expect(tailExcess(lookalike)).toBeCloseTo(0.055 - 0.034, 9);
    gateWitnesses([dede, lookalike], 'excess');
    expect([dede.votes, lookalike.votes]).toEqual([false, true]);
    expect(dede.outvotedBy).toBe('lookalike');
    expect(notVotingReason(dede)).toBe('not voting: Look-alike neighbours has the larger excess upper tail (this one: 6.0% of images above z(1%); folders without poison: up to 5.2%)');
    gateWitnesses([dede, lookalike], 'heaviest');
    expect([dede.votes, lookalike.votes]).toEqual([true, false]);
  });

  it("combine 'join': the excess speaker, joined by voters with a positive excess of at least half its", () => {
    // As with an auxiliary clean folder on DRUPE-style: DeDe 8% (excess 2.8), look-alike 8% (4.6).
    const dede = w('dede', bulk.map((v, i) => (i < 16 ? 4 : v)));
    const lookalike = w('lookalike', bulk.map((v, i) => (i >= 184 ? 3 : v)));
    const density = w('density', bulk.map((v, i) => (i >= 100 && i < 109 ? 3.5 : v))); // 4.5%: excess 0.2, votes
    expect(tailExcess(dede)).toBeCloseTo(0.08 - NULL_TAIL.dede, 9);
    expect(tailExcess(lookalike)).toBeCloseTo(0.08 - NULL_TAIL.lookalike, 9);
    expect(tailExcess(density)).toBeCloseTo(0.045 - NULL_TAIL.density, 9);
    expect(tailExcess(dede)).toBeGreaterThanOrEqual(JOIN_SHARE * tailExcess(lookalike));
    gateWitnesses([dede, density, lookalike], 'join');
    expect([dede.votes, density.votes, lookalike.votes]).toEqual([true, false, true]);
    expect(density.outvotedBy).toBe('lookalike');
    expect(dede.outvotedBy).toBeNull();
    // the combined score is the larger z of the two speakers, image by image
    const combined = maxZ([dede, lookalike]);
    expect(combined[0]).toBe(dede.z[0]);
    expect(combined[199]).toBe(lookalike.z[199]);
    // 'excess' keeps the speaker alone
    gateWitnesses([dede, density, lookalike], 'excess');
    expect([dede.votes, density.votes, lookalike.votes]).toEqual([false, false, true]);
    // below half the speaker's excess a voter stays out: DeDe at 6% (0.8 of look-alike's 4.6)
    const weak = w('dede', bulk.map((v, i) => (i < 12 ? 4 : v)));
    gateWitnesses([weak, lookalike], 'join');
    expect([weak.votes, lookalike.votes]).toEqual([false, true]);
    // without poison no witness has a positive excess, so one speaks, as under 'excess'
    const quietA = w('lookalike', bulk.map((v, i) => (i >= 194 ? 3 : v))); // 3%: under its 3.4%
    const quietB = w('density', bulk.map((v, i) => (i < 8 ? 3.5 : v))); // 4%: under its 4.3%
    gateWitnesses([quietA, quietB], 'join');
    expect([quietA.votes, quietB.votes].filter(Boolean)).toHaveLength(1);
  });

  it('a DeDe witness whose decoder power is below MATURE_POWER does not vote, even with the heaviest tail', () => {
    const dede = w('dede', bulk.map((v, i) => (i < 30 ? 4 : v))); // 15%: the heaviest tail
    const lookalike = w('lookalike', bulk.map((v, i) => (i >= 190 ? 3 : v))); // 5%
    dede.lowPower = 0.64;
    gateWitnesses([dede, lookalike], 'heaviest');
    expect([dede.votes, lookalike.votes]).toEqual([false, true]);
    expect(notVotingReason(dede)).toBe("not voting: the decoder's held-out power is 0.640 (< 0.85); below that DeDe's score has a heavy tail on clean folders too; train it on a clean folder of the same kind as these images (auxiliary folder, --aux), or longer");
    // With no other witness passing the tail gate, the able ones still vote, the weak decoder not.
    const quiet = w('density', bulk);
    gateWitnesses([dede, quiet], 'max');
    expect([dede.votes, quiet.votes]).toEqual([false, true]);
    // DeDe alone keeps its vote (there is nothing else to judge by).
    gateWitnesses([dede], 'heaviest');
    expect(dede.votes).toBe(true);
  });
});

describe('the folder-level call', () => {
  const at = (name: Witness['name'], tailShare: number, votes = true) => ({ name, tailShare, votes });

  it("reads the speaking witness's tail against its own measured clean tail", () => {
    // The speaker is the voter with the largest excess; a non-voter's heavier tail does not count.
    expect(folderEvidence([at('dede', 0.2, false), at('density', 0.01), at('lookalike', 0.078)])).toEqual({ level: 'excess', witness: 'lookalike', tailShare: 0.078, cleanTail: NULL_TAIL.lookalike });
    // Per witness: 5.5% is evidence from look-alike (clean up to 3.4%), not from DeDe (up to 5.2%).
    expect(folderEvidence([at('lookalike', 0.055)])!.level).toBe('excess');
    expect(folderEvidence([at('dede', 0.055)])!.level).toBe('borderline');
    expect(folderEvidence([at('density', NULL_TAIL.density + EXCESS_MARGIN)])!.level).toBe('excess');
    expect(folderEvidence([at('density', NULL_TAIL.density + EXCESS_MARGIN / 2)])!.level).toBe('borderline');
    // At the measured clean maximum itself and below: a clean folder's own tail.
    expect(folderEvidence([at('density', NULL_TAIL.density)])!.level).toBe('none');
    expect(folderEvidence([at('lookalike', 0.029), at('density', 0.002)])).toEqual({ level: 'none', witness: 'lookalike', tailShare: 0.029, cleanTail: NULL_TAIL.lookalike });
    // No voter (raw score or nothing calibrated): no call.
    expect(folderEvidence([at('dede', 0.3, false)])).toBeNull();
  });

  it('says it in words, with the measured figures, and the false alarms with their measured factor', () => {
    const call = (level: 'excess' | 'borderline' | 'none', witness: Witness['name'], tailShare: number) => ({ level, witness, tailShare, cleanTail: NULL_TAIL[witness] });
    expect(evidenceSentence(call('excess', 'lookalike', 0.078))).toBe('Backdoor evidence: 7.8% of images lie above z(1%) for Look-alike neighbours; folders without poison showed up to 3.4% (measured). The flagged images are the suspects.');
    expect(evidenceSentence(call('none', 'density', 0.02))).toMatch(/^No excess: 2\.0% .*up to 4\.3%\. This scan alone does not show a backdoor, but it does not clear the encoder either/);
    expect(evidenceSentence(call('borderline', 'dede', 0.055))).toBe('Borderline: 5.5% of images lie above z(1%) for DeDe rebuild, just above the most folders without poison showed (5.2%). Inspect the flagged images before acting.');
    expect(falseAlarmSentence(5)).toBe('the bulk fit expects about 5.0 false alarm(s) on a folder of this size without poison; folders without poison got 2-8 times that (README)');
  });

  it('is part of the verdict when the score is calibrated, and absent with the raw score', () => {
    const wit = [w('density', bulk.map((v, i) => (i < 20 ? 5 : v)))];
    const ws = { witnesses: wit, score: wit[0].z, calibrated: true, raw: wit[0].z, bestDonor: null };
    const flagged = Array.from(wit[0].z, (v) => v > 2.576);
    expect(witnessVerdict(ws, flagged, 2.576, { kind: 'tail', alpha: 0.005 }, null, null).backdoorEvidence).toEqual({ level: 'excess', witness: 'density', tailShare: 0.1, cleanTail: NULL_TAIL.density });
    expect(witnessVerdict({ ...ws, calibrated: false }, flagged, 2.576, { kind: 'mean', k: 1.5 }, null, null).backdoorEvidence).toBeNull();
  });
});
