import { z } from 'zod';
import type { AuthorCandidate, AuthorSource } from '../../core/enrich/author-figures.ts';
import type { PaperLookup } from '../../core/enrich/paper-lookup.ts';
import {
  arxivDoiOf,
  bareDoi,
  type EnrichCandidate,
  type PaperFigures,
  publishedDoi,
} from '../../core/enrich/scholarly.ts';
import { PaperboyError } from '../../core/errors.ts';
import { createScholarlyHttp, errorText, type ScholarlyHttpOptions } from '../scholarly-http.ts';

export const OPENALEX_DEFAULT_URL = 'https://api.openalex.org';
/** Values one `filter=doi:A|B|…` may hold (OpenAlex's `MAX_IDS_IN_FILTER`). */
export const OPENALEX_FILTER_VALUES = 100;
/** The largest page OpenAlex serves. */
const PER_PAGE = 200;
/** 10 requests a second is the anonymous cap; staying well under it leaves room for others on this address. */
const MIN_INTERVAL_MS = 200;
const SELECT = 'id,doi,cited_by_count,counts_by_year,primary_location,type';

const WorkSchema = z.object({
  id: z.string(),
  doi: z.string().nullish(),
  cited_by_count: z.number().int().nullish(),
  counts_by_year: z.array(z.object({ year: z.number().int(), cited_by_count: z.number().int() })).nullish(),
  primary_location: z
    .object({ source: z.object({ display_name: z.string().nullish(), type: z.string().nullish() }).nullish() })
    .nullish(),
});
const WorksPageSchema = z.object({
  meta: z.object({ count: z.number().int(), next_cursor: z.string().nullish() }),
  results: z.array(WorkSchema),
});
type Work = z.infer<typeof WorkSchema>;

export const AuthorSchema = z.object({
  id: z.string(),
  display_name: z.string(),
  works_count: z.number().int().nullish(),
  cited_by_count: z.number().int().nullish(),
  summary_stats: z.object({ h_index: z.number().int().nullish() }).nullish(),
});
const AuthorsPageSchema = z.object({ meta: z.object({ count: z.number().int() }), results: z.array(AuthorSchema) });
export type OpenAlexAuthor = z.infer<typeof AuthorSchema>;

export interface OpenAlexClientOptions
  extends Omit<ScholarlyHttpOptions, 'service' | 'urlSetting' | 'headers' | 'minIntervalMs'> {
  baseUrl?: string;
  /** `OPENALEX_API_KEY`: sent as `Authorization: Bearer`, never in a URL (URLs reach logs). */
  apiKey?: string | undefined;
  minIntervalMs?: number;
}

const toCandidate = (author: OpenAlexAuthor): AuthorCandidate => ({
  id: author.id,
  displayName: author.display_name,
  hIndex: author.summary_stats?.h_index ?? null,
  citations: author.cited_by_count ?? null,
});

/** The DOI a paper is asked for at OpenAlex: its published DOI, else arXiv's DataCite DOI (lower case, bare). */
export function openAlexKeyOf(paper: EnrichCandidate): string | undefined {
  const own = publishedDoi(paper.doi);
  if (own) return own;
  if (paper.arxivId) return bareDoi(arxivDoiOf(paper.arxivId));
  return paper.doi ? bareDoi(paper.doi) : undefined;
}

/** A work's figures: its citations (per year too), its DOI and venue when it is a published version. */
export function toOpenAlexFigures(work: Work): PaperFigures {
  const doi = publishedDoi(work.doi);
  const source = work.primary_location?.source;
  const venue = doi && source?.display_name && source.type !== 'repository' ? source.display_name : null;
  return {
    source: 'openalex',
    citations: work.cited_by_count ?? null,
    byYear: (work.counts_by_year ?? [])
      .map((y) => ({ year: y.year, count: y.cited_by_count }))
      .sort((a, b) => a.year - b.year),
    doi,
    venue,
    tldr: null,
  };
}

/**
 * OpenAlex's works and authors, politely: DOIs looked up 100 to a request (`filter=doi:A|B|…`, cursor paging,
 * absent DOIs simply missing), arXiv papers by their DataCite DOI `10.48550/arXiv.ID`, the key in a header.
 */
