import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { SHARED_DATA } from './shared-data.ts';

/** What a generated snapshot line should come back as, once ingested. */
export interface ExpectedPaper {
  arxivId: string;
  title: string;
  authors: string[];
  date: string;
  categoryFull: string;
  doi: string | null;
  journalRef: string | null;
}

// Letters written as LaTeX accents in the generated lines, and how LaTeX writes them.
const LATEX: [string, string][] = [
  ['ü', '\\"u'],
  ['ö', '{\\"o}'],
  ['é', "\\'{e}"],
  ['è', '\\`e'],
  ['ç', '\\c{c}'],
  ['ñ', '\\~n'],
  ['í', "\\'{\\i}"],
  ['ø', '{\\o}'],
  ['č', '\\v{c}'],
];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const rfc2822 = (t: Date) =>
  `${DAYS[t.getUTCDay()]}, ${String(t.getUTCDate()).padStart(2, '0')} ${MONTHS[t.getUTCMonth()]} ${t.getUTCFullYear()} ${t.toISOString().slice(11, 19)} GMT`;

/**
 * Lines in the format of arXiv's metadata snapshot (../shared/data/arxiv/snapshot-format.md), made at test time
 * from the records of the small corpus (never committed): `count` lines, each with what it must become. Names
 * get LaTeX accents, dates a time late in the UTC day, some papers two DOIs and a journal reference, secondary
 * categories, line breaks and leading spaces in the abstract as arXiv keeps them.
 */
export function snapshotLinesFromCorpus(count: number): { lines: string[]; expected: ExpectedPaper[] } {
  const records = gunzipSync(readFileSync(join(SHARED_DATA, 'corpus', 'small.jsonl.gz')))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => typeof r.arxivId === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(String(r.date)))
    .slice(0, count);
  const lines: string[] = [];
  const expected: ExpectedPaper[] = [];
  records.forEach((r, n) => {
    const accent = LATEX[n % LATEX.length] as [string, string];
    const names = (r.authors as string[]).map((name, k) => {
      const parts = name.trim().split(/\s+/);
      const last = parts.pop() ?? name;
      // Every third paper's first author gets an accented letter in the last name.
      const accented = k === 0 && n % 3 === 0 ? `${last}${accent[0]}` : last;
      return { first: parts.join(' '), last: accented };
    });
    const created = new Date(`${r.date}T23:59:30Z`);
    const second = new Date(created.getTime() + 86_400_000 * 40);
    const category = String(r.category);
    const dois = n % 4 === 0 ? [`10.1234/test.${n}`, `10.5555/other.${n}`] : n % 4 === 1 ? [`10.1234/test.${n}`] : [];
    const journalRef = n % 5 === 0 ? `Journal of Tests ${n} (2), 2025` : null;
    const latex = (s: string) => s.replaceAll(accent[0], accent[1]);
    lines.push(
      JSON.stringify({
        id: r.arxivId,
        submitter: names[0] ? `${names[0].first} ${latex(names[0].last)}` : null,
        authors: names.map((a) => `${a.first} ${latex(a.last)}`).join(', '),
        title: String(r.title),
        comments: null,
        'journal-ref': journalRef,
        doi: dois.length ? dois.join(' ') : null,
        'report-no': null,
        categories: `${category} stat.ML`,
        license: null,
        abstract: `  ${String(r.abstract ?? '').replace(/\. /, '.\n')}\n`,
        versions: [
          { version: 'v1', created: rfc2822(created) },
          { version: 'v2', created: rfc2822(second) },
        ],
        update_date: second.toISOString().slice(0, 10),
        authors_parsed: names.map((a) => [latex(a.last), a.first, '']),
      }),
    );
    expected.push({
      arxivId: String(r.arxivId),
      title: String(r.title).replace(/\s+/g, ' ').trim(),
      authors: names.map((a) => `${a.first} ${a.last}`.trim()),
      date: String(r.date),
      categoryFull: category,
      doi: dois[0] ?? null,
      journalRef,
    });
  });
  return { lines, expected };
}

/** The two real lines of the format document, each as one line (they are pretty-printed there). */
export function realSnapshotLines(): string[] {
  const doc = readFileSync(join(SHARED_DATA, 'arxiv', 'snapshot-format.md'), 'utf8');
  const block = /```json\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
  return block
    .split(/\n(?=\{"id")/)
    .map((record) => JSON.stringify(JSON.parse(record)))
    .filter(Boolean);
}
