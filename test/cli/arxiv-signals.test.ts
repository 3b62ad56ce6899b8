import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { type FakeArxiv, startFakeArxiv } from '../fakes/fake-arxiv.ts';
import { captureStream } from '../helpers/capture.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

let arxiv: FakeArxiv | undefined;
afterEach(() => arxiv?.stop());
const tempDir = useTempDir();

/** Runs an arxiv command in-process; SIGTERM arrives as the first request reaches arXiv (which then answers 503). */
async function stoppedMidRequest(argv: (db: string) => string[]) {
  const controller = new AbortController();
  arxiv = await startFakeArxiv({ onRequest: () => setTimeout(() => controller.abort('SIGTERM'), 50) });
  // arXiv is down for a while: the client waits for Retry-After when SIGTERM comes.
  arxiv.failNext(503, '30', 5);
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await runCli(argv(join(tempDir(), 'p.db')), {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: Readable.from(['']),
    env: arxiv.env,
    clock: () => new Date(),
    signal: controller.signal,
  });
  return { code, stderr: stderr.text() };
}

describe('arxiv commands stopped by a signal exit 130/143 like every one-shot command', () => {
  it('B3 arxiv sync stopped by SIGTERM while waiting for arXiv exits 143 and names the signal', async () => {
    const run = await stoppedMidRequest((db) => ['arxiv', 'sync', '--categories', 'cs.CL', '--db', db]);
    expect(run.code).toBe(143);
    expect(run.stderr).toMatch(/stopped \(SIGTERM\)/);
  }, 20_000);

  it('B3 arxiv backfill stopped by SIGTERM exits 143', async () => {
    const run = await stoppedMidRequest((db) => [
      'arxiv',
      'backfill',
      '--from',
      '2026-11-01',
      '--categories',
      'cs.CL',
      '--db',
      db,
    ]);
    expect(run.code).toBe(143);
  }, 20_000);
});
