import { describe, expect, it } from 'vitest';
import { csvField, formatScore, parseCsv, parseLabels, parseScoresCsv, scoresToCsv, type ScoreRow } from './csv';

const nasty: ScoreRow[] = [
  { file: 'plain.png', score: 1.5, flagged: false },
  { file: 'a,b.png', score: 9, flagged: true, override: 'clean' },
  { file: 'he said "x".png', score: 3.25, flagged: false, override: 'poisoned' },
  { file: '=cmd.png', score: 2, flagged: false },
  { file: 'dir/日本語 ✓.png', score: 7, flagged: true },
  { file: 'line\nbreak.png', score: 0.5, flagged: false },
  { file: '-1.png', score: 0.25, flagged: false },
];

describe('scoresToCsv', () => {
  it('writes the exact header, highest score first, flagged as 1/0', () => {
    const text = scoresToCsv(nasty, { override: false });
    expect(text.split('\n')[0]).toBe('file,score,flagged');
    expect(text.split('\n')[1]).toBe('"a,b.png",9,1');
    expect(text.split('\n')[2]).toBe('dir/日本語 ✓.png,7,1');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('quotes commas, quotes, line breaks and formula starters, without altering the name', () => {
    expect(csvField('he said "x".png')).toBe('"he said ""x"".png"');
    expect(csvField('=cmd.png')).toBe('"=cmd.png"');
    expect(csvField('+1.png')).toBe('"+1.png"');
    expect(csvField('@x.png')).toBe('"@x.png"');
    expect(csvField('\tx.png')).toBe('"\tx.png"');
    expect(csvField('a=b.png')).toBe('a=b.png');
    expect(csvField('plain.png')).toBe('plain.png');
  });

  it('round-trips every nasty name, score, flag and override', () => {
    const back = parseScoresCsv(scoresToCsv(nasty, { override: true }));
    expect(back.map((r) => r.file)).toEqual(['a,b.png', 'dir/日本語 ✓.png', 'he said "x".png', '=cmd.png', 'plain.png', 'line\nbreak.png', '-1.png']);
    const byFile = new Map(back.map((r) => [r.file, r]));
    for (const row of nasty) {
      expect(byFile.get(row.file)).toEqual({ file: row.file, score: row.score, flagged: row.flagged, override: row.override ?? null });
    }
  });

  it('adds the override column only when asked; equal scores sort by name', () => {
    const rows: ScoreRow[] = [
      { file: 'b', score: 1, flagged: false, override: null },
      { file: 'a', score: 1, flagged: false, override: 'poisoned' },
    ];
    expect(scoresToCsv(rows, { override: true })).toBe('file,score,flagged,override\na,1,0,poisoned\nb,1,0,\n');
    expect(scoresToCsv(rows, { override: false })).toBe('file,score,flagged\na,1,0\nb,1,0\n');
  });

  it('prints scores with the shortest text that round-trips', () => {
    expect(formatScore(Math.fround(0.1))).toBe('0.1'); // a float32 score, not 0.10000000149011612
    expect(formatScore(Float32Array.from([123.456])[0])).toBe('123.456');
    expect(formatScore(1 / 3)).toBe('0.3333333333333333');
    expect(formatScore(120)).toBe('120');
    expect(formatScore(1e-7)).toBe('1e-7');
    expect(Number(formatScore(Math.fround(1 / 3)))).not.toBe(Math.fround(1 / 3)); // shortest, float32-exact
    expect(Math.fround(Number(formatScore(Math.fround(1 / 3))))).toBe(Math.fround(1 / 3));
  });
});

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, CRLF, lone CR, BOM, embedded line breaks, blank lines', () => {
    const text = '\ufefffile,poisoned\r\n"a,b.png",1\r\n"say ""hi""",0\r"multi\r\nline",yes\n\nlast,\n';
    expect(parseCsv(text)).toEqual([
      ['file', 'poisoned'],
      ['a,b.png', '1'],
      ['say "hi"', '0'],
      ['multi\r\nline', 'yes'],
      ['last', ''],
    ]);
    expect(parseCsv('a,b')).toEqual([['a', 'b']]);
    expect(parseCsv('""\n')).toEqual([['']]);
    expect(parseCsv('x,"",y')).toEqual([['x', '', 'y']]);
  });

  it('reports malformed quoting with its line', () => {
    expect(() => parseCsv('a,b\n"open,1\n')).toThrow('CSV line 2: a quoted field is never closed');
    expect(() => parseCsv('a\n"x"y,1')).toThrow('CSV line 2: unexpected "y" after a closing quote');
  });
});

describe('parseLabels', () => {
  it('reads file,poisoned with 0/1, true/false, yes/no in any case', () => {
    const labels = parseLabels('file,poisoned\na.png,1\nb.png,0\n"c,d.png",TRUE\ne.png, no\nf.png,Yes\ng.png,false\n');
    expect([...labels]).toEqual([
      ['a.png', 1],
      ['b.png', 0],
      ['c,d.png', 1],
      ['e.png', 0],
      ['f.png', 1],
      ['g.png', 0],
    ]);
  });

  it('finds the columns by header name, or takes a headerless two-column file', () => {
    expect([...parseLabels('poisoned,extra,file\n1,x,a.png\n')]).toEqual([['a.png', 1]]);
    expect([...parseLabels('a.png,1\nb.png,0\n')]).toEqual([
      ['a.png', 1],
      ['b.png', 0],
    ]);
  });

  it('names the line of every problem', () => {
    expect(() => parseLabels('')).toThrow(/labels CSV is empty/);
    expect(() => parseLabels('file,label\na,1')).toThrow('labels CSV line 1: no "poisoned" column');
    expect(() => parseLabels('name,value\na,1')).toThrow('labels CSV line 1: expected the header file,poisoned');
    expect(() => parseLabels('file,poisoned\na.png,1\nb.png,maybe\n')).toThrow('labels CSV line 3: "maybe" is not a label');
    expect(() => parseLabels('file,poisoned\na.png\n')).toThrow('labels CSV line 2: expected two fields');
    expect(() => parseLabels('file,poisoned\na.png,1\na.png,0\n')).toThrow('labels CSV line 3: "a.png" is labelled both 1 and 0');
  });
});
