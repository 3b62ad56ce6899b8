import type { ArxivEntry, ArxivLookup, ArxivSource } from '../arxiv/arxiv-entry.ts';
import type { LookupLimiter } from './lookup-limits.ts';
import type { PaperRef } from './recognise-links.ts';

/** What the link lookup needs from the store (`PaperStore` has all of it). */
export interface LinkStore {
  findByArxivIds(ids: readonly string[]): Promise<Map<string, number>>;
  findByDoi(doi: string): Promise<number | undefined>;
  saveArxivEntries(entries: readonly ArxivEntry[], source: ArxivSource, now: Date): Promise<{ paperIds: number[] }>;
}

/**
 * Why a ref found no paper: the index does not hold it (and arXiv was not asked or does not know it), arXiv could
 * not be reached, or too many look-ups were pending to ask it now ({@link LOOKUP_LIMITS}).
 */
export type MissReason = 'not_held' | 'unreachable' | 'busy';

export type Resolved = { ref: PaperRef; paperId: number } | { ref: PaperRef; paperId: null; reason: MissReason };

export interface LookupOptions {
  store: LinkStore;
  /** arXiv's API; absent when `PAPERBOY_ARXIV_LOOKUP` is `off` (then only the index answers). */
  arxiv?: ArxivLookup | undefined;
  clock?: () => Date;
  /** Told when arXiv could not be reached (the answer then says "not in the index"). */
  onLookupError?: ((error: unknown) => void) | undefined;
  /**
   * At most this many ids are looked up on arXiv (the first ones the index lacks); the others stay `not_held`.
   * A chat answer shows 5 cards: a message of hundreds of ids must not make the bot fetch and store them all.
   */
  maxLookups?: number;
  /** Bounds on pending look-ups; past them the refs stay `busy` and arXiv is not asked. */
  limiter?: LookupLimiter | undefined;
  /** Who asks (platform, space, user), for the per-person bound. */
  requester?: string;
}

/** The refs the index holds, by arXiv id (version ignored) or by DOI; the others as `not_held`. No network. */
export async function findHeld(refs: readonly PaperRef[], store: LinkStore): Promise<Resolved[]> {
  const ids = refs.flatMap((ref) => (ref.kind === 'arxiv' ? [ref.id] : []));
  const byId = ids.length ? await store.findByArxivIds(ids) : new Map<string, number>();
  const resolved: Resolved[] = [];
  for (const ref of refs) {
    const paperId = ref.kind === 'arxiv' ? byId.get(ref.id) : await store.findByDoi(ref.doi);
    resolved.push(paperId === undefined ? { ref, paperId: null, reason: 'not_held' } : { ref, paperId });
  }
  return resolved;
}

/** True when answering these refs may ask arXiv (some arXiv id is not held and a lookup is configured): adapters defer first. */
export async function mayWait(refs: readonly PaperRef[], { store, arxiv }: LookupOptions): Promise<boolean> {
  return !!arxiv && (await findHeld(refs, store)).some((r) => r.paperId === null && r.ref.kind === 'arxiv');
}

/**
 * Resolves refs to papers: from the index first; arXiv ids it does not hold are looked up through arXiv (one
 * request for all of them) when `arxiv` is given, stored with source `lookup` (never announced in digests), and
 * answered. DOIs are only found in the index. A failed lookup leaves those refs `unreachable`, never throws.
 */
export async function resolveRefs(refs: readonly PaperRef[], options: LookupOptions): Promise<Resolved[]> {
  const { store, arxiv, clock = () => new Date() } = options;
  const held = await findHeld(refs, store);
  const missing = held
    .flatMap((r) => (r.paperId === null && r.ref.kind === 'arxiv' ? [r.ref.id] : []))
    .slice(0, options.maxLookups ?? Number.POSITIVE_INFINITY);
  if (!arxiv || missing.length === 0) return held;
  const asked = new Set(missing);
  const missed = (reason: MissReason): Resolved[] =>
    held.map((r) => (r.paperId === null && r.ref.kind === 'arxiv' && asked.has(r.ref.id) ? { ...r, reason } : r));
  const release = options.limiter ? options.limiter.tryStart(options.requester ?? 'someone') : () => {};
  if (!release) return missed('busy');
  let entries: ArxivEntry[];
  try {
    entries = await arxiv(missing);
  } catch (error) {
    options.onLookupError?.(error);
    return missed('unreachable');
  } finally {
    release();
  }
  const wanted = new Set(missing);
  const found = entries.filter((e) => wanted.has(e.arxivId));
  if (found.length) await store.saveArxivEntries(found, 'lookup', clock());
  const byId = await store.findByArxivIds(missing);
  return held.map((r) => {
    if (r.paperId !== null || r.ref.kind !== 'arxiv') return r;
    const paperId = byId.get(r.ref.id);
    return paperId === undefined ? r : { ref: r.ref, paperId };
  });
}
