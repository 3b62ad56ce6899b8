import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ScholarlyRequest } from './fake-openalex.ts';
import { type Json, readScholarly } from './scholarly-data.ts';

const MAX_BATCH = 500;

/**
 * A local fake of the Semantic Scholar Graph API answering with the real bodies of
 * `../shared/data/scholarly/semanticscholar`: its papers are every paper those bodies hold, found by `ARXIV:`,
 * `DOI:` (or a bare DOI), `CorpusId:` or paperId. `POST /paper/batch?fields=` answers in request order with `null`
 * for an unknown id and each paper cut to `paperId` and the asked fields (a field it has never heard of: the real
 * 400); more than 500 ids: 400. `GET /paper/{id}` answers the paper or the real 404. A wrong `x-api-key`: the
 * real 403. `failNext(429)` answers the real 429 (no Retry-After); `slowMs` delays every answer.
 */
export async function startFakeSemanticScholar(options: { apiKey?: string } = {}) {
  const requests: ScholarlyRequest[] = [];
  const byId = new Map<string, Json>();
  const addPaper = (paper: Json) => {
    const ids = (paper.externalIds ?? {}) as Record<string, string | number>;
    byId.set(String(paper.paperId), paper);
    if (ids.ArXiv) byId.set(`ARXIV:${String(ids.ArXiv).toLowerCase()}`, paper);
    if (ids.DOI) byId.set(`DOI:${String(ids.DOI).toLowerCase()}`, paper);
    if (ids.CorpusId !== undefined) byId.set(`CORPUSID:${ids.CorpusId}`, paper);
  };
  addPaper(readScholarly<Json>('semanticscholar/paper-full.json'));
  for (const paper of readScholarly<{ data: Json[] }>('semanticscholar/paper-search-arxiv.json').data) addPaper(paper);
  for (const paper of readScholarly<(Json | null)[]>('semanticscholar/paper-batch.json')) if (paper) addPaper(paper);
  const known = new Set(Object.keys(readScholarly<Json>('semanticscholar/paper-full.json')));
  const badFields = readScholarly<{ error: string }>('semanticscholar/error-400.json');
  const forbidden = readScholarly<Json>('semanticscholar/error-403.json');
  const notFound = readScholarly<{ error: string }>('semanticscholar/error-404.json');
  const tooMany = readScholarly<Json>('semanticscholar/error-429.json');
  const failures: number[] = [];
  let slowMs = 0;

  const find = (id: string): Json | undefined => {
    const [prefix, ...rest] = id.split(':');
    if (rest.length === 0) return byId.get(id) ?? byId.get(`DOI:${id.toLowerCase()}`);
    return byId.get(`${(prefix as string).toUpperCase()}:${rest.join(':').toLowerCase()}`);
  };
  const project = (paper: Json, fields: string[]): Json =>
    Object.fromEntries(Object.entries(paper).filter(([k]) => k === 'paperId' || fields.includes(k)));
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const answer = (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => {
    const failure = failures.shift();
    if (failure === 429) return send(res, 429, tooMany);
    if (failure) return send(res, failure, { message: 'Internal Server Error' });
    const key = req.headers['x-api-key'];
    if (key !== undefined && key !== options.apiKey) return send(res, 403, forbidden);
    const fields = (url.searchParams.get('fields') ?? 'title').split(',').filter(Boolean);
    const unknown = fields.filter((f) => !known.has(f));
    if (unknown.length)
      return send(res, 400, { error: badFields.error.replace('[unknown]', `[${unknown.join(', ')}]`) });
    if (req.method === 'POST' && url.pathname.endsWith('/paper/batch')) {
      let ids: unknown;
      try {
        ids = (JSON.parse(body) as { ids?: unknown }).ids;
      } catch {
        return send(res, 400, { error: 'Unacceptable JSON body' });
      }
      if (!Array.isArray(ids)) return send(res, 400, { error: 'Unacceptable JSON body' });
      if (ids.length > MAX_BATCH)
        return send(res, 400, { error: `Can only process ${MAX_BATCH} paper ids at a time.` });
      return send(
        res,
        200,
        ids.map((id) => {
          const paper = find(String(id));
          return paper ? project(paper, fields) : null;
        }),
      );
    }
    const single = /\/paper\/(.+)$/.exec(decodeURIComponent(url.pathname));
    if (req.method === 'GET' && single) {
      const paper = find(single[1] as string);
      return paper
        ? send(res, 200, project(paper, fields))
        : send(res, 404, { error: notFound.error.replace('id 0', `id ${single[1]}`) });
    }
    return send(res, 404, { error: 'Not found' });
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
      const go = () => answer(req, res, url, body);
      if (slowMs > 0) setTimeout(go, slowMs);
      else go();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graph/v1`;
  return {
    url,
    requests,
    addPaper,
    failNext(status: number, times = 1) {
      for (let i = 0; i < times; i++) failures.push(status);
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

export type FakeSemanticScholar = Awaited<ReturnType<typeof startFakeSemanticScholar>>;
