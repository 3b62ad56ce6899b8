import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Json, readScholarly } from './scholarly-data.ts';

export interface ScholarlyRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

const bare = (doi: string) => doi.replace(/^https?:\/\/(?:dx\.)?doi\.org\//i, '').toLowerCase();
const MAX_FILTER_VALUES = 100;

/**
 * A local fake of OpenAlex answering with the real bodies of `../shared/data/scholarly/openalex`: its works are
 * every work those bodies hold (found by DOI), `GET /works?filter=doi:A|B` answers in the real list envelope (absent
 * DOIs simply missing, at most 100 values, cursor paging where the first page has a cursor and the next is empty,
 * as recorded in 2025-11), `/works/doi:…` the work or the HTML 404, `/authors?search=` and `/authors/A…`,
 * `/rate-limit` with the key. Errors as documented: 400 bodies for a bad filter or too many values, 401 for a bad
 * key, 429 with `Retry-After`. `failNext` scripts trouble, `slowMs` delays every answer.
 */
export async function startFakeOpenAlex(options: { apiKey?: string } = {}) {
  const requests: ScholarlyRequest[] = [];
  const works = new Map<string, Json>();
  const addWork = (work: Json) => {
    if (typeof work.doi === 'string') works.set(bare(work.doi), work);
  };
  addWork(readScholarly<Json>('openalex/work-arxiv.json'));
  addWork(readScholarly<Json>('openalex/work-by-doi.json'));
  for (const file of ['works-batch-doi.json', 'works-filter-page.json', 'works-cursor-first-page.json'])
    for (const work of readScholarly<{ results: Json[] }>(`openalex/${file}`).results) addWork(work);
  const envelope = readScholarly<{ meta: Json }>('openalex/works-batch-doi.json');
  const lastPage = readScholarly<Json>('openalex/works-cursor-last-page.json');
  const badFilter = readScholarly<Json>('openalex/error-400-bad-filter.json');
  const badKey = readScholarly<Json>('openalex/error-401-bad-api-key.json');
  const notFound = readScholarly<{ body: string }>('openalex/error-404.json');
  const tooMany = readScholarly<{ variants: { per_second: { headers: Record<string, string>; body: Json } } }>(
    'openalex/error-429.json',
  ).variants.per_second;
  const author = readScholarly<Json>('openalex/author.json');
  const authorsSearch = readScholarly<{ meta: Json; results: Json[] }>('openalex/authors-search.json');
  const rateLimit = readScholarly<Json>('openalex/rate-limit-status.json');
  const authors = new Map<string, Json>([[String(author.id).replace('https://openalex.org/', ''), author]]);
  // Which works each author wrote (by DOI): a test says so, as OpenAlex's `author.id` filter would find them.
  const authorWorks = new Map<string, Set<string>>();
  const failures: { status: number; retryAfter?: string }[] = [];
  let slowMs = 0;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json',
      ...headers,
    });
    res.end(text);
  };
  const invalid = (message: string) => ({ error: 'Invalid query parameters error.', message });
  const keyOf = (req: IncomingMessage, query: URLSearchParams) =>
    /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? query.get('api_key') ?? query.get('api-key');

  const answer = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const failure = failures.shift();
    if (failure?.status === 429)
      return send(res, 429, tooMany.body, {
        ...tooMany.headers,
        'Retry-After': failure.retryAfter ?? tooMany.headers['Retry-After'] ?? '1',
      });
    if (failure) return send(res, failure.status, { error: 'Internal Server Error' });
    const key = keyOf(req, url.searchParams);
    if (options.apiKey && key !== undefined && key !== null && key !== options.apiKey) return send(res, 401, badKey);
    if (url.pathname === '/rate-limit')
      return key === options.apiKey && key ? send(res, 200, rateLimit) : send(res, 401, badKey);
    const single = /^\/works\/doi:(.+)$/i.exec(decodeURIComponent(url.pathname));
    if (single) {
      const work = works.get(bare(single[1] as string));
      return work ? send(res, 200, work) : send(res, 404, notFound.body);
    }
    const oneAuthor = /^\/authors\/(A\d+)$/.exec(url.pathname);
    if (oneAuthor) {
      const found = authors.get(oneAuthor[1] as string);
      return found ? send(res, 200, found) : send(res, 404, notFound.body);
    }
    if (url.pathname === '/authors') {
      const search = (url.searchParams.get('search') ?? '').toLowerCase();
      const results = [...authors.values(), ...authorsSearch.results].filter((a) =>
        String(a.display_name).toLowerCase().includes(search),
      );
      return send(res, 200, { ...authorsSearch, meta: { ...authorsSearch.meta, count: results.length }, results });
    }
    if (url.pathname !== '/works') return send(res, 404, notFound.body);
    const perPage = Number(url.searchParams.get('per-page') ?? url.searchParams.get('per_page') ?? 25);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 200)
      return send(res, 400, invalid(`${url.searchParams.get('per-page')} is not a valid value for per-page`));
    const cursor = url.searchParams.get('cursor');
    if (cursor && url.searchParams.get('page'))
      return send(res, 400, invalid('Cannot use page parameter with cursor.'));
    let selected = [...works.values()];
    for (const part of (url.searchParams.get('filter') ?? '').split(',').filter(Boolean)) {
      const [field, value = ''] = part.split(/:(.*)/s) as [string, string];
      const values = value.split('|');
      if (field === 'doi') {
        if (values.length > MAX_FILTER_VALUES)
          return send(
            res,
            400,
            invalid(
              'Maximum number of values exceeded for doi. Decrease values to 100 or below, or consider downloading the full dataset at https://docs.openalex.org/download-snapshot',
            ),
          );
        const wanted = new Set(values.map(bare));
        selected = selected.filter((w) => wanted.has(bare(String(w.doi))));
      } else if (field === 'author.id') {
        const wrote = authorWorks.get(value) ?? new Set();
        selected = selected.filter((w) => wrote.has(bare(String(w.doi))));
      } else return send(res, 400, { ...badFilter, message: String(badFilter.message).replace('DOESNTEXIST', field) });
    }
    if (cursor && cursor !== '*') {
      // The recorded second page: nothing more (and a null cursor).
      return send(res, 200, lastPage);
    }
    const meta = { ...envelope.meta, count: selected.length, per_page: perPage };
    const page = selected.slice(0, perPage);
    // As recorded in 2025-11: the first page carries a cursor even when everything fit on it.
    return send(res, 200, {
      ...envelope,
      meta: cursor ? { ...meta, next_cursor: page.length ? 'IlsnLUluZmluaXR5J10i' : null } : meta,
      results: page,
    });
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        at: Date.now(),
      });
      const go = () => answer(req, res, url);
      if (slowMs > 0) setTimeout(go, slowMs);
      else go();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    /** Adds a work (a real one with changed figures, for a test's own paper). */
    addWork,
    /** Adds an author (a real one under another id: a namesake). */
    addAuthor(json: Json) {
      authors.set(String(json.id).replace('https://openalex.org/', ''), json);
    },
    /** The real author body (`author.json`). */
    author,
    /** Says `authorId` wrote the works with these DOIs. */
    setAuthorWorks(authorId: string, dois: string[]) {
      authorWorks.set(authorId, new Set(dois.map(bare)));
    },
    failNext(status: number, times = 1, retryAfter?: string) {
      for (let i = 0; i < times; i++) failures.push(retryAfter ? { status, retryAfter } : { status });
    },
    set slowMs(ms: number) {
      slowMs = ms;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type FakeOpenAlex = Awaited<ReturnType<typeof startFakeOpenAlex>>;
