import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createArxivGate } from '../../../src/adapters/arxiv/arxiv-gate.ts';
import { createOpenAlexClient } from '../../../src/adapters/openalex/openalex-client.ts';
import { createSemanticScholarClient } from '../../../src/adapters/semantic-scholar/semantic-scholar-client.ts';
import type { EnrichCandidate } from '../../../src/core/enrich/scholarly.ts';
import { isPaperboyError } from '../../../src/core/errors.ts';
import { type FakeOpenAlex, startFakeOpenAlex } from '../../fakes/fake-openalex.ts';
import { type FakeSemanticScholar, startFakeSemanticScholar } from '../../fakes/fake-semantic-scholar.ts';
import { hasScholarlyData } from '../../fakes/scholarly-data.ts';

const paper = (id: number, arxivId: string | null, doi: string | null = null): EnrichCandidate => ({
  id,
  arxivId,
  doi,
  date: '2025-04-01',
});
/** Waits recorded instead of slept. */
const recordingSleep = () => {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
};
const fastGate = () => createArxivGate({ minIntervalMs: 0 });

describe.skipIf(!hasScholarlyData)('OpenAlex client against the fake', () => {
  let fake: FakeOpenAlex;
  beforeEach(async () => {
    fake = await startFakeOpenAlex({ apiKey: 'oa-secret-key' });
  });
  afterEach(() => fake.stop());

  it('asks DOIs 100 to a list request (filter=doi:A|B|…), arXiv papers by 10.48550/arXiv.ID, the key in a header only', async () => {
    const client = createOpenAlexClient({ baseUrl: fake.url, apiKey: 'oa-secret-key', gate: fastGate() });
    const papers = [
      paper(1, '2007.14454'),
      paper(2, null, '10.1596/1813-9450-3630'),
      paper(3, null, 'https://doi.org/10.1038/35002501'),
      ...Array.from({ length: 120 }, (_, i) => paper(10 + i, `2401.${String(10000 + i)}`)),
    ];
    const found = await client.lookup(papers);
    expect([...found.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3]);
    // The real arXiv-only work: its DOI is arXiv's own, never stored as a published DOI; no venue.
    expect(found.get(1)).toMatchObject({ source: 'openalex', citations: 0, doi: null, venue: null, tldr: null });
    expect(found.get(2)).toMatchObject({ citations: 1553, doi: '10.1596/1813-9450-3630' });
    expect(found.get(3)).toMatchObject({ doi: '10.1038/35002501', venue: 'Nature' });
    expect(found.get(3)?.byYear.length).toBeGreaterThan(0);
    const lists = fake.requests.filter((r) => r.path === '/works');
    const firstPages = lists.filter((r) => r.query.cursor === '*');
    expect(firstPages).toHaveLength(2);
    for (const r of firstPages) {
      expect(r.query.filter?.startsWith('doi:')).toBe(true);
      expect(r.query.filter?.slice(4).split('|').length).toBeLessThanOrEqual(100);
      expect(Number(r.query['per-page'])).toBeGreaterThanOrEqual(r.query.filter?.split('|').length ?? 0);
    }
    expect(firstPages[0]?.query.filter).toContain('10.48550/arxiv.2007.14454');
    // The recorded quirk: a cursor on a page that held everything, then an empty page; the client stops there.
    expect(lists.filter((r) => r.query.cursor !== '*').length).toBeLessThanOrEqual(2);
    for (const r of fake.requests) {
      expect(r.headers.authorization).toBe('Bearer oa-secret-key');
      expect(JSON.stringify(r.query)).not.toContain('oa-secret-key');
      expect(r.headers['user-agent']).toMatch(/^Paperboy\//);
    }
  });

  it('the fake refuses what OpenAlex refuses: more than 100 DOIs in one filter, an unknown filter (the real 400 bodies)', async () => {
    const dois = Array.from({ length: 101 }, (_, i) => `10.1/${i}`).join('|');
    const tooMany = await fetch(`${fake.url}/works?filter=doi:${dois}&per-page=200`);
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { message: string }).message).toMatch(/Decrease values to 100 or below/);
    const unknown = await fetch(`${fake.url}/works?filter=colour:red`);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: 'Invalid query parameters error.' });
    const missing = await fetch(`${fake.url}/works/doi:10.9999/none`);
    expect([missing.status, missing.headers.get('content-type')]).toEqual([404, 'text/html; charset=utf-8']);
  });

  it('waits for Retry-After on a 429 and goes on; a refused key is an error naming the variable, not the key', async () => {
    const { waits, sleep } = recordingSleep();
    const client = createOpenAlexClient({ baseUrl: fake.url, apiKey: 'oa-secret-key', gate: fastGate(), sleep });
    fake.failNext(429, 2, '3');
    const found = await client.lookup([paper(1, '2007.14454')]);
    expect(found.size).toBe(1);
    expect(waits).toEqual([3000, 3000]);

    const wrong = createOpenAlexClient({ baseUrl: fake.url, apiKey: 'not-the-key', gate: fastGate(), sleep });
    const error = await wrong.lookup([paper(1, '2007.14454')]).catch((e: unknown) => e);
    expect(isPaperboyError(error, 'scholarly_rejected')).toBe(true);
    expect((error as Error).message).toContain('OPENALEX_API_KEY');
    expect((error as Error).message).not.toContain('not-the-key');
    expect(await wrong.check()).toEqual({ keyAccepted: false });
    expect(await client.check()).toEqual({ keyAccepted: true });
  });

  it('gives up after its retries when the service keeps failing or answers too slowly', async () => {
    const { waits, sleep } = recordingSleep();
    const client = createOpenAlexClient({ baseUrl: fake.url, gate: fastGate(), sleep, retries: 2, backoffMs: 100 });
    fake.failNext(503, 3);
    const error = await client.lookup([paper(1, '2007.14454')]).catch((e: unknown) => e);
    expect(isPaperboyError(error, 'scholarly_unavailable')).toBe(true);
    expect(waits).toEqual([100, 200]);
    fake.slowMs = 400;
    const slow = createOpenAlexClient({ baseUrl: fake.url, gate: fastGate(), sleep, retries: 1, timeoutMs: 100 });
    const late = await slow.lookup([paper(1, '2007.14454')]).catch((e: unknown) => e);
    expect((late as Error).message).toMatch(/no answer within 0.1 s/);
  });

  it('a budget-exhausted 429 (Retry-After of hours) fails at once instead of waiting', async () => {
    const { waits, sleep } = recordingSleep();
    const client = createOpenAlexClient({ baseUrl: fake.url, gate: fastGate(), sleep });
    fake.failNext(429, 1, '43200');
    const error = await client.lookup([paper(1, '2007.14454')]).catch((e: unknown) => e);
    expect(isPaperboyError(error, 'scholarly_unavailable')).toBe(true);
    expect(waits).toEqual([]);
  });

  it('one request at a time: concurrent look-ups go through the gate in turn', async () => {
    // No interval: only the gate's one-at-a-time rule keeps the second request from starting during the first.
    const client = createOpenAlexClient({ baseUrl: fake.url, gate: createArxivGate({ minIntervalMs: 0 }) });
    fake.slowMs = 80;
    await Promise.all([client.lookup([paper(1, '2007.14454')]), client.lookup([paper(2, null, '10.1038/35002501')])]);
    const times = fake.requests.map((r) => r.at);
    for (let i = 1; i < times.length; i++)
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(70);
  });
});

