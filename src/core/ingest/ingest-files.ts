import { createHash } from 'node:crypto';
import { createReadStream, type Dirent, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { isPaperboyError, PaperboyError } from '../errors.ts';
import { parseProfile } from '../profile/parse-profile.ts';
import type { ParseMessage } from '../profile/profile-schema.ts';
import { type BusyRetryOptions, isDatabaseBusy, whenNotBusy } from '../store/busy.ts';
import type { PaperInput, PaperStore, SaveOutcome } from '../store/paper-store.ts';
import { isSnapshotFile, isSnapshotRecord, SnapshotRecordSchema, snapshotToPaperInput } from './arxiv-snapshot.ts';
import { boundedLines, RECORD_FILE_LIMITS, type RecordFileLimits } from './bounded-lines.ts';
import { createSummaryBuilder, type FileReport, type IngestSummary, statusOf } from './ingest-summary.ts';
import { PaperRecordSchema, toPaperInput } from './paper-record.ts';

export interface IngestProgress {
  done: number;
  total: number;
  path: string;
}

/** Within a record file: records read so far, and bytes of the file read of its size (compressed, for `.gz`). */
export interface RecordProgress {
  path: string;
  records: number;
  bytesRead: number;
  bytesTotal: number;
}

export interface IngestOptions {
  store: PaperStore;
  clock: () => Date;
  onProgress?: (progress: IngestProgress) => void;
  /** Told as a record file is read (every batch): a large file is minutes of work. */
  onRecordProgress?: (progress: RecordProgress) => void;
  /**
   * Announce every paper new to the index in the digests (`ingest --announce`). Without it, a record is announced
   * only when its full `YYYY-MM-DD` date is recent (see {@link isRecentDate}): a bulk import of old papers must not
   * flood the digests. Profile pages are always announced.
   */
  announceAll?: boolean;
  /** How long to wait, on a timer, for another process's write lock (default: up to a minute). */
  busy?: BusyRetryOptions;
  /** Once aborted, no further file is started; the files done are committed (a stopping `paperboy ingest`). */
  signal?: AbortSignal;
  /** Bounds on a record file (default {@link RECORD_FILE_LIMITS}); smaller in tests. */
  recordLimits?: RecordFileLimits;
  /** The largest profile page read, in bytes (default {@link PAGE_MAX_BYTES}). */
  pageMaxBytes?: number;
}

const RECORDS = /\.jsonl(\.gz)?$/i;
/** arXiv's metadata snapshot: `.json` or `.json.gz`, recognised by its first line. */
const SNAPSHOT = /\.json(\.gz)?$/i;
/** The largest profile page read (docs/limits.md): hundreds of times a long profile's few hundred KB. */
export const PAGE_MAX_BYTES = 16 * 1024 ** 2;
const PAGES = /\.txt$/i;
const BATCH = 2000;

/**
 * Lists the files an ingest of `paths` reads: files as given, folders recursively (`*.txt` pages,
 * `*.jsonl` and `*.jsonl.gz` records, `*.json` and `*.json.gz` files of arXiv's metadata snapshot), in a stable order. Paths that do not exist come back in `missing`.
 *
 * Symbolic links are followed, as a Kubernetes ConfigMap mount needs (`page.txt -> ..data/page.txt`,
 * `..data -> ..2026_01_01_00_00_00.1/`): each file comes once, under the first name found for it, with
 * names that do not start with a dot found first (so `page.txt` rather than `..2026…/page.txt`), and a
 * link back to a folder already walked (a cycle) is not walked again. Broken links are skipped.
 */
export function collectFiles(paths: readonly string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();
  const realOf = (path: string) => {
    try {
      return realpathSync(path);
    } catch {
      return undefined;
    }
  };
  const addFile = (path: string) => {
    const real = realOf(path) ?? path;
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    files.push(path);
  };
  const hiddenLast = (a: Dirent, b: Dirent) =>
    Number(a.name.startsWith('.')) - Number(b.name.startsWith('.')) || a.name.localeCompare(b.name);
  const walk = (dir: string) => {
    const real = realOf(dir);
    if (real === undefined || seenDirs.has(real)) return;
    seenDirs.add(real);
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort(hiddenLast)) {
      const full = join(dir, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = statSync(full);
          isDirectory = target.isDirectory();
          isFile = target.isFile();
        } catch {
          continue;
        }
      }
      if (isDirectory) walk(full);
      else if (isFile && (PAGES.test(entry.name) || RECORDS.test(entry.name))) addFile(full);
      // In a folder, a `.json` file is read only when its first line is an arXiv snapshot record.
      else if (isFile && SNAPSHOT.test(entry.name) && isSnapshotFile(full)) addFile(full);
    }
  };
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      missing.push(path);
      continue;
    }
    if (isDirectory) walk(path);
    else addFile(path);
  }
  return { files, missing };
}

/**
 * Loads profile pages and corpus records into the store, one transaction per file: a file that fails
 * leaves the database as it was, and the other files still load. Pages load before record files.
 *
 * @param paths - files and folders
 * @returns per-file reports and run totals (the `paperboy ingest --json` shape)
 */
