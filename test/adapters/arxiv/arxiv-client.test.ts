import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createArxivClient, oaiSetOf, parseRetryAfter } from '../../../src/adapters/arxiv/arxiv-client.ts';
import { createArxivGate } from '../../../src/adapters/arxiv/arxiv-gate.ts';
import { isPaperboyError } from '../../../src/core/errors.ts';
import { FAKE_PAPERS, type FakePaper } from '../../fakes/arxiv-formats.ts';
import { type FakeArxiv, startFakeArxiv } from '../../fakes/fake-arxiv.ts';

/** A fake clock: sleeping moves it on at once, and every wait is recorded. */
function fakeTime() {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const fetchedAt: number[] = [];
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
    fetchedAt,
    /** The real fetch, noting the fake time each request starts at; each request "takes" 200 ms. */
    fetch: (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      fetchedAt.push(now);
      const response = await fetch(input, init);
      now += 200;
      return response;
    }) as typeof fetch,
  };
}

let arxiv: FakeArxiv;
beforeEach(async () => {
  arxiv = await startFakeArxiv();
});
afterEach(() => arxiv.stop());

const clientOn = (time: ReturnType<typeof fakeTime>, extra: Partial<Parameters<typeof createArxivClient>[0]> = {}) =>
  createArxivClient({
    feedUrl: arxiv.feedUrl,
    apiUrl: arxiv.apiUrl,
    oaiUrl: arxiv.oaiUrl,
    version: '9.9.9',
    contact: 'ops@example.org',
    gate: createArxivGate({ clock: time.clock, sleep: time.sleep }),
    sleep: time.sleep,
    fetch: time.fetch,
    ...extra,
  });