describe.skipIf(!hasScholarlyData)('Semantic Scholar client against the fake', () => {
  let fake: FakeSemanticScholar;
  beforeEach(async () => {
    fake = await startFakeSemanticScholar({ apiKey: 's2-secret-key' });
  });
  afterEach(() => fake.stop());

  it('POSTs /paper/batch with ARXIV:ID and DOI: ids (at most 500), null for an unknown id; TL;DR and venue kept, arXiv DOI not', async () => {
    const client = createSemanticScholarClient({ baseUrl: fake.url, apiKey: 's2-secret-key', gate: fastGate() });
    const papers = [
      paper(1, '2503.23674'),
      paper(2, null, '10.1093/MIND/LIX.236.433'),
      ...Array.from({ length: 520 }, (_, i) => paper(10 + i, `2402.${String(10000 + i)}`)),
    ];
    const found = await client.lookup(papers);
    expect([...found.keys()].sort((a, b) => a - b)).toEqual([1, 2]);
    expect(found.get(1)).toMatchObject({
      source: 'semantic_scholar',
      citations: 72,
      doi: null,
      venue: null,
      tldr: null,
    });
    expect(found.get(2)).toMatchObject({ citations: 10059, doi: '10.1093/mind/lix.236.433' });
    expect(found.get(2)?.tldr).toMatch(/^If the meaning of the words/);
    const batches = fake.requests.filter((r) => r.path.endsWith('/paper/batch'));
    expect(batches.map((r) => (JSON.parse(r.body) as { ids: string[] }).ids.length)).toEqual([500, 22]);
    expect((JSON.parse(batches[0]?.body ?? '{}') as { ids: string[] }).ids.slice(0, 2)).toEqual([
      'ARXIV:2503.23674',
      'DOI:10.1093/MIND/LIX.236.433',
    ]);
    for (const r of fake.requests) {
      expect(r.method).toBe('POST');
      expect(r.headers['x-api-key']).toBe('s2-secret-key');
      expect(r.query.fields?.split(',')).toContain('tldr');
    }
  });

  it('backs 429 off exponentially (no Retry-After is sent); a wrong key is refused with a message naming the variable', async () => {
    const { waits, sleep } = recordingSleep();
    const client = createSemanticScholarClient({ baseUrl: fake.url, gate: fastGate(), sleep, backoffMs: 1000 });
    fake.failNext(429, 3);
    expect((await client.lookup([paper(1, '2503.23674')])).size).toBe(1);
    expect(waits).toEqual([1000, 2000, 4000]);

    const wrong = createSemanticScholarClient({ baseUrl: fake.url, apiKey: 'wrong-key', gate: fastGate(), sleep });
    const error = await wrong.lookup([paper(1, '2503.23674')]).catch((e: unknown) => e);
    expect(isPaperboyError(error, 'scholarly_rejected')).toBe(true);
    expect((error as Error).message).toContain('SEMANTIC_SCHOLAR_API_KEY');
    expect((error as Error).message).not.toContain('wrong-key');
    expect(await wrong.check()).toEqual({ keyAccepted: false });
  });

  it('the fields it asks are fields the real bodies have (the fake answers 400 to others, as the service does)', async () => {
    const client = createSemanticScholarClient({ baseUrl: fake.url, gate: fastGate() });
    await expect(client.lookup([paper(1, '2503.23674')])).resolves.toBeDefined();
    const response = await fetch(`${fake.url}/paper/batch?fields=title,unknown`, {
      method: 'POST',
      body: JSON.stringify({ ids: ['ARXIV:2503.23674'] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'Unrecognized or unsupported fields: [unknown]' });
  });
});
