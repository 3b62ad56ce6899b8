import { createArxivClient, oaiSetOf } from '../adapters/arxiv/arxiv-client.ts';
import { createProgressBar } from '../adapters/terminal/progress-bar.ts';
import { type Config, isArxivCategory, toCategories } from '../config.ts';
import { addArxivPapers } from '../core/arxiv/arxiv-add.ts';
import { runBackfill } from '../core/arxiv/arxiv-backfill.ts';
import { type SyncResult, syncListing } from '../core/arxiv/arxiv-sync.ts';
import { PaperboyError } from '../core/errors.ts';
import { recogniseLinks } from '../core/links/recognise-links.ts';
import { toPrintable } from '../core/text.ts';
import { type CliIo, EXIT, writeJson } from './io.ts';
import type { Stores } from './open-stores.ts';
import { interruptedExit } from './shutdown.ts';

/** The store and the arXiv state beside it (SQLite or PostgreSQL). */
type Store = Pick<Stores, 'store' | 'arxiv'>;

/** The arXiv client the configuration asks for; retries and waits are told on standard error. */
export const arxivClientFor = (config: Config, log: (line: string) => void) =>
  createArxivClient({
    feedUrl: config.ARXIV_FEED_URL,
    apiUrl: config.ARXIV_API_URL,
    oaiUrl: config.ARXIV_OAI_URL,
    contact: config.PAPERBOY_CONTACT,
    log,
  });

/**
 * The categories of a command: `--categories` when given, else `PAPERBOY_ARXIV_CATEGORIES`.
 *
 * @throws PaperboyError `usage` when there are none or one is not an arXiv category
 */
export function categoriesOf(flag: string | undefined, config: Config, command: string): string[] {
  const categories = flag !== undefined ? toCategories(flag) : (config.PAPERBOY_ARXIV_CATEGORIES ?? []);
  const bad = categories.find((c) => !isArxivCategory(c));
  if (bad !== undefined) {
    throw new PaperboyError(
      'usage',
      `"${bad}" is not an arXiv category. Give categories such as --categories cs.CL,cs.LG (arXiv's names: https://arxiv.org/category_taxonomy).`,
    );
  }
  if (!categories.length) {
    throw new PaperboyError(
      'usage',
      `arxiv ${command} needs categories: pass --categories cs.CL,cs.LG or set PAPERBOY_ARXIV_CATEGORIES=cs.CL,cs.LG in the environment or .env.`,
    );
  }
  return categories;
}

/** Ctrl-C while waiting for arXiv: a plain error saying nothing was stored, instead of the abort's reason. */
const stoppedBy =
  (io: CliIo) =>
  (error: unknown): never => {
    if (io.signal?.aborted) {
      throw new PaperboyError(
        'arxiv_unavailable',
        `stopped (${String(io.signal.reason)}) before arXiv answered; nothing was stored.`,
      );
    }
    throw error;
  };

const stderrLog = (io: CliIo) => (line: string) => io.stderr.write(toPrintable(`${line}\n`));

/** `paperboy arxiv sync`: one fetch of the daily listing, stored in one transaction. */
export async function runArxivSync(
  io: CliIo,
  stores: Store,
  config: Config,
  options: { categories?: string; json?: boolean },
): Promise<number> {
  const categories = categoriesOf(options.categories, config, 'sync');
  const client = arxivClientFor(config, stderrLog(io));
  const result = await syncListing({
    store: stores.store,
    state: stores.arxiv,
    fetchListing: (cats) => client.fetchListing(cats, io.signal).catch(stoppedBy(io)),
    categories,
    now: io.clock(),
  });
  if (options.json) writeJson(io, result);
  else io.stdout.write(toPrintable(`${describeSync(result)}\n`));
  return EXIT.ok;
}

/** One line on what a sync did. */
export function describeSync(r: SyncResult): string {
  if (r.quiet) {
    return `${r.feed}: quiet, nothing new (${r.updated ? `feed built ${r.updated}` : 'no build time'}; an empty weekend or holiday feed, or the same build as the last sync)`;
  }
  return `${r.feed}: ${r.entries} entries (${r.new} new, ${r.cross} cross-listed, ${r.replaced} replaced); ${r.newPapers} papers new to the index, announced in the next digests`;
}

