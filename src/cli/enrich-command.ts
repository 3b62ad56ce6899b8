import type { Config } from '../config.ts';
import { resolveProfileAuthors } from '../core/enrich/author-figures.ts';
import { runEnrichment } from '../core/enrich/run-enrichment.ts';
import { isPaperboyError, PaperboyError } from '../core/errors.ts';
import { toPrintable } from '../core/text.ts';
import { type CliIo, EXIT, writeJson } from './io.ts';
import type { Stores } from './open-stores.ts';
import { enrichOwner, openAlexClientFor, semanticScholarClientFor } from './scholarly-clients.ts';

/**
 * The services `enrich` may ask.
 * @throws PaperboyError `usage` when both are off, naming the variables
 */
export function requireServices(config: Config): void {
  if (config.PAPERBOY_OPENALEX === 'off' && config.PAPERBOY_SEMANTIC_SCHOLAR === 'off') {
    throw new PaperboyError(
      'usage',
      'enrich has no service to ask: both are off. Set PAPERBOY_OPENALEX=on (citations, published versions) and/or PAPERBOY_SEMANTIC_SCHOLAR=on (citations, TL;DRs) in the environment or .env.',
    );
  }
}

/** `--since YYYY-MM-DD`. @throws PaperboyError `usage` */
export function sinceOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))
    throw new PaperboyError('usage', `--since takes a day such as 2026-01-31 (the paper's date), got "${value}".`);
  return value;
}

/**
 * `paperboy enrich`: asks the services switched on about the papers that are due (docs/enrichment.md) and stores
 * what they say. Exit 0 when the run finished, 1 when a service kept failing (what was fetched is kept).
 */
export async function runEnrich(
  io: CliIo,
  stores: Pick<Stores, 'enrichment' | 'store'>,
  config: Config,
  options: { since?: string; limit?: number; json?: boolean },
): Promise<number> {
  const log = (line: string) => io.stderr.write(toPrintable(`${line}\n`));
  const openalex = openAlexClientFor(config, log);
  const semanticScholar = semanticScholarClientFor(config, log);
  const run = await runEnrichment({
    store: stores.enrichment,
    lookups: [openalex, semanticScholar].filter((c) => c !== undefined),
    clock: io.clock,
    owner: enrichOwner(),
    since: sinceOf(options.since),
    limit: options.limit,
    signal: io.signal,
    log,
  });
  // Authors with a profile page, resolved at OpenAlex (never a namesake), within the daily cap.
  if (openalex && !run.busy && !run.failedSources.includes('openalex')) {
    try {
      run.authors = await resolveProfileAuthors({
        store: stores.store,
        enrichment: stores.enrichment,
        source: openalex,
        clock: io.clock,
        signal: io.signal,
      });
    } catch (error) {
      if (!isPaperboyError(error, 'scholarly_unavailable') && !isPaperboyError(error, 'scholarly_rejected'))
        throw error;
      log(`paperboy enrich: ${error.message}`);
      run.failedSources.push('openalex');
    }
  }
  if (run.busy && run.papers === 0)
    log('paperboy enrich: another instance is enriching this database now; nothing asked.');
  const counts = {
    papers: run.papers,
    updated: run.updated,
    notFound: run.notFound,
    failed: run.failed,
    authors: run.authors,
  };
  if (options.json) writeJson(io, counts);
  else
    io.stdout.write(
      `${counts.papers} papers considered: ${counts.updated} updated, ${counts.notFound} not known to the services, ${counts.failed} failed; ${counts.authors} authors resolved\n`,
    );
  return run.failedSources.length > 0 ? EXIT.failed : EXIT.ok;
}