export async function ingestPaths(paths: readonly string[], options: IngestOptions): Promise<IngestSummary> {
  const summary = createSummaryBuilder();
  const collected = collectFiles(paths);
  const { missing } = collected;
  // Pages first, then records: a record (the sample's arXiv ids beside its page) fills the gaps of a page's paper,
  // which the page announced, rather than storing it first under the records' announce rule.
  const isRecords = (path: string) => RECORDS.test(path) || SNAPSHOT.test(path);
  const files = [...collected.files.filter((f) => !isRecords(f)), ...collected.files.filter(isRecords)];
  for (const path of missing) {
    summary.addFile({
      path,
      status: 'error',
      papers: 0,
      messages: [{ severity: 'error', message: `${path}: no such file or folder. Check the path.` }],
    });
  }
  let done = 0;
  const batch = createCommitBatcher(options.store, options.busy);
  let yieldedAt = Date.now();
  try {
    for (const path of files) {
      // Pages are read and stored without giving the event loop a turn, and a SIGINT/SIGTERM handler or a
      // health probe only runs on one: give it one every so often, between commits (never inside the batch's
      // transaction). A running bot's watcher stops on the signal of its busy-wait options.
      if (!batch.isOpen() && Date.now() - yieldedAt >= YIELD_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        yieldedAt = Date.now();
      }
      if (options.signal?.aborted || options.busy?.signal?.aborted) break;
      let outcome: FileOutcome;
      if (RECORDS.test(path) || SNAPSHOT.test(path)) {
        await batch.flush();
        outcome = await ingestRecordFile(path, options);
      } else {
        outcome = await ingestProfileFile(path, options, batch.open);
        await batch.maybeFlush();
      }
      summary.addFile(outcome.report, outcome.papers, outcome);
      options.onProgress?.({ done: ++done, total: files.length, path });
    }
    await batch.flush();
  } finally {
    await options.store.rollback();
  }
  return summary.build();
}

const BATCH_MS = 500;
const YIELD_MS = 50;

/**
 * Groups the per-file transactions of many small pages into one commit every half second. Each page still
 * runs in its own savepoint, so a page that fails leaves no trace; a commit per page would flush SQLite's
 * full-text index into a new segment each time and make a large ingest several times slower. A process
 * killed mid-run loses at most the last half second of pages, none of them partly, and never what was
 * there before.
 */
function createCommitBatcher(store: PaperStore, busy: BusyRetryOptions | undefined) {
  let openedAt: number | undefined;
  return {
    // Opened only when a page needs writing, so a folder of unchanged pages never asks for the write lock;
    // a lock held by another process is waited for on a timer, not inside SQLite.
    open: async () => {
      if (openedAt === undefined) {
        await whenNotBusy(() => store.begin(), busy);
        openedAt = Date.now();
      }
    },
    isOpen: () => openedAt !== undefined,
    async maybeFlush() {
      if (openedAt !== undefined && Date.now() - openedAt >= BATCH_MS) await this.flush();
    },
    async flush() {
      if (openedAt !== undefined) await store.commit();
      openedAt = undefined;
    },
  };
}

interface FileOutcome {
  report: FileReport;
  papers?: Map<number, SaveOutcome>;
  /** Records (corpus lines, or a page's paper blocks) the file held that were stored. */
  records?: number;
  /** Papers new to the index that this file announced to the digests. */
  announced?: number;
}

/** How many days before the import's clock a record's date may be and still be announced (docs/digests.md). */
export const RECENT_DAYS = 7;

/**
 * True when a record's date is a full `YYYY-MM-DD` no more than {@link RECENT_DAYS} days before `now` (UTC days;
 * a day ahead is allowed for time zones). A year alone (`2023`) is never recent.
 * @example isRecentDate('2026-12-05', new Date('2026-12-08T03:00:00Z')) // true
 */
export function isRecentDate(date: string, now: Date): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return false;
  const day = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const days = (today - day) / 86_400_000;
  return days >= -1 && days <= RECENT_DAYS;
}

const failed = (path: string, error: unknown): FileOutcome => {
  const message = isPaperboyError(error) ? error.message : `${path}: ${(error as Error).message ?? String(error)}`;
  return { report: { path, status: 'error', papers: 0, messages: [{ severity: 'error', message }] } };
};

/**
 * Reads, parses and stores one profile page. A page stored already with the same bytes is answered from a
 * read; `beforeWrite` runs only when the page must be written (it opens the batch transaction).
 * A busy database is not the page's fault: that error is thrown, never reported as a rejected file.
 */