export function createOpenAlexClient(options: OpenAlexClientOptions): PaperLookup &
  AuthorSource & {
    check(signal?: AbortSignal): Promise<{ keyAccepted: boolean | undefined }>;
  } {
  const base = (options.baseUrl ?? OPENALEX_DEFAULT_URL).replace(/\/+$/, '');
  const http = createScholarlyHttp({
    ...options,
    minIntervalMs: options.minIntervalMs ?? MIN_INTERVAL_MS,
    service: 'OpenAlex',
    urlSetting: 'OPENALEX_URL',
    headers: options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {},
  });

  const refused = (status: number, json: unknown, what: string): PaperboyError =>
    new PaperboyError(
      'scholarly_rejected',
      status === 401 || status === 403
        ? `OpenAlex refused the API key (HTTP ${status}: ${errorText(json)}). Check OPENALEX_API_KEY, or unset it.`
        : `OpenAlex refused ${what} (HTTP ${status}: ${errorText(json)}).`,
    );

  /** Every work of a `filter`, following the cursor until it is null or a page is empty. */
  async function listWorks(filter: string, signal?: AbortSignal): Promise<Work[]> {
    const works: Work[] = [];
    for (let cursor: string | null | undefined = '*'; cursor; ) {
      const params = new URLSearchParams({ filter, 'per-page': String(PER_PAGE), select: SELECT, cursor });
      const answer = await http.request(`${base}/works?${params}`, { method: 'GET' }, signal);
      if (answer.status !== 200) throw refused(answer.status, answer.json, 'a works look-up');
      const page = WorksPageSchema.safeParse(answer.json);
      if (!page.success)
        throw new PaperboyError('scholarly_rejected', 'OpenAlex answered a works list in an unknown shape.');
      works.push(...page.data.results);
      cursor = page.data.results.length > 0 ? page.data.meta.next_cursor : null;
    }
    return works;
  }

  return {
    source: 'openalex',
    batchSize: OPENALEX_FILTER_VALUES,
    async lookup(papers, signal) {
      const byKey = new Map<string, number[]>();
      for (const paper of papers) {
        const key = openAlexKeyOf(paper);
        // `|` and `,` separate filter values and filters: such a DOI cannot be asked in a list.
        if (!key || /[|,]/.test(key)) continue;
        byKey.set(key, [...(byKey.get(key) ?? []), paper.id]);
      }
      const found = new Map<number, PaperFigures>();
      const keys = [...byKey.keys()];
      for (let i = 0; i < keys.length; i += OPENALEX_FILTER_VALUES) {
        const chunk = keys.slice(i, i + OPENALEX_FILTER_VALUES);
        for (const work of await listWorks(`doi:${chunk.join('|')}`, signal)) {
          if (!work.doi) continue;
          for (const id of byKey.get(bareDoi(work.doi)) ?? []) found.set(id, toOpenAlexFigures(work));
        }
      }
      return found;
    },
    /** Authors whose name matches (`search=`, a list call: billed). */
    async searchAuthors(name, signal) {
      const params = new URLSearchParams({ search: name, 'per-page': '10' });
      const answer = await http.request(`${base}/authors?${params}`, { method: 'GET' }, signal);
      if (answer.status !== 200) throw refused(answer.status, answer.json, 'an author search');
      const page = AuthorsPageSchema.safeParse(answer.json);
      if (!page.success)
        throw new PaperboyError('scholarly_rejected', 'OpenAlex answered an author search in an unknown shape.');
      return page.data.results.map(toCandidate);
    },
    /** How many of `dois` are works of the author `authorId` (one list call). */
    async authorWorkDois(authorId, dois, signal) {
      const keys = [...new Set(dois.map(bareDoi))].filter((d) => !/[|,]/.test(d)).slice(0, OPENALEX_FILTER_VALUES);
      if (keys.length === 0) return 0;
      const id = authorId.replace(/^https:\/\/openalex\.org\//, '');
      const works = await listWorks(`author.id:${id},doi:${keys.join('|')}`, signal);
      return works.length;
    },
    /**
     * Reachable, and the key accepted: `/rate-limit` with a key (free), else one free singleton work. `keyAccepted`
     * is undefined without a key.
     */
    async check(signal) {
      if (options.apiKey) {
        const answer = await http.request(`${base}/rate-limit`, { method: 'GET' }, signal);
        if (answer.status === 401 || answer.status === 403) return { keyAccepted: false };
        if (answer.status !== 200) throw refused(answer.status, answer.json, 'the rate-limit check');
        return { keyAccepted: true };
      }
      const answer = await http.request(`${base}/works/doi:10.48550/arXiv.1706.03762`, { method: 'GET' }, signal);
      if (answer.status !== 200 && answer.status !== 404) throw refused(answer.status, answer.json, 'a work look-up');
      return { keyAccepted: undefined };
    },
  };
}
