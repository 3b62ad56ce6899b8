import { z } from 'zod';
import type { PaperLookup } from '../../core/enrich/paper-lookup.ts';
import { type EnrichCandidate, type PaperFigures, publishedDoi } from '../../core/enrich/scholarly.ts';
import { PaperboyError } from '../../core/errors.ts';
import { createScholarlyHttp, errorText, type ScholarlyHttpOptions } from '../scholarly-http.ts';

export const SEMANTIC_SCHOLAR_DEFAULT_URL = 'https://api.semanticscholar.org/graph/v1';
/** Paper ids one `POST /paper/batch` may hold ("Can only process 500 paper ids at a time"). */
export const S2_BATCH_IDS = 500;
/** New keys get 1 request a second on every endpoint; the keyless pool is shared and often answers 429. */
const MIN_INTERVAL_MS = 1_100;
export const S2_FIELDS = 'citationCount,externalIds,venue,journal,tldr';

const PaperSchema = z.object({
  paperId: z.string(),
  citationCount: z.number().int().nullish(),
  externalIds: z.record(z.string(), z.union([z.string(), z.number()])).nullish(),
  venue: z.string().nullish(),
  journal: z.object({ name: z.string().nullish() }).nullish(),
  tldr: z.object({ text: z.string().nullish() }).nullish(),
});
const BatchSchema = z.array(PaperSchema.nullable());
type S2Paper = z.infer<typeof PaperSchema>;

export interface SemanticScholarClientOptions
  extends Omit<ScholarlyHttpOptions, 'service' | 'urlSetting' | 'headers' | 'minIntervalMs'> {
  baseUrl?: string;
  /** `SEMANTIC_SCHOLAR_API_KEY`: sent as `x-api-key`, never in a URL. */
  apiKey?: string | undefined;
  minIntervalMs?: number;
}

/** How Semantic Scholar is asked for a paper: `ARXIV:ID` when it has an arXiv id, else `DOI:…`. */
export function s2IdOf(paper: EnrichCandidate): string | undefined {
  if (paper.arxivId) return `ARXIV:${paper.arxivId}`;
  return paper.doi ? `DOI:${paper.doi.replace(/^https?:\/\/(?:dx\.)?doi\.org\//i, '')}` : undefined;
}

const isArxivVenue = (name: string | null | undefined) => !name || /^arxiv(?:\.org)?$/i.test(name.trim());

/** A paper's figures: its citations, TL;DR, and its DOI and venue when published (arXiv's own are left out). */
export function toS2Figures(paper: S2Paper): PaperFigures {
  const doi = publishedDoi(typeof paper.externalIds?.DOI === 'string' ? paper.externalIds.DOI : null);
  const venue = !isArxivVenue(paper.venue)
    ? (paper.venue as string)
    : !isArxivVenue(paper.journal?.name)
      ? (paper.journal?.name as string)
      : null;
  return {
    source: 'semantic_scholar',
    citations: paper.citationCount ?? null,
    byYear: [],
    doi,
    venue,
    tldr: paper.tldr?.text?.trim() || null,
  };
}

/**
 * Semantic Scholar's Graph API, politely: `POST /paper/batch` with up to 500 ids (`ARXIV:ID` or `DOI:…`), `null`
 * answering an unknown id; 429 backed off exponentially (it sends no Retry-After); the key in `x-api-key`.
 */
export function createSemanticScholarClient(options: SemanticScholarClientOptions): PaperLookup & {
  check(signal?: AbortSignal): Promise<{ keyAccepted: boolean | undefined }>;
} {
  const base = (options.baseUrl ?? SEMANTIC_SCHOLAR_DEFAULT_URL).replace(/\/+$/, '');
  const http = createScholarlyHttp({
    ...options,
    minIntervalMs: options.minIntervalMs ?? MIN_INTERVAL_MS,
    service: 'Semantic Scholar',
    urlSetting: 'SEMANTIC_SCHOLAR_URL',
    headers: options.apiKey ? { 'x-api-key': options.apiKey } : {},
  });
  const refused = (status: number, json: unknown, what: string): PaperboyError =>
    new PaperboyError(
      'scholarly_rejected',
      status === 401 || status === 403
        ? `Semantic Scholar refused the API key (HTTP ${status}: ${errorText(json)}). Check SEMANTIC_SCHOLAR_API_KEY, or unset it.`
        : `Semantic Scholar refused ${what} (HTTP ${status}: ${errorText(json)}).`,
    );

  return {
    source: 'semantic_scholar',
    batchSize: S2_BATCH_IDS,
    async lookup(papers, signal) {
      const asked = papers.flatMap((paper) => {
        const id = s2IdOf(paper);
        return id ? [{ id, paper: paper.id }] : [];
      });
      const found = new Map<number, PaperFigures>();
      for (let i = 0; i < asked.length; i += S2_BATCH_IDS) {
        const chunk = asked.slice(i, i + S2_BATCH_IDS);
        const answer = await http.request(
          `${base}/paper/batch?${new URLSearchParams({ fields: S2_FIELDS })}`,
          { method: 'POST', body: JSON.stringify({ ids: chunk.map((c) => c.id) }) },
          signal,
        );
        if (answer.status !== 200) throw refused(answer.status, answer.json, 'a batch look-up');
        const batch = BatchSchema.safeParse(answer.json);
        if (!batch.success || batch.data.length !== chunk.length)
          throw new PaperboyError('scholarly_rejected', 'Semantic Scholar answered a batch in an unknown shape.');
        batch.data.forEach((paper, k) => {
          const asker = chunk[k];
          if (paper && asker) found.set(asker.paper, toS2Figures(paper));
        });
      }
      return found;
    },
    /** Reachable, and the key accepted (a 403 says it is not): one singleton look-up. */
    async check(signal) {
      const answer = await http.request(
        `${base}/paper/ARXIV:1706.03762?${new URLSearchParams({ fields: 'title' })}`,
        { method: 'GET' },
        signal,
      );
      if (answer.status === 401 || answer.status === 403) return { keyAccepted: options.apiKey ? false : undefined };
      if (answer.status !== 200 && answer.status !== 404) throw refused(answer.status, answer.json, 'a paper look-up');
      return { keyAccepted: options.apiKey ? true : undefined };
    },
  };
}
