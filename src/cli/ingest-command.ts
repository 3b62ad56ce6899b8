import { createProgressBar } from '../adapters/terminal/progress-bar.ts';
import { refreshPaperFeatures } from '../core/foryou/paper-features.ts';
import type { TasteStore } from '../core/foryou/taste-store.ts';
import { ingestPaths } from '../core/ingest/ingest-files.ts';
import type { IngestSummary } from '../core/ingest/ingest-summary.ts';
import { refreshSnapshot } from '../core/search/open-search.ts';
import type { PaperStore } from '../core/store/paper-store.ts';
import { countOf, toPrintable } from '../core/text.ts';
import { type CliIo, EXIT, writeJson } from './io.ts';
import { interruptedExit } from './shutdown.ts';

/**
 * `paperboy ingest PATH...`: loads pages and records, leaves the search snapshot beside the database current
 * (when `dbPath` is given), prints a summary, exit 1 when a file was rejected.
 */
export async function runIngest(
  paths: string[],
  store: PaperStore,
  io: CliIo,
  json: boolean,
  dbPath?: string,
  taste?: TasteStore,
  { announceAll = false }: { announceAll?: boolean } = {},
): Promise<number> {
  const bar = createProgressBar(io.stderr, 'ingesting');
  let files = { done: 0, total: 0 };
  const summary = await ingestPaths(paths, {
    store,
    clock: io.clock,
    announceAll,
    onProgress: ({ done, total }) => {
      files = { done, total };
      bar.update(done, total);
    },
    // A large record file is one file for minutes: its bar counts its bytes, and says how many records so far.
    onRecordProgress: ({ records, bytesRead, bytesTotal }) =>
      bar.update(bytesRead, bytesTotal, `${formatCount(records)} records · file ${files.done + 1}/${files.total || 1}`),
    ...(io.signal ? { signal: io.signal } : {}),
  });
  bar.done();
  // docs/search.md: the first search after an ingest loads the snapshot instead of reading every paper.
  // The papers are committed by now: a snapshot that cannot be written is a warning, not a failed ingest.
  let snapshotError: unknown;
  if (dbPath !== undefined) {
    try {
      await refreshSnapshot(store, dbPath);
    } catch (error) {
      snapshotError = error;
    }
  }
  // docs/foryou.md: each paper's text features are made at ingest, so `recommend` only reads them.
  if (taste && !io.signal?.aborted) {
    const features = createProgressBar(io.stderr, 'text features');
    await refreshPaperFeatures(store, taste, (done) => features.update(done, summary.totals.papers));
    features.done();
  }
  if (json) writeJson(io, summary);
  else io.stdout.write(toPrintable(formatSummary(summary)));
  if (snapshotError !== undefined)
    io.stderr.write(
      toPrintable(
        `warning: the search snapshot could not be written (${snapshotError instanceof Error ? snapshotError.message : String(snapshotError)}); searches read the database instead, slowly, until it can be.\n`,
      ),
    );
  const rejected = summary.files.filter((f) => f.status === 'error');
  for (const file of rejected) for (const m of file.messages) io.stderr.write(toPrintable(`error: ${m.message}\n`));
  // Stopped by SIGINT/SIGTERM: the files read are committed; the rest were never started.
  if (io.signal?.aborted) return interruptedExit(io.signal);
  return rejected.length ? EXIT.failed : EXIT.ok;
}

const MAX_LISTED = 20;

const formatCount = (n: number): string => n.toLocaleString('en-US');

export function formatSummary({ files, totals }: IngestSummary): string {
  const count = (status: string) => files.filter((f) => f.status === status).length;
  const lines = [
    `files read: ${files.length} (${count('ok')} ok, ${count('warning')} with warnings, ${count('error')} rejected)`,
    `profiles: ${totals.profiles}`,
    `papers: ${totals.papers} (${totals.newPapers} new, ${totals.updatedPapers} updated, ${totals.unchangedPapers} unchanged)`,
    `${countOf(totals.papers, 'paper')} from ${countOf(totals.records, 'record')}: ${formatCount(totals.merged)} merged into papers the index had`,
    `announced in digests: ${countOf(totals.announced, 'new paper')} (records dated in the last 7 days and profile pages; --announce for all)`,
  ];
  const warnings = files.flatMap((f) => f.messages.filter((m) => m.severity === 'warning'));
  if (warnings.length) {
    lines.push(`warnings: ${warnings.length}`);
    for (const w of warnings.slice(0, MAX_LISTED)) lines.push(`  ${w.message}`);
    if (warnings.length > MAX_LISTED) lines.push(`  … and ${warnings.length - MAX_LISTED} more (see --json)`);
  }
  return `${lines.join('\n')}\n`;
}
