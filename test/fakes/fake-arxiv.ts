import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  apiErrorXml,
  apiXml,
  FAKE_PAPERS,
  type FakePaper,
  listingXml,
  oaiNoRecordsXml,
  oaiPageXml,
} from './arxiv-formats.ts';

export interface ArxivRequest {
  path: string;
  query: Record<string, string>;
  userAgent: string | undefined;
  /** Date.now() when it arrived. */
  at: number;
}

/** What the listing route serves now. */
export type ListingState =
  | { kind: 'papers'; updated: string; papers: readonly FakePaper[] }
  | { kind: 'raw'; status: number; body: string }
  /** An answer that never ends: the start of a feed, then entries forever, until the client hangs up. */
  | { kind: 'endless' }
  /** No answer at all: the connection stays open until the client gives up (arXiv down behind a proxy). */
  | { kind: 'silent' };

/** The build time of the default listing (Friday's batch). */
export const FAKE_UPDATED = '2026-11-27T05:00:12.118930+00:00';

const ARXIV_ID = /^(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})(v\d+)?$/i;

/**
 * A local fake of arXiv on 127.0.0.1: the listing feed (`/atom/CATS`), the API (`/api/query?id_list=`), and
 * OAI-PMH (`/oai?verb=ListRecords`), in arXiv's formats. It records every request (path, query, User-Agent,
 * time). Scripted trouble: `failNext(status, retryAfter?, times?)` answers the next requests with that status
 * (503 with `Retry-After`, 429, 500); `serveListing` switches the listing (the holiday feed, yesterday's feed
 * again, malformed XML, an updated batch).
 */
export async function startFakeArxiv(
  options: {
    papers?: readonly FakePaper[];
    oaiPageSize?: number;
    /** Called on each request as it arrives, before it is answered (a test's Ctrl-C). */
    onRequest?: (request: ArxivRequest) => void;
  } = {},
) {
  const requests: ArxivRequest[] = [];
  // Every paper the API and OAI know: the listing's, plus any added later.
  const known = new Map<string, FakePaper>((options.papers ?? FAKE_PAPERS).map((p) => [p.id, p]));
  let listing: ListingState = { kind: 'papers', updated: FAKE_UPDATED, papers: options.papers ?? FAKE_PAPERS };
  let oaiPapers: readonly FakePaper[] = options.papers ?? FAKE_PAPERS;
  const oaiPageSize = options.oaiPageSize ?? 2;
  const failures: { status: number; retryAfter?: string }[] = [];

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const request: ArxivRequest = {
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      userAgent: req.headers['user-agent'],
      at: Date.now(),
    };
    requests.push(request);
    options.onRequest?.(request);
    const send = (status: number, body: string, type = 'application/atom+xml; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const failure = failures.shift();
    if (failure) {
      res.writeHead(failure.status, {
        'content-type': 'text/html',
        ...(failure.retryAfter !== undefined ? { 'retry-after': failure.retryAfter } : {}),
      });
      return res.end(`<html><body>${failure.status}</body></html>`);
    }
    if (url.pathname.startsWith('/atom/')) {
      const categories = decodeURIComponent(url.pathname.slice('/atom/'.length));
      if (listing.kind === 'raw') return send(listing.status, listing.body);
      if (listing.kind === 'endless') return sendEndless(res);
      if (listing.kind === 'silent') return;
      return send(200, listingXml(categories, listing.updated, listing.papers));
    }
    if (url.pathname === '/api/query') {
      const ids = (url.searchParams.get('id_list') ?? '').split(',').filter(Boolean);
      const bad = ids.find((id) => !ARXIV_ID.test(id));
      if (bad) return send(400, apiErrorXml(bad));
      const max = Number(url.searchParams.get('max_results') ?? '10');
      const found = ids
        .map((id) => known.get(id.replace(/v\d+$/, '')))
        .filter((p): p is FakePaper => !!p)
        .slice(0, max);
      return send(200, apiXml(ids, found));
    }
    if (url.pathname === '/oai') {
      const token = url.searchParams.get('resumptionToken');
      // The token is itself a percent-encoded query, as arXiv's are.
      const from = token ? Number(/skip=(\d+)/.exec(decodeURIComponent(token))?.[1] ?? '0') : 0;
      if (url.searchParams.get('verb') !== 'ListRecords') return send(400, 'bad verb', 'text/plain');
      const set = url.searchParams.get('set');
      const inSet = token
        ? oaiPapers
        : oaiPapers.filter((p) => !set || p.categories.some((c) => set.endsWith(c.replace('.', ':'))));
      if (!inSet.length) return send(200, oaiNoRecordsXml, 'text/xml');
      const page = inSet.slice(from, from + oaiPageSize);
      const next = from + oaiPageSize < inSet.length ? `verb%3DListRecords%26skip%3D${from + oaiPageSize}` : null;
      return send(200, oaiPageXml(page, next), 'text/xml');
    }
    send(404, 'not found', 'text/plain');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    feedUrl: `${base}/atom/`,
    apiUrl: `${base}/api/query`,
    oaiUrl: `${base}/oai`,
    requests,
    /** Environment pointing Paperboy at this fake. */
    env: { ARXIV_FEED_URL: `${base}/atom/`, ARXIV_API_URL: `${base}/api/query`, ARXIV_OAI_URL: `${base}/oai` },
    serveListing(state: ListingState) {
      listing = state;
      for (const p of state.kind === 'papers' ? state.papers : []) known.set(p.id, p);
    },
    /** An empty feed (weekends, holidays), built at `updated`. */
    serveHolidayListing(updated = '2026-11-28T05:00:09.000001+00:00') {
      listing = { kind: 'papers', updated, papers: [] };
    },
    serveOai(papers: readonly FakePaper[]) {
      oaiPapers = papers;
      for (const p of papers) known.set(p.id, p);
    },
    failNext(status: number, retryAfter?: string, times = 1) {
      for (let i = 0; i < times; i++) failures.push(retryAfter === undefined ? { status } : { status, retryAfter });
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const ENDLESS_CHUNK = Buffer.from(`<entry><title>${'again '.repeat(10_000)}</title></entry>\n`);

/** Writes entries as fast as the client reads them, until it closes the connection. */
function sendEndless(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/atom+xml; charset=utf-8' });
  res.write('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">');
  const more = () => {
    while (!res.destroyed && res.write(ENDLESS_CHUNK));
    if (!res.destroyed) res.once('drain', more);
  };
  res.on('close', () => res.removeAllListeners('drain'));
  more();
}

export type FakeArxiv = Awaited<ReturnType<typeof startFakeArxiv>>;
