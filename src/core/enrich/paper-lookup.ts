import type { EnrichCandidate, PaperFigures, ScholarlySource } from './scholarly.ts';

/** One service as enrichment asks it (an adapter implements it: src/adapters/openalex, src/adapters/semantic-scholar). */
export interface PaperLookup {
  source: ScholarlySource;
  /** Papers per request, within the service's documented limit. */
  batchSize: number;
  /**
   * What the service says of these papers, by paper id; papers it does not know are absent.
   * @throws PaperboyError `scholarly_unavailable` when it kept failing after retries, `scholarly_rejected` when it
   * refused the request or the key
   */
  lookup(papers: readonly EnrichCandidate[], signal?: AbortSignal): Promise<Map<number, PaperFigures>>;
}
