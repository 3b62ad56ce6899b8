import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { boundedLines, RECORD_FILE_LIMITS } from '../../../src/core/ingest/bounded-lines.ts';
import { ingestPaths, PAGE_MAX_BYTES } from '../../../src/core/ingest/ingest-files.ts';
import { createProfileWatcher } from '../../../src/core/ingest/profile-watcher.ts';
import { renderProfile } from '../../../src/core/profile/render-profile.ts';
import { fakeProfile } from '../../helpers/make-pages.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const clock = () => new Date('2026-01-01T00:00:00Z');
const record = (n: number) =>
  JSON.stringify({
    id: `r${n}`,
    arxivId: `2401.1000${n}`,
    title: `Bounded record paper ${n}`,
    authors: ['R One'],
    affiliations: [],
    date: '2024-01-02',
    category: 'cs.CL',
    abstract: 'An abstract.',
    codeUrl: null,
  });

/** `bytes` zero bytes, gzipped as `head -c N /dev/zero | gzip -1` makes them, written without holding them. */
async function writeZeroBomb(path: string, bytes: number): Promise<void> {
  const block = Buffer.alloc(1024 * 1024);
  async function* zeros() {
    for (let left = bytes; left > 0; left -= block.length) yield left >= block.length ? block : block.subarray(0, left);
  }
  await pipeline(zeros(), createGzip({ level: 1 }), createWriteStream(path));
}

describe('record files past the bounds', () => {
  const tempDir = useTempDir();

  it('R8: a gzip bomb of zeros (one endless line) is rejected by name and the other files still load', async () => {
    const dir = tempDir();
    // 64 MiB of zeros in 64 KB: past the line bound 64 times over, never a 64 MiB string in memory.
    await writeZeroBomb(join(dir, 'a-bomb.jsonl.gz'), 64 * 1024 * 1024);
    writeFileSync(join(dir, 'b-good.jsonl'), `${record(1)}\n${record(2)}\n`);
    writeFileSync(join(dir, 'c-good.jsonl.gz'), gzipSync(`${record(3)}\n`));
    const store = createSqliteStore(':memory:');
    const summary = await ingestPaths([dir], { store, clock });
    const bomb = summary.files.find((f) => f.path.endsWith('a-bomb.jsonl.gz'));
    expect(bomb?.status).toBe('error');
    expect(bomb?.messages.at(-1)?.message).toMatch(/a-bomb\.jsonl\.gz line 1 is longer than 1 MiB/);
    expect(summary.files.filter((f) => f.status === 'ok').map((f) => f.path.replace(`${dir}/`, ''))).toEqual([
      'b-good.jsonl',
      'c-good.jsonl.gz',
    ]);
    expect(summary.totals.newPapers).toBe(3);
  });

  it('R8: a line over 1 MiB in a plain .jsonl rejects that file, stores none of it, and names the line', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'long.jsonl'),
      `${record(4)}\n{"title":"${'x'.repeat(RECORD_FILE_LIMITS.lineBytes)}"}\n${record(5)}\n`,
    );
    const store = createSqliteStore(':memory:');
    const summary = await ingestPaths([dir], { store, clock });
    expect(summary.files[0]?.status).toBe('error');
    expect(summary.files[0]?.messages.at(-1)?.message).toMatch(/long\.jsonl line 2 is longer than 1 MiB/);
    expect((await store.counts()).papers).toBe(0);
  });

  it('R8: a file yielding more than the decompressed bound stops there, rejected by name', async () => {
    const dir = tempDir();
    // Many short lines (no line bound hit): the total bound stops it. The bound is lowered for the test.
    writeFileSync(join(dir, 'many.jsonl.gz'), gzipSync(`${record(6)}\n`.repeat(8_000)));
    const store = createSqliteStore(':memory:');
    const summary = await ingestPaths([dir], {
      store,
      clock,
      recordLimits: { lineBytes: RECORD_FILE_LIMITS.lineBytes, fileBytes: 1024 * 1024 },
    });
    expect(summary.files[0]?.status).toBe('error');
    expect(summary.files[0]?.messages.at(-1)?.message).toMatch(
      /many\.jsonl\.gz holds more than 1 MiB once decompressed/,
    );
  });

  it('splits lines across chunks, CRLF and multi-byte characters alike', async () => {
    const text = 'première ligne\r\nsecond — line\n\nlast without newline ✓';
    const bytes = Buffer.from(text);
    async function* oneByteAtATime() {
      for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
    }
    const lines: string[] = [];
    for await (const line of boundedLines(oneByteAtATime(), 'x')) lines.push(line);
    expect(lines).toEqual(['première ligne', 'second — line', '', 'last without newline ✓']);
  });

  it('R8: a profile page over the page bound is rejected unread, and the watcher does not read it again until it changes', async () => {
    const dir = tempDir();
    const page = renderProfile(fakeProfile('Huge Person', []));
    writeFileSync(join(dir, 'huge.txt'), page + '\n'.repeat(PAGE_MAX_BYTES));
    const store = createSqliteStore(':memory:');
    const watcher = createProfileWatcher(store, dir);
    const first = await watcher.loadChanged(clock());
    expect(first?.files[0]?.status).toBe('error');
    expect(first?.files[0]?.messages[0]?.message).toMatch(
      /huge\.txt: 16 MiB is too large for a profile page \(at most 16 MiB/,
    );
    expect(await watcher.loadChanged(clock())).toBeUndefined();
  });
});