describe('the polite arXiv client', () => {
  it('starts requests at least 3 s apart, one at a time, even when asked all at once', async () => {
    const time = fakeTime();
    const client = clientOn(time);
    await Promise.all([
      client.fetchListing(['cs.CL']),
      client.lookup(['2611.10001']),
      client.fetchOaiPage({ from: '2026-11-01', set: 'cs:cs:CL' }),
      client.fetchListing(['cs.CL', 'cs.LG']),
    ]);
    expect(time.fetchedAt).toHaveLength(4);
    for (let i = 1; i < time.fetchedAt.length; i++) {
      expect((time.fetchedAt[i] ?? 0) - (time.fetchedAt[i - 1] ?? 0)).toBeGreaterThanOrEqual(3000);
    }
    expect(arxiv.requests.map((r) => r.path)).toEqual(['/atom/cs.CL', '/api/query', '/oai', '/atom/cs.CL+cs.LG']);
  });

  it('two clients on one gate share the limit', async () => {
    const time = fakeTime();
    const gate = createArxivGate({ clock: time.clock, sleep: time.sleep });
    const a = clientOn(time, { gate });
    const b = clientOn(time, { gate });
    await Promise.all([a.fetchListing(['cs.CL']), b.lookup(['2611.10002'])]);
    expect((time.fetchedAt[1] ?? 0) - (time.fetchedAt[0] ?? 0)).toBeGreaterThanOrEqual(3000);
  });

  it('R7: the daily sync goes before every pasted-link lookup still waiting, whatever their number', async () => {
    const time = fakeTime();
    const gate = createArxivGate({ clock: time.clock, sleep: time.sleep });
    const lookups = clientOn(time, { gate, lane: 'lookup' });
    const sync = clientOn(time, { gate });
    const asked = Array.from({ length: 8 }, (_, i) => lookups.lookup([`2611.1000${i}`]));
    const listing = sync.fetchListing(['cs.CL']);
    await Promise.all([...asked, listing]);
    const paths = arxiv.requests.map((r) => r.path);
    // The lookup already running finishes; the sync is next, then the other lookups.
    expect(paths.slice(0, 3)).toEqual(['/api/query', '/atom/cs.CL', '/api/query']);
    expect(paths.filter((p) => p === '/api/query')).toHaveLength(8);
    for (let i = 1; i < time.fetchedAt.length; i++)
      expect((time.fetchedAt[i] ?? 0) - (time.fetchedAt[i - 1] ?? 0)).toBeGreaterThanOrEqual(3000);
  });

  it('Ctrl-C while a request waits for its turn stops it before it is sent', async () => {
    const time = fakeTime();
    // The gate's wait never ends by itself here: only the abort ends it.
    const gate = createArxivGate({ clock: time.clock, sleep: () => new Promise<void>(() => {}) });
    const client = clientOn(time, { gate });
    await client.fetchListing(['cs.CL']);
    const controller = new AbortController();
    const waiting = client.fetchListing(['cs.CL'], controller.signal).catch((e: unknown) => e);
    controller.abort(new Error('SIGINT'));
    expect(await waiting).toEqual(new Error('SIGINT'));
    expect(arxiv.requests).toHaveLength(1);
  });

  it('names Paperboy, its version and the contact in the User-Agent', async () => {
    const time = fakeTime();
    await clientOn(time).fetchListing(['cs.CL']);
    await clientOn(time, { contact: undefined }).fetchListing(['cs.CL']);
    expect(arxiv.requests.map((r) => r.userAgent)).toEqual([
      'Paperboy/9.9.9 (+mailto:ops@example.org)',
      'Paperboy/9.9.9',
    ]);
  });

  it('waits for Retry-After on 503 and 429 (capped), then backs off exponentially on 500s', async () => {
    const time = fakeTime();
    arxiv.failNext(503, '7');
    arxiv.failNext(429, '3600');
    arxiv.failNext(500);
    const listing = await clientOn(time, { maxRetryAfterMs: 60_000, backoffMs: 5_000 }).fetchListing(['cs.CL']);
    expect(listing.entries).toHaveLength(FAKE_PAPERS.length);
    // 7 s as asked, 3600 s cut to 60 s, then 5 s doubled twice (the third retry); the gate never had to wait.
    expect(time.sleeps).toEqual([7_000, 60_000, 20_000]);
    expect(arxiv.requests).toHaveLength(4);
  });

  it('gives up after its retries with an error naming the URL', async () => {
    const time = fakeTime();
    arxiv.failNext(503, '1', 3);
    const error = await clientOn(time, { retries: 2 })
      .fetchListing(['cs.CL'])
      .catch((e: unknown) => e);
    expect(isPaperboyError(error, 'arxiv_unavailable')).toBe(true);
    expect(String(error)).toContain(`${arxiv.feedUrl}cs.CL`);
    expect(String(error)).toContain('HTTP 503');
    expect(arxiv.requests).toHaveLength(3);
  });

  it('times out a request that never answers, and says so', async () => {
    const silent = (await import('node:http')).createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as import('node:net').AddressInfo).port;
    try {
      const time = fakeTime();
      const error = await clientOn(time, { feedUrl: `http://127.0.0.1:${port}/atom/`, timeoutMs: 100, retries: 1 })
        .fetchListing(['cs.CL'])
        .catch((e: unknown) => e);
      expect(isPaperboyError(error, 'arxiv_unavailable')).toBe(true);
      expect(String(error)).toContain('no answer within 0.1 s');
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('looks ids up 100 a request with max_results set', async () => {
    const many: FakePaper[] = Array.from({ length: 150 }, (_, i) => ({
      ...(FAKE_PAPERS[1] as FakePaper),
      id: `2611.${String(20000 + i)}`,
      title: `Paper ${i}`,
    }));
    arxiv.serveOai(many);
    const time = fakeTime();
    const entries = await clientOn(time).lookup(many.map((p) => p.id));
    expect(entries).toHaveLength(150);
    expect(arxiv.requests.map((r) => [r.query.id_list?.split(',').length, r.query.max_results])).toEqual([
      [100, '100'],
      [50, '50'],
    ]);
  });

  it("refuses a malformed id with arXiv's own message (a 400 is not retried)", async () => {
    const time = fakeTime();
    const error = await clientOn(time)
      .lookup(['abc'])
      .catch((e: unknown) => e);
    expect(isPaperboyError(error, 'arxiv_rejected')).toBe(true);
    expect(String(error)).toContain('incorrect id format for abc');
    expect(arxiv.requests).toHaveLength(1);
  });

  it('pages OAI-PMH by resumption token, sending the token back with the verb alone', async () => {
    const time = fakeTime();
    const client = clientOn(time);
    const first = await client.fetchOaiPage({ from: '2026-11-01', until: '2026-11-28', set: oaiSetOf('cs.CL') });
    expect(first.entries).toHaveLength(2);
    expect(first.resumptionToken).toBeTruthy();
    const second = await client.fetchOaiPage({ resumptionToken: first.resumptionToken ?? '' });
    expect(second.entries).toHaveLength(2);
    expect(arxiv.requests[0]?.query).toEqual({
      verb: 'ListRecords',
      metadataPrefix: 'arXiv',
      from: '2026-11-01',
      until: '2026-11-28',
      set: 'cs:cs:CL',
    });
    expect(arxiv.requests[1]?.query).toEqual({ verb: 'ListRecords', resumptionToken: first.resumptionToken });
  });
});

describe('answers past the size bound', () => {
  it('R8: an answer that never ends is cut off at 32 MiB, fails at once naming the bound, and is not asked again', async () => {
    const time = fakeTime();
    arxiv.serveListing({ kind: 'endless' });
    const client = clientOn(time, { timeoutMs: 60_000 });
    const started = Date.now();
    const error = await client.fetchListing(['cs.CL']).catch((e: unknown) => e);
    expect(isPaperboyError(error, 'arxiv_unavailable')).toBe(true);
    expect(String(error)).toMatch(/the answer is larger than 32 MiB \(after 1 try\)/);
    expect(arxiv.requests).toHaveLength(1);
    // Read as it came, not for a minute's timeout.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('an answer under the bound reads as before; one over a lowered bound fails', async () => {
    const time = fakeTime();
    const client = clientOn(time, { maxAnswerBytes: 1024 * 1024 });
    expect((await client.fetchListing(['cs.CL'])).entries.length).toBeGreaterThan(0);
    const small = clientOn(time, { maxAnswerBytes: 100 });
    await expect(small.fetchListing(['cs.CL'])).rejects.toThrow(/larger than/);
  });
});

describe('helpers', () => {
  it('maps categories to OAI sets', () => {
    expect(oaiSetOf('cs.CL')).toBe('cs:cs:CL');
    expect(oaiSetOf('eess.AS')).toBe('eess:eess:AS');
    expect(oaiSetOf('hep-th')).toBe('physics:hep-th');
    expect(oaiSetOf('astro-ph.GA')).toBe('physics:astro-ph:GA');
    expect(oaiSetOf('cs')).toBe('cs:cs');
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('7', 0)).toBe(7000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 0)).toBe(10_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });
});
