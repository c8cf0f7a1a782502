/**
 * The CSV contract shared by `dede scan --out` and the app's "Export CSV": header exactly
 * `file,score,flagged` (plus `,override` from the app, then the witness columns), highest score first, RFC 4180 quoting,
 * `\n` line ends. And the readers for it and for label files (`file,poisoned`).
 */

export type Override = 'poisoned' | 'clean' | null;

export interface ScoreRow {
  /** Path relative to the image folder, `/` separators, exactly as found (never rewritten). */
  file: string;
  score: number;
  /** score > threshold, or the caller's decision. */
  flagged: boolean;
  override?: Override;
  /** Values of the extra columns (`scoresToCsv`'s `columns`), already formatted. */
  extra?: string[];
}

/** Characters that make a spreadsheet treat a cell as a formula (CSV/formula injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One RFC 4180 field: quoted (with `"` doubled) when it holds a comma, quote, CR or LF, or starts
 * with = + - @ or tab. Formula-like names are only quoted, never altered (no `'` prefix):
 * `file` must equal the real path so pipelines can join on it. Quoting alone does not stop
 * every spreadsheet from evaluating a formula; open the CSV as text in one.
 */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || FORMULA_START.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Shortest decimal that round-trips: through float32 when the score is a float32 (so 0.1f prints "0.1"), else through float64. */
export function formatScore(score: number): string {
  if (!Number.isFinite(score)) return String(score);
  if (Math.fround(score) === score) {
    for (let digits = 1; digits <= 9; digits++) {
      const text = score.toPrecision(digits);
      if (Math.fround(Number(text)) === score) return String(Number(text));
    }
  }
  return String(score);
}

