import { PAPERBOY_VERSION } from '../../config.ts';
import type { ArxivEntry } from '../../core/arxiv/arxiv-entry.ts';
import { parseArxivApi } from '../../core/arxiv/parse-api.ts';
import { type ArxivListing, parseArxivListing } from '../../core/arxiv/parse-listing.ts';
import { type OaiPage, parseOaiPage } from '../../core/arxiv/parse-oai.ts';
import { PaperboyError } from '../../core/errors.ts';
import { type ArxivGate, type ArxivLane, abortable, processArxivGate, realSleep } from './arxiv-gate.ts';

export interface ArxivClientOptions {
  /** Listing feed base, ending in `/` (default `https://rss.arxiv.org/atom/`): categories joined by `+` follow. */
  feedUrl?: string;
  apiUrl?: string;
  oaiUrl?: string;
  /** Paperboy's version, for the User-Agent (default: package.json's). */
  version?: string;
  /** An e-mail address arXiv can write to (`PAPERBOY_CONTACT`); named in the User-Agent when set. */
  contact?: string | undefined;
  /** The queue all requests pass through (default: the process's, shared by every client). */
  gate?: ArxivGate;
  /** The gate's lane: `lookup` for pasted links, which wait behind the daily sync (default `sync`). */
  lane?: ArxivLane;
  /** Waits between retries (a fake in tests). */
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  /** Per request (default 30 s). */
  timeoutMs?: number;
  /** Tries after the first (default 3). */
  retries?: number;
  /** The longest `Retry-After` honoured (default 60 s); longer ones are cut to it. */
  maxRetryAfterMs?: number;
  /** The first back-off wait, doubled at each retry (default 5 s). */
  backoffMs?: number;
  /** The largest answer read, in bytes (default {@link ARXIV_MAX_ANSWER_BYTES}); a larger one is a failure. */
  maxAnswerBytes?: number;
  log?: (line: string) => void;
}

/**
 * The largest answer read from arXiv (docs/limits.md): a daily listing of every cs category or an OAI-PMH page
 * of 1,000 records is a few MB. An answer past it is cut off there, never held whole.
 */
export const ARXIV_MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/** Ids per API request (the issue's bound; the API itself allows 2,000 results a call). */
export const API_IDS_PER_REQUEST = 100;

export const DEFAULTS = {
  feedUrl: 'https://rss.arxiv.org/atom/',
  apiUrl: 'https://export.arxiv.org/api/query',
  oaiUrl: 'https://oaipmh.arxiv.org/oai',
} as const;

/** What `fetchOaiPage` asks: a first page by range and set, or the next page by token. */
export type OaiRequest = { from: string; until?: string; set?: string } | { resumptionToken: string };

/** The OAI-PMH set of a category: `cs.CL` -> `cs:cs:CL`, `hep-th` -> `physics:hep-th`, `astro-ph.GA` -> `physics:astro-ph:GA`. */
export function oaiSetOf(category: string): string {
  const [archive = category, sub] = category.split('.');
  const physics = /^(astro-ph|cond-mat|gr-qc|hep-[a-z]+|math-ph|nlin|nucl-[a-z]+|physics|quant-ph)$/.test(archive);
  const group = physics ? 'physics' : archive;
  if (physics && archive === 'physics') return sub ? `physics:physics:${sub}` : 'physics:physics';
  return sub ? `${group}:${archive}:${sub}` : physics ? `physics:${archive}` : `${archive}:${archive}`;
}

/** The User-Agent arXiv asks bots to send: who we are and how to reach the operator. */
export const userAgentOf = (version: string, contact?: string): string =>
  `Paperboy/${version}${contact ? ` (+mailto:${contact})` : ''}`;

/**
 * The one place Paperboy talks to arXiv. Every request goes through the gate (one at a time, at most one every
 * 3 s), carries a User-Agent naming Paperboy and the contact address, and has a timeout. A 429 or 503 waits for
 * `Retry-After` (capped), other failures (5xx, timeouts, refused connections) back off exponentially; after the
 * last retry the error names the URL. A 400 is arXiv's answer (an unknown category, a malformed id): it is
 * parsed, not retried, so the message says what arXiv said.
 */
