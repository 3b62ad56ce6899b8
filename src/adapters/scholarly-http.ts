import { PAPERBOY_VERSION } from '../config.ts';
import { PaperboyError } from '../core/errors.ts';
import { parseRetryAfter, userAgentOf } from './arxiv/arxiv-client.ts';
import { type ArxivGate, abortable, createArxivGate, realSleep } from './arxiv/arxiv-gate.ts';

export interface ScholarlyHttpOptions {
  /** The service's name in messages: `OpenAlex`. */
  service: string;
  /** The variable that sets its base URL, named in messages: `OPENALEX_URL`. */
  urlSetting: string;
  /** Headers every request carries (the key's header among them: never logged, never in a URL). */
  headers?: Record<string, string>;
  /** An e-mail address for the User-Agent (`PAPERBOY_CONTACT`). */
  contact?: string | undefined;
  /** The queue this service's requests pass through: one at a time, at least `minIntervalMs` apart. */
  gate?: ArxivGate;
  minIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  /** Per request (default 30 s). */
  timeoutMs?: number;
  /** Tries after the first (default 4). */
  retries?: number;
  /** The first back-off wait, doubled at each retry (default 2 s). */
  backoffMs?: number;
  /** The longest `Retry-After` waited for (default 60 s); a longer one (a daily budget spent) fails at once. */
  maxRetryAfterMs?: number;
  log?: (line: string) => void;
}

/** An answer the service meant: 2xx, or a 400/401/403/404 it will give again however often it is asked. */
export interface ScholarlyAnswer {
  status: number;
  /** The parsed JSON body, or undefined when it is not JSON (OpenAlex's 404 is an HTML page). */
  json: unknown;
}

/**
 * Polite JSON over HTTP for OpenAlex and Semantic Scholar: one request at a time per service through its gate, a
 * User-Agent naming Paperboy and the contact, a timeout; 429 waits for `Retry-After` (OpenAlex) or backs off
 * exponentially when there is none (Semantic Scholar requires it), as do 5xx, timeouts and refused connections.
 * After the last retry the error names the service and its URL setting, never a key.
 */
export function createScholarlyHttp(options: ScholarlyHttpOptions) {
  const gate = options.gate ?? createArxivGate({ minIntervalMs: options.minIntervalMs ?? 1_000 });
  const sleep = options.sleep ?? realSleep;
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = options.retries ?? 4;
  const backoffMs = options.backoffMs ?? 2_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const log = options.log ?? (() => {});
  const headers = {
    'User-Agent': userAgentOf(PAPERBOY_VERSION, options.contact),
    Accept: 'application/json',
    ...options.headers,
  };

  type Attempt = ScholarlyAnswer | { failure: string; retryAfterMs?: number; final?: boolean };
  const attempt = (url: string, init: { method: string; body?: string }, signal?: AbortSignal) =>
    gate.run(async (): Promise<Attempt> => {
      try {
        const timeout = AbortSignal.timeout(timeoutMs);
        const response = await doFetch(url, {
          method: init.method,
          headers: init.body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
          ...(init.body === undefined ? {} : { body: init.body }),
          redirect: 'follow',
          signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
        });
        const text = await response.text();
        if (response.ok || [400, 401, 403, 404].includes(response.status)) {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          return { status: response.status, json };
        }
        const failure = `HTTP ${response.status}`;
        if (response.status === 429 || response.status === 503) {
          const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
          if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) {
            return {
              failure: `${failure}: the service asks to wait ${Math.round(retryAfterMs / 1000)} s (a daily budget spent?)`,
              final: true,
            };
          }
          return retryAfterMs === undefined ? { failure } : { failure, retryAfterMs };
        }
        return response.status >= 500 ? { failure } : { failure, final: true };
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
        return { failure: timedOut ? `no answer within ${timeoutMs / 1000} s` : describe(error) };
      }
    }, signal);

  /** Sends one request politely: the service's meant answer, or a `scholarly_unavailable` error after retries. */
  async function request(
    url: string,
    init: { method: 'GET' | 'POST'; body?: string },
    signal?: AbortSignal,
  ): Promise<ScholarlyAnswer> {
    const shown = url.split('?')[0];
    for (let tried = 0; ; tried++) {
      const result = await attempt(url, init, signal);
      if ('status' in result) return result;
      if (result.final || tried >= retries) {
        throw new PaperboyError(
          'scholarly_unavailable',
          `${options.service} did not answer ${init.method} ${shown}: ${result.failure} (after ${tried + 1} ${tried ? 'tries' : 'try'}). ` +
            `It may be down or rate-limiting this address; what was fetched is kept. Try again later, or check ${options.urlSetting}.`,
        );
      }
      const wait =
        result.retryAfterMs !== undefined ? Math.min(result.retryAfterMs, maxRetryAfterMs) : backoffMs * 2 ** tried;
      log(
        `paperboy ${options.service}: ${shown} answered ${result.failure}; trying again in ${Math.round(wait / 1000)} s`,
      );
      await abortable(sleep(wait), signal);
    }
  }

  return { request, userAgent: headers['User-Agent'] };
}

export type ScholarlyHttp = ReturnType<typeof createScholarlyHttp>;

const describe = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
};

/** The message of an error body, whichever key the service used (`message`, `error`). */
export function errorText(json: unknown): string {
  if (json && typeof json === 'object') {
    const { message, error } = json as { message?: unknown; error?: unknown };
    if (typeof message === 'string') return message;
    if (typeof error === 'string') return error;
  }
  return 'no explanation';
}