/** `paperboy arxiv add ID_OR_LINK...`: looks papers up through arXiv's API and stores them, not announced. */
export async function runArxivAdd(
  io: CliIo,
  stores: Store,
  config: Config,
  args: readonly string[],
  options: { json?: boolean },
): Promise<number> {
  const ids: string[] = [];
  for (const arg of args) {
    const refs = recogniseLinks(arg);
    if (!refs.length) {
      throw new PaperboyError(
        'usage',
        `"${arg}" is not an arXiv id or link. Give ids such as 2310.13548 or hep-th/9901001, or links such as https://arxiv.org/abs/2310.13548.`,
      );
    }
    for (const ref of refs) {
      if (ref.kind !== 'arxiv') {
        throw new PaperboyError(
          'usage',
          `"${arg}" is a DOI (${ref.doi}), not an arXiv paper: arxiv add looks papers up on arXiv only. Give its arXiv id or link.`,
        );
      }
      ids.push(ref.id);
    }
  }
  const client = arxivClientFor(config, stderrLog(io));
  const result = await addArxivPapers(ids, {
    store: stores.store,
    lookup: (list) => client.lookup(list, io.signal).catch(stoppedBy(io)),
    now: io.clock(),
  });
  if (options.json) writeJson(io, result);
  else {
    io.stdout.write(
      toPrintable(
        `added ${result.papers.length} of ${result.requested.length} papers (${result.newPapers} new to the index; searchable, not announced in digests)\n`,
      ),
    );
  }
  if (result.missing.length) {
    io.stderr.write(toPrintable(`error: arXiv has no paper ${result.missing.join(', ')}. Check the ids.\n`));
    return EXIT.failed;
  }
  return EXIT.ok;
}

const isDay = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

/** `paperboy arxiv backfill --from DAY`: earlier papers through OAI-PMH, resumable, not announced. */
export async function runArxivBackfill(
  io: CliIo,
  stores: Store,
  config: Config,
  options: { from: string; until?: string; categories?: string; json?: boolean },
): Promise<number> {
  for (const [flag, value] of [
    ['--from', options.from],
    ['--until', options.until],
  ] as const) {
    if (value !== undefined && !isDay(value))
      throw new PaperboyError('usage', `${flag} must be a day such as 2025-05-30, got "${value}".`);
  }
  if (options.until !== undefined && options.until < options.from)
    throw new PaperboyError('usage', `--until ${options.until} is before --from ${options.from}.`);
  const categories = categoriesOf(options.categories, config, 'backfill');
  const client = arxivClientFor(config, stderrLog(io));
  const bar = createProgressBar(io.stderr, 'backfill (categories done)');
  const result = await runBackfill({
    store: stores.store,
    state: stores.arxiv,
    fetchPage: (request, signal) =>
      client.fetchOaiPage(
        'resumptionToken' in request ? request : { ...request, set: oaiSetOf(request.category) },
        signal,
      ),
    categories,
    from: options.from,
    ...(options.until ? { until: options.until } : {}),
    clock: io.clock,
    ...(io.signal ? { signal: io.signal } : {}),
    onPage: (p) => bar.update(p.categoriesDone, p.categories),
  });
  bar.done();
  if (options.json) writeJson(io, result);
  else {
    io.stdout.write(
      toPrintable(
        `backfill ${result.from}..${result.until ?? 'today'} ${result.categories.join(',')}: ${result.entries} records in ${result.pages} pages, ${result.newPapers} papers new to the index (searchable, not announced)${result.resumed ? '; continued where the last run stopped' : ''}\n`,
      ),
    );
  }
  if (!result.complete) {
    io.stderr.write('stopped before the end: run the same command again to continue where it stopped.\n');
    // SIGINT/SIGTERM: the pages done are committed; 130/143 as every one-shot command stopped by a signal.
    return io.signal?.aborted ? interruptedExit(io.signal) : EXIT.failed;
  }
  return EXIT.ok;
}
