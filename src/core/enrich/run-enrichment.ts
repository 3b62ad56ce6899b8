import { isPaperboyError } from '../errors.ts';
import { type EnrichmentStore, refreshSchedule } from './enrichment-store.ts';
import type { PaperLookup } from './paper-lookup.ts';
import type { EnrichCandidate, ScholarlySource } from './scholarly.ts';

/** What `paperboy enrich --json` prints. */
export interface EnrichCounts {
  /** Papers considered (due at one service at least). */
  papers: number;
  /** Papers whose stored figures changed. */
  updated: number;
  /** Papers no service that answered knows. */
  notFound: number;
  /** Papers whose look-up at some service failed after retries (or was not made once that service kept failing). */
  failed: number;
  /** Authors resolved. */
  authors: number;
}

export interface EnrichRun extends EnrichCounts {
  /** Services that kept failing in this run (exit 1). */
  failedSources: ScholarlySource[];
  /** Why each of them failed, for the log. */
  errors: string[];
  /** True when another runner holds the lease: nothing was asked. */
  busy: boolean;
}

export interface EnrichOptions {
  store: EnrichmentStore;
  /** The services switched on, in order (OpenAlex first: its count wins on cards). */
  lookups: readonly PaperLookup[];
  clock: () => Date;
  /** Who runs it (host and pid): the lease's owner. */
  owner: string;
  /** Papers dated on or after this day (`YYYY-MM-DD`) only. */
  since?: string | undefined;
  /** At most this many papers considered. */
  limit?: number | undefined;
  signal?: AbortSignal | undefined;
  log?: (line: string) => void;
  /** How long a claim of the lease lasts; renewed before each batch (default 10 minutes). */
  leaseMs?: number;
}

export const ENRICH_LEASE = 'scholarly';
const NO_LIMIT = 1_000_000;

/**
 * One enrichment run: the papers due at each service (docs/enrichment.md, "Refresh schedule"), asked in batches,
 * figures stored as each batch answers (so a service failing later loses nothing already fetched). Only the
 * holder of the lease runs: two instances on one database ask for each paper once.
 */
export async function runEnrichment(options: EnrichOptions): Promise<EnrichRun> {
  const { store, lookups, clock, owner, signal } = options;
  const log = options.log ?? (() => {});
  const leaseMs = options.leaseMs ?? 10 * 60_000;
  const run: EnrichRun = {
    papers: 0,
    updated: 0,
    notFound: 0,
    failed: 0,
    authors: 0,
    failedSources: [],
    errors: [],
    busy: false,
  };
  if (!(await store.claim(ENRICH_LEASE, owner, clock().getTime(), leaseMs))) return { ...run, busy: true };
  try {
    const schedule = refreshSchedule(clock());
    const limit = options.limit ?? NO_LIMIT;
    const due = new Map<ScholarlySource, EnrichCandidate[]>();
    const considered = new Set<number>();
    for (const lookup of lookups) {
      const list = await store.due(lookup.source, {
        schedule,
        limit,
        ...(options.since ? { since: options.since } : {}),
      });
      const kept: EnrichCandidate[] = [];
      for (const paper of list) {
        if (!considered.has(paper.id) && considered.size >= limit) continue;
        considered.add(paper.id);
        kept.push(paper);
      }
      due.set(lookup.source, kept);
    }
    const updated = new Set<number>();
    const failed = new Set<number>();
    const found = new Set<number>();
    for (const lookup of lookups) {
      const papers = due.get(lookup.source) ?? [];
      for (let i = 0; i < papers.length; i += lookup.batchSize) {
        const batch = papers.slice(i, i + lookup.batchSize);
        signal?.throwIfAborted();
        if (!(await store.claim(ENRICH_LEASE, owner, clock().getTime(), leaseMs))) {
          // Another runner took over (this one stalled past its lease): leave the rest to it.
          for (const paper of papers.slice(i)) failed.add(paper.id);
          run.busy = true;
          break;
        }
        try {
          const figures = await lookup.lookup(batch, signal);
          const missing = batch.filter((p) => !figures.has(p.id)).map((p) => p.id);
          for (const id of figures.keys()) found.add(id);
          for (const id of await store.saveFigures(lookup.source, figures, missing, clock())) updated.add(id);
        } catch (error) {
          if (!isPaperboyError(error, 'scholarly_unavailable') && !isPaperboyError(error, 'scholarly_rejected'))
            throw error;
          // A service that kept failing is not asked again in this run: the rest of its papers count as failed.
          for (const paper of papers.slice(i)) failed.add(paper.id);
          run.failedSources.push(lookup.source);
          run.errors.push(error.message);
          log(`paperboy enrich: ${error.message}`);
          break;
        }
      }
    }
    run.papers = considered.size;
    run.updated = updated.size;
    run.failed = failed.size;
    run.notFound = [...considered].filter((id) => !found.has(id) && !failed.has(id)).length;
    return run;
  } finally {
    await store.release(ENRICH_LEASE, owner).catch(() => {});
  }
}