export function createArxivClient(options: ArxivClientOptions) {
  const feedUrl = withSlash(options.feedUrl ?? DEFAULTS.feedUrl);
  const apiUrl = options.apiUrl ?? DEFAULTS.apiUrl;
  const oaiUrl = options.oaiUrl ?? DEFAULTS.oaiUrl;
  const gate = options.gate ?? processArxivGate();
  const sleep = options.sleep ?? realSleep;
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = options.retries ?? 3;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const backoffMs = options.backoffMs ?? 5_000;
  const maxAnswerBytes = options.maxAnswerBytes ?? ARXIV_MAX_ANSWER_BYTES;
  const userAgent = userAgentOf(options.version ?? PAPERBOY_VERSION, options.contact);
  const log = options.log ?? (() => {});

  /** One attempt through the gate: the body, or why it failed and how long to wait before the next. */
  const attempt = (url: string, signal?: AbortSignal) =>
    gate.run(
      async (): Promise<{ body: string } | { failure: string; retryAfterMs?: number; final?: boolean }> => {
        try {
          const timeout = AbortSignal.timeout(timeoutMs);
          const response = await doFetch(url, {
            headers: { 'User-Agent': userAgent, Accept: 'application/atom+xml, application/xml, text/xml' },
            signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
          });
          const body = await readCapped(response, maxAnswerBytes);
          if (body === undefined) {
            // Not worth a retry: the same URL gives the same answer, and the next one waits its turn anyway.
            return { failure: `the answer is larger than ${maxAnswerBytes / 1024 ** 2} MiB`, final: true };
          }
          if (response.ok || response.status === 400) return { body };
          const failure = `HTTP ${response.status} ${response.statusText}`.trim();
          if (response.status === 429 || response.status === 503) {
            const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
            return retryAfterMs === undefined ? { failure } : { failure, retryAfterMs };
          }
          return response.status >= 500 ? { failure } : { failure, final: true };
        } catch (error) {
          if (signal?.aborted) throw signal.reason;
          const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
          return { failure: timedOut ? `no answer within ${timeoutMs / 1000} s` : describe(error) };
        }
      },
      signal,
      options.lane ?? 'sync',
    );

  /** GETs `url` politely; the body of a 2xx or 400 answer. `signal` (Ctrl-C) stops it, waits included. */
  async function get(url: string, signal?: AbortSignal): Promise<string> {
    for (let tried = 0; ; tried++) {
      const result = await attempt(url, signal);
      if ('body' in result) return result.body;
      if (result.final || tried >= retries) {
        throw new PaperboyError(
          'arxiv_unavailable',
          `could not get ${url}: ${result.failure} (after ${tried + 1} ${tried ? 'tries' : 'try'}). ` +
            'arXiv may be down or rate-limiting this address; try again later, or check the ARXIV_*_URL settings.',
        );
      }
      const wait =
        result.retryAfterMs !== undefined ? Math.min(result.retryAfterMs, maxRetryAfterMs) : backoffMs * 2 ** tried;
      log(`paperboy arxiv: ${url} answered ${result.failure}; trying again in ${Math.round(wait / 1000)} s`);
      await abortable(sleep(wait), signal);
    }
  }

  return {
    userAgent,
    get,
    /** The listing URL of some categories: `https://rss.arxiv.org/atom/cs.CL+cs.LG`. */
    listingUrl: (categories: readonly string[]) => `${feedUrl}${categories.join('+')}`,
    /** One fetch of the daily listing of `categories`. */
    async fetchListing(categories: readonly string[], signal?: AbortSignal): Promise<ArxivListing & { url: string }> {
      const url = `${feedUrl}${categories.join('+')}`;
      return { url, ...parseArxivListing(await get(url, signal), url) };
    },
    /**
     * Looks papers up by id (versions allowed), up to 100 ids a request with `max_results` set (the API answers
     * 10 by default). Unknown ids are absent from the answer. The shape of {@link ArxivLookup}.
     */
    async lookup(ids: readonly string[], signal?: AbortSignal): Promise<ArxivEntry[]> {
      const unique = [...new Set(ids)];
      const entries: ArxivEntry[] = [];
      for (let i = 0; i < unique.length; i += API_IDS_PER_REQUEST) {
        const batch = unique.slice(i, i + API_IDS_PER_REQUEST);
        const url = `${apiUrl}?${new URLSearchParams({ id_list: batch.join(','), max_results: String(batch.length) })}`;
        entries.push(...parseArxivApi(await get(url, signal), url));
      }
      return entries;
    },
    /** One page of OAI-PMH `ListRecords` (metadataPrefix `arXiv`). */
    async fetchOaiPage(request: OaiRequest, signal?: AbortSignal): Promise<OaiPage & { url: string }> {
      const params: Record<string, string> =
        'resumptionToken' in request
          ? // arXiv's tokens arrive percent-encoded: sent back as they are, with the verb alone.
            { verb: 'ListRecords', resumptionToken: request.resumptionToken }
          : {
              verb: 'ListRecords',
              metadataPrefix: 'arXiv',
              from: request.from,
              ...(request.until ? { until: request.until } : {}),
              ...(request.set ? { set: request.set } : {}),
            };
      const url = `${oaiUrl}?${new URLSearchParams(params)}`;
      return { url, ...parseOaiPage(await get(url, signal), url) };
    },
  };
}

export type ArxivClient = ReturnType<typeof createArxivClient>;

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

const describe = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
};

/**
 * The body of `response` as text, read chunk by chunk: undefined (and the connection cut) as soon as it passes
 * `maxBytes`, so an answer of a GB, or one that never ends, costs at most `maxBytes` of memory.
 */
export async function readCapped(response: Response, maxBytes: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    return undefined;
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  // As `response.text()` decodes: UTF-8, a byte-order mark dropped.
  return Buffer.concat(chunks, total)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from `now`. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