export async function ingestProfileFile(
  path: string,
  { store, clock, busy, pageMaxBytes = PAGE_MAX_BYTES }: IngestOptions,
  beforeWrite?: () => Promise<void>,
): Promise<FileOutcome> {
  try {
    // Sized before it is read: a page of hundreds of MB would cost the read, the hash and the parse every
    // time it changes, and a running bot's watcher does that between two chat answers.
    const size = statSync(path).size;
    if (size > pageMaxBytes)
      throw new PaperboyError(
        'file_unreadable',
        `${path}: ${Math.round((size / 1024 ** 2) * 10) / 10} MiB is too large for a profile page (at most ${pageMaxBytes / 1024 ** 2} MiB; the sample page is 25 KB). Split it, or check that it is a profile page.`,
      );
    const bytes = readFileSync(path);
    const contentHash = createHash('sha1').update(bytes).digest('hex');
    const { profile, warnings } = parseProfile(bytes.toString('utf8'), path);
    let saved = await store.unchangedProfile(profile.name, contentHash);
    if (!saved) {
      if (beforeWrite) await beforeWrite();
      const save = () => store.saveProfile(profile, { path, contentHash }, clock());
      saved = beforeWrite ? await save() : await whenNotBusy(save, busy);
    }
    const messages = warnings.map((w) => ({ ...w, message: `${path} line ${w.line}: ${w.message}` }));
    return {
      report: { path, status: statusOf(messages), profile: profile.name, papers: saved.papers.size, messages },
      papers: saved.papers,
      records: profile.papers.length,
      // A team adds the page of someone it follows: its new papers are announced, whatever their dates.
      announced: [...saved.papers.values()].filter((o) => o === 'new').length,
    };
  } catch (error) {
    if (isDatabaseBusy(error)) throw error;
    return failed(path, error);
  }
}

/**
 * Streams a JSON Lines corpus file into the store in one transaction; bad lines are reported and skipped. Records
 * with a recent date (or all, with `announceAll`) are announced; the others are stored without announcing.
 */
export async function ingestRecordFile(path: string, options: IngestOptions): Promise<FileOutcome> {
  const { store, clock, busy, recordLimits } = options;
  const messages: ParseMessage[] = [];
  const papers = new Map<number, SaveOutcome>();
  const now = clock();
  const batch: { recent: PaperInput[]; old: PaperInput[] } = { recent: [], old: [] };
  let lineNumber = 0;
  let records = 0;
  let announced = 0;
  let bytesRead = 0;
  const bytesTotal = statSync(path).size;
  const save = async (inputs: PaperInput[], announce: boolean) => {
    if (inputs.length === 0) return;
    const withRule = inputs.map((p) => ({ ...p, announce }));
    for (const [id, outcome] of await store.savePapers(withRule, now)) {
      if (papers.has(id)) continue;
      papers.set(id, outcome);
      if (announce && outcome === 'new') announced++;
    }
  };
  const flush = async () => {
    await save(batch.recent, true);
    await save(batch.old, false);
    batch.recent = [];
    batch.old = [];
    options.onRecordProgress?.({ path, records, bytesRead, bytesTotal });
  };
  await whenNotBusy(() => store.begin(), busy);
  const input = createReadStream(path);
  try {
    input.on('data', (chunk) => {
      bytesRead += chunk.length;
    });
    // Read as bytes with bounds, not through readline: a line with no end (a gzip bomb of zeros, a 600 MB line)
    // grew one string until `RangeError: Invalid string length` killed the process, naming no file.
    const stream = path.toLowerCase().endsWith('.gz') ? input.pipe(createGunzip()) : input;
    for await (const line of boundedLines(stream, path, recordLimits)) {
      lineNumber++;
      if (line.trim() === '') continue;
      const read = readRecord(line);
      if (typeof read === 'string') {
        if (messages.length < 100)
          messages.push({ line: lineNumber, severity: 'warning', message: `${path} line ${lineNumber}: ${read}` });
        continue;
      }
      records++;
      (options.announceAll || isRecentDate(read.date ?? '', now) ? batch.recent : batch.old).push(read);
      if (batch.recent.length + batch.old.length >= BATCH) await flush();
    }
    await flush();
    if (records === 0) {
      await store.rollback();
      const message = `${path}: no paper records found (${lineNumber} lines read). Each line must be a JSON paper record.`;
      return { report: { path, status: 'error', papers: 0, messages: [...messages, { severity: 'error', message }] } };
    }
    await store.commit();
  } catch (error) {
    await store.rollback();
    return failed(path, error);
  } finally {
    input.destroy();
  }
  return { report: { path, status: statusOf(messages), papers: papers.size, messages }, papers, records, announced };
}

/** The paper of one JSON line, or what is wrong with the line. */
function readRecord(line: string): PaperInput | string {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return `not valid JSON ("${line.slice(0, 40)}"). Each line must be one JSON paper record.`;
  }
  // A line of arXiv's metadata snapshot (recognised by its fields), or a corpus record.
  if (isSnapshotRecord(json)) {
    const record = SnapshotRecordSchema.safeParse(json);
    if (!record.success) {
      const issues = record.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; ');
      return `not an arXiv snapshot record (${issues}).`;
    }
    const paper = snapshotToPaperInput(record.data);
    return typeof paper === 'string' ? `not an arXiv snapshot record (${paper}).` : paper;
  }
  const parsed = PaperRecordSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; ');
    return `not a paper record (${issues}).`;
  }
  return toPaperInput(parsed.data);
}
