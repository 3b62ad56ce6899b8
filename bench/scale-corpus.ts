// The papers of the scale benchmark: records recombined from the large corpus (a title's start with another's
// end, the authors and affiliations of a third, the abstract's sentences of two more, a category, new ids and
// dates spread over 2012-2026), written once as JSON Lines (gzip) to a cache outside the repository and reused.
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { constants, createGunzip, createGzip } from 'node:zlib';
import { toPaperKey } from '../src/core/store/identity.ts';
import { type CorpusPaper, random } from './bench-queries.ts';

export const CACHE_DIR = process.env.PAPERBOY_BENCH_CACHE ?? join(homedir(), '.cache', 'paperboy-bench');

interface SourceRecord {
  title: string;
  authors: string[];
  affiliations?: (string | null)[] | null;
  abstract?: string | null;
  category: string;
  codeUrl?: string | null;
}

async function readRecords(file: string): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  const input = createReadStream(file).pipe(createGunzip());
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as SourceRecord;
    out.push({
      title: r.title,
      authors: r.authors,
      affiliations: r.affiliations ?? null,
      abstract: r.abstract ?? null,
      category: r.category,
      codeUrl: r.codeUrl ?? null,
    });
  }
  return out;
}

const sentences = (text: string | null | undefined): string[] => (text ? text.split(/(?<=\.)\s+/) : []);

/**
 * Writes `count` generated records to `file` (skipped when it exists) and returns the path. `seed` and `offset`
 * make other sets of papers (the 1,000 added to a running index) whose titles differ from these.
 */
export async function makeScaleCorpus(
  largeCorpus: string,
  count: number,
  options: { seed?: number; name?: string } = {},
): Promise<string> {
  const name = options.name ?? `papers-${count}`;
  const file = join(CACHE_DIR, `${name}.jsonl.gz`);
  if (existsSync(file)) return file;
  mkdirSync(CACHE_DIR, { recursive: true });
  const source = await readRecords(largeCorpus);
  const rnd = random(options.seed ?? 20261130);
  const pick = () => source[Math.floor(rnd() * source.length)] as SourceRecord;
  const seen = new Set<string>();
  const temp = `${file}.${process.pid}.tmp`;
  const gzip = createGzip({ level: constants.Z_BEST_SPEED });
  const out = gzip.pipe(createWriteStream(temp));
  let made = 0;
  while (made < count) {
    const a = pick();
    const b = pick();
    const wordsA = a.title.split(' ');
    const wordsB = b.title.split(' ');
    const cutA = Math.max(1, Math.ceil(wordsA.length / 2));
    const cutB = Math.floor(wordsB.length / 2);
    const title = [...wordsA.slice(0, cutA), ...wordsB.slice(cutB)].join(' ');
    const key = toPaperKey(title);
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    const people = pick();
    const first = sentences(pick().abstract);
    const second = sentences(pick().abstract);
    const abstract = [
      ...first.slice(0, Math.ceil(first.length / 2)),
      ...second.slice(Math.ceil(second.length / 2)),
    ].join(' ');
    const year = 2012 + Math.floor(rnd() * 15);
    const month = 1 + Math.floor(rnd() * 12);
    const day = 1 + Math.floor(rnd() * 28);
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const record = {
      arxivId: `${pad(year % 100)}${pad(month)}.${pad(made % 100000, 5)}`,
      title,
      authors: people.authors,
      affiliations: people.affiliations,
      date: `${year}-${pad(month)}-${pad(day)}`,
      category: a.category,
      abstract: abstract || null,
      codeUrl: rnd() < 0.2 ? (a.codeUrl ?? `https://github.com/example/repo-${made}`) : null,
    };
    if (!gzip.write(`${JSON.stringify(record)}\n`)) await new Promise((r) => gzip.once('drain', r));
    made++;
  }
  gzip.end();
  await finished(out);
  renameSync(temp, file);
  return file;
}

/** Every `step`-th record of a corpus file, as the query maker reads papers: a sample to make queries from. */
export async function sampleCorpus(file: string, step: number): Promise<CorpusPaper[]> {
  const out: CorpusPaper[] = [];
  let i = 0;
  const input = createReadStream(file).pipe(createGunzip());
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (!line.trim() || i++ % step !== 0) continue;
    const r = JSON.parse(line) as CorpusPaper & { abstract?: string | null };
    out.push({ title: r.title, abstract: r.abstract ?? '', authors: r.authors, category: r.category, date: r.date });
  }
  return out;
}