/** Rows by score, highest first; equal scores by file name (code-unit order) so output is deterministic. */
export function sortByScore<T extends { file: string; score: number }>(rows: readonly T[]): T[] {
  const key = (s: number) => (Number.isNaN(s) ? -Infinity : s);
  return [...rows].sort((a, b) => key(b.score) - key(a.score) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** `file,score,flagged[,override]\n` then one row per image sorted by score descending; flagged as 1/0, override as poisoned/clean/empty. */
export function scoresToCsv(rows: readonly ScoreRow[], opts: { override?: boolean; columns?: string[] } = {}): string {
  const columns = opts.columns ?? [];
  const lines = [['file', 'score', 'flagged', ...(opts.override ? ['override'] : []), ...columns].join(',')];
  for (const row of sortByScore(rows)) {
    const fields = [csvField(row.file), formatScore(row.score), row.flagged ? '1' : '0'];
    if (opts.override) fields.push(row.override ?? '');
    for (let c = 0; c < columns.length; c++) fields.push(csvField(row.extra?.[c] ?? ''));
    lines.push(fields.join(','));
  }
  return lines.join('\n') + '\n';
}

/**
 * The per-witness columns of scores.csv, one definition for the CLI and the app:
 * `flagged_by` (witnesses whose calibrated z passed the threshold, joined by +), `dede_raw`
 * (the paper's score), each witness's own score, and `dede_best_donor` (the file whose
 * embedding rebuilt the image best, the counterfactual the score compared against).
 */
export function witnessColumns(r: {
  paths: string[];
  flaggedBy: string[][];
  raw: Float32Array;
  witnesses: { name: string; score: Float32Array }[];
  bestDonor: Int32Array | null;
}): { columns: string[]; extra: (i: number) => string[] } {
  const columns = ['flagged_by', 'dede_raw', ...r.witnesses.map((w) => w.name), ...(r.bestDonor ? ['dede_best_donor'] : [])];
  const extra = (i: number) => [
    r.flaggedBy[i].join('+'),
    formatScore(r.raw[i]),
    ...r.witnesses.map((w) => formatScore(w.score[i])),
    ...(r.bestDonor ? [r.paths[r.bestDonor[i]] ?? ''] : []),
  ];
  return { columns, extra };
}

/** Rows of an RFC 4180 text with the line each starts on (for error messages). */
export function parseCsvRows(text: string): { line: number; fields: string[] }[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false; // the current field was written in quotes (so `""` is a field, not a blank line)
  let line = 1;
  let rowLine = 1;
  const endField = () => {
    fields.push(field);
    field = '';
  };
  const endRow = () => {
    const blank = fields.length === 0 && field === '' && !quoted;
    endField();
    if (!blank) rows.push({ line: rowLine, fields });
    fields = [];
    quoted = false;
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' && field === '' && !quoted) {
      // Quoted field: runs to the next lone quote, commas and line breaks included.
      const openedOn = line;
      quoted = true;
      for (i++; ; ) {
        if (i >= text.length) throw new Error(`CSV line ${openedOn}: a quoted field is never closed`);
        if (text[i] === '"') {
          if (text[i + 1] !== '"') break;
          field += '"';
          i += 2;
        } else {
          if (text[i] === '\n') line++;
          field += text[i++];
        }
      }
      i++; // the closing quote
      if (i < text.length && !',\r\n'.includes(text[i]))
        throw new Error(`CSV line ${line}: unexpected ${JSON.stringify(text[i])} after a closing quote`);
    } else if (c === ',') {
      endField();
      quoted = false;
      i++;
    } else if (c === '\r' || c === '\n') {
      endRow();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      rowLine = line;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || quoted || fields.length > 0) endRow();
  return rows;
}

/** RFC 4180 parse: quoted fields (with "" escapes and line breaks), CRLF/LF/CR line ends, a leading BOM; blank lines skipped. */
export function parseCsv(text: string): string[][] {
  return parseCsvRows(text).map((r) => r.fields);
}

const LABEL_WORDS: Record<string, 0 | 1> = { '1': 1, true: 1, yes: 1, '0': 0, false: 0, no: 0 };

/** `file,poisoned` -> Map(file -> 1 poisoned | 0 clean); accepts 0/1, true/false, yes/no; errors name the line. */
export function parseLabels(text: string): Map<string, 0 | 1> {
  const rows = parseCsvRows(text);
  if (rows.length === 0) throw new Error('labels CSV is empty; expected a header file,poisoned and one row per image');
  const header = rows[0].fields.map((h) => h.trim().toLowerCase());
  let fileCol = 0;
  let labelCol = 1;
  let body = rows;
  if (header.includes('file')) {
    fileCol = header.indexOf('file');
    labelCol = header.indexOf('poisoned');
    if (labelCol < 0) throw new Error('labels CSV line 1: no "poisoned" column; expected the header file,poisoned');
    body = rows.slice(1);
  } else if (!(header[1] !== undefined && header[1] in LABEL_WORDS)) {
    throw new Error('labels CSV line 1: expected the header file,poisoned');
  }
  const labels = new Map<string, 0 | 1>();
  for (const { line, fields } of body) {
    const file = fields[fileCol];
    const word = fields[labelCol]?.trim().toLowerCase();
    if (file === undefined || file === '' || word === undefined)
      throw new Error(`labels CSV line ${line}: expected two fields, file and poisoned`);
    const label = LABEL_WORDS[word];
    if (label === undefined)
      throw new Error(`labels CSV line ${line}: "${fields[labelCol]}" is not a label (use 1/0, true/false or yes/no)`);
    const before = labels.get(file);
    if (before !== undefined && before !== label)
      throw new Error(`labels CSV line ${line}: "${file}" is labelled both ${before} and ${label}`);
    labels.set(file, label);
  }
  return labels;
}

/** Reads a scores CSV written by `scoresToCsv` (or the CLI) back into rows, in file order. */
export function parseScoresCsv(text: string): ScoreRow[] {
  const rows = parseCsvRows(text);
  const header = rows[0]?.fields ?? [];
  if (header.slice(0, 3).join(',') !== 'file,score,flagged')
    throw new Error('scores CSV line 1: expected the header file,score,flagged');
  const overrideAt = header.indexOf('override');
  return rows.slice(1).map(({ line, fields }) => {
    const score = Number(fields[1]);
    if (fields.length < 3 || fields[1] === '' || (Number.isNaN(score) && fields[1] !== 'NaN'))
      throw new Error(`scores CSV line ${line}: expected file,score,flagged`);
    const o = overrideAt >= 0 ? fields[overrideAt] : undefined;
    const override = o === 'poisoned' || o === 'clean' ? o : null;
    return { file: fields[0], score, flagged: fields[2] === '1', override };
  });
}
