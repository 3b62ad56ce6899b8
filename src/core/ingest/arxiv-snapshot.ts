import { closeSync, openSync, readSync } from 'node:fs';
import { constants, gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { toShortCategory } from '../categories.ts';
import type { PaperInput } from '../store/paper-store.ts';
import { squeezeSpaces } from '../text.ts';

// arXiv's metadata snapshot (the Kaggle `arxiv-metadata-oai-snapshot.json`): one JSON object a line; the fields
// are described in ../shared/data/arxiv/snapshot-format.md and docs/storage.md ("arXiv's metadata snapshot").

const text = z.string().nullish();

export const SnapshotRecordSchema = z.object({
  id: z.string().min(1),
  title: z.string().refine((t) => t.trim() !== '', 'title is empty'),
  abstract: text,
  authors: text,
  authors_parsed: z.array(z.array(z.string().nullable())).nullish(),
  categories: z.string().refine((c) => c.trim() !== '', 'categories is empty'),
  versions: z.array(z.object({ version: text, created: z.string() })).min(1, 'versions is empty'),
  doi: text,
  'journal-ref': text,
});
export type SnapshotRecord = z.infer<typeof SnapshotRecordSchema>;

/** True for a parsed JSON line in the snapshot's format: it holds `id`, `title`, `abstract`, `categories`, `versions`. */
export function isSnapshotRecord(json: unknown): boolean {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  return ['id', 'title', 'abstract', 'categories', 'versions'].every((key) => key in json);
}

// LaTeX accent commands and the combining mark each puts on its letter.
const ACCENTS: Record<string, string> = {
  '"': '\u0308',
  "'": '\u0301',
  '`': '\u0300',
  '^': '\u0302',
  '~': '\u0303',
  '=': '\u0304',
  '.': '\u0307',
  u: '\u0306',
  v: '\u030c',
  H: '\u030b',
  c: '\u0327',
  k: '\u0328',
  r: '\u030a',
  d: '\u0323',
  b: '\u0331',
};
// Letters LaTeX writes as commands.
const LETTERS: Record<string, string> = {
  o: 'ø',
  O: 'Ø',
  l: 'ł',
  L: 'Ł',
  ss: 'ß',
  ae: 'æ',
  AE: 'Æ',
  oe: 'œ',
  OE: 'Œ',
  aa: 'å',
  AA: 'Å',
  i: 'ı',
  j: 'ȷ',
};
// `\"u`, `\"{u}`, `{\"u}`, `\'{\i}`, `\v{c}`, `\c c`: an accent on one letter (a dotless i or j as written).
const ACCENTED =
  /\{?\\(["'`^~=.]|[uvHckrdb](?=[\s{]))\s*(?:\{\s*(\\[ij](?![A-Za-z])|[A-Za-z])\s*\}|(\\[ij](?![A-Za-z])|[A-Za-z]))\}?/g;
const LETTER = /\{?\\(ss|ae|AE|oe|OE|aa|AA|[oOlLij])(?![A-Za-z])\s*(?:\{\})?\}?/g;

/** Decodes LaTeX accents and letters in names and titles: `M\"uller` and `M{\"u}ller` → `Müller`, `\o` → `ø`. */
export function decodeLatex(value: string): string {
  if (!value.includes('\\')) return value;
  return value
    .replace(ACCENTED, (whole, accent: string, braced?: string, bare?: string) => {
      const mark = ACCENTS[accent];
      let letter = braced ?? bare ?? '';
      if (letter === '\\i') letter = 'i';
      if (letter === '\\j') letter = 'j';
      return mark ? `${letter}${mark}`.normalize('NFC') : whole;
    })
    .replace(LETTER, (_whole, name: string) => LETTERS[name] ?? name);
}

/** `first last` (and a suffix such as `Jr`) from one `authors_parsed` entry `[last, first, suffix]`. */
const authorName = ([last, first, suffix]: (string | null | undefined)[]) =>
  squeezeSpaces(decodeLatex([first, last, suffix].filter((part) => part?.trim()).join(' ')));

/** The UTC day of an RFC 2822 date (`Mon, 11 Jan 2021 20:31:27 GMT` → `2021-01-11`), or undefined. */
export function utcDay(created: string): string | undefined {
  const time = Date.parse(created);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString().slice(0, 10);
}

/** The DOIs of a snapshot `doi` field: it may hold several, separated by spaces (or commas, semicolons). */
export const snapshotDois = (doi: string | null | undefined): string[] =>
  (doi ?? '').split(/[\s,;]+/).filter((d) => /^10\.\S+\/\S+/.test(d));

/** Maps a validated snapshot record to the stored paper shape; a record whose first date cannot be read is refused. */
export function snapshotToPaperInput(record: SnapshotRecord): PaperInput | string {
  const first = record.versions[0];
  const date = first ? utcDay(first.created) : undefined;
  if (!date) return `versions.0.created: not a date ("${first?.created ?? ''}")`;
  const [primary = ''] = record.categories.trim().split(/\s+/);
  const parsed = record.authors_parsed?.map(authorName).filter(Boolean);
  const authors = parsed?.length
    ? parsed
    : (record.authors ?? '')
        .split(/,|\band\b/)
        .map((a) => squeezeSpaces(decodeLatex(a)))
        .filter(Boolean);
  const version = Number(/^v(\d+)$/.exec(record.versions.at(-1)?.version ?? '')?.[1]);
  return {
    title: squeezeSpaces(decodeLatex(record.title)),
    authors,
    authorsTruncated: false,
    affiliations: [],
    abstract: record.abstract?.trim() ? squeezeSpaces(record.abstract) : null,
    date,
    category: toShortCategory(primary),
    categoryFull: primary,
    hasCode: false,
    codeUrl: null,
    arxivId: record.id.trim(),
    venue: null,
    citations: null,
    arxivVersion: Number.isInteger(version) && version > 0 ? version : null,
    doi: snapshotDois(record.doi)[0] ?? null,
    journalRef: record['journal-ref']?.trim() ? squeezeSpaces(record['journal-ref']) : null,
  };
}

/**
 * True when a file's first line is a snapshot record (a `.json` or `.json.gz` file in a folder is read only then).
 * Reads at most the first 1 MiB (decompressed as far as it goes for `.gz`).
 */
export function isSnapshotFile(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(1024 * 1024);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    let bytes = buffer.subarray(0, read);
    if (path.toLowerCase().endsWith('.gz'))
      bytes = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 8 * 1024 * 1024 });
    const text = bytes.toString('utf8');
    const end = text.indexOf('\n');
    // A file of one line without its newline, read whole, is its own first line.
    if (end < 0 && (read === buffer.length || path.toLowerCase().endsWith('.gz'))) return false;
    return isSnapshotRecord(JSON.parse(end < 0 ? text : text.slice(0, end)));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
