import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeOpenAlex, startFakeOpenAlex } from '../fakes/fake-openalex.ts';
import { type FakeSemanticScholar, startFakeSemanticScholar } from '../fakes/fake-semantic-scholar.ts';
import { hasScholarlyData } from '../fakes/scholarly-data.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const tempDir = useTempDir();

describe.skipIf(!hasScholarlyData)('doctor: openalex and semantic_scholar', () => {
  let openalex: FakeOpenAlex;
  let s2: FakeSemanticScholar;
  beforeEach(async () => {
    [openalex, s2] = await Promise.all([
      startFakeOpenAlex({ apiKey: 'oa-right-key' }),
      startFakeSemanticScholar({ apiKey: 's2-right-key' }),
    ]);
  });
  afterEach(async () => {
    await Promise.all([openalex.stop(), s2.stop()]);
  });
  const doctor = async (env: NodeJS.ProcessEnv) => {
    const run = await runPaperboy(['doctor', '--db', join(tempDir(), 'p.db'), '--json'], {
      env: { OPENALEX_URL: openalex.url, SEMANTIC_SCHOLAR_URL: s2.url, ...env },
    });
    const checks = (JSON.parse(run.stdout) as { checks: { id: string; status: string; message: string }[] }).checks;
    return { run, oa: checks.find((c) => c.id === 'openalex'), s2: checks.find((c) => c.id === 'semantic_scholar') };
  };

  it('off: both say so and ask nothing', async () => {
    const { oa, s2: check } = await doctor({});
    expect(oa).toMatchObject({ status: 'ok', message: expect.stringContaining('off') });
    expect(check).toMatchObject({ status: 'ok', message: expect.stringContaining('off') });
    expect(openalex.requests).toEqual([]);
    expect(s2.requests).toEqual([]);
  });

  it('keys accepted: ok; OpenAlex without a key: a warning', async () => {
    const on = { PAPERBOY_OPENALEX: 'on', PAPERBOY_SEMANTIC_SCHOLAR: 'on' };
    const keyed = await doctor({ ...on, OPENALEX_API_KEY: 'oa-right-key', SEMANTIC_SCHOLAR_API_KEY: 's2-right-key' });
    expect(keyed.oa).toMatchObject({ status: 'ok', message: expect.stringContaining('accepts the key') });
    expect(keyed.s2).toMatchObject({ status: 'ok', message: expect.stringContaining('accepts the key') });
    const keyless = await doctor(on);
    expect(keyless.oa).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('OPENALEX_API_KEY is not set'),
    });
  });

  it('refused keys fail without printing them; a service down fails and says so', async () => {
    const {
      run,
      oa,
      s2: check,
    } = await doctor({
      PAPERBOY_OPENALEX: 'on',
      PAPERBOY_SEMANTIC_SCHOLAR: 'on',
      OPENALEX_API_KEY: 'oa-wrong-key',
      SEMANTIC_SCHOLAR_API_KEY: 's2-wrong-key',
    });
    expect(run.code).toBe(1);
    expect(oa).toMatchObject({ status: 'fail', message: expect.stringContaining('refused OPENALEX_API_KEY') });
    expect(check).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('refused SEMANTIC_SCHOLAR_API_KEY'),
    });
    expect(run.stdout + run.stderr).not.toMatch(/oa-wrong-key|s2-wrong-key/);
    await s2.stop();
    const down = await doctor({ PAPERBOY_SEMANTIC_SCHOLAR: 'on' });
    expect(down.s2).toMatchObject({ status: 'fail', message: expect.stringContaining('did not answer') });
  });
});
