import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { takeSearchCache } from '../../src/cli/search-cache-lock.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

describe('one search cache file per process', () => {
  const tempDir = useTempDir();

  it('takes the file when free, leaves its lock when released', () => {
    const path = join(tempDir(), 'cache.sqlite');
    const taken = takeSearchCache(path);
    expect(taken.path).toBe(path);
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(String(process.pid));
    taken.release();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('a file in use by another live process: a private PID copy, logged, removed with its snapshot on release', async () => {
    const path = join(tempDir(), 'cache.sqlite');
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(`${path}.lock`, String(other.pid));
      const lines: string[] = [];
      const taken = takeSearchCache(path, (line) => lines.push(line));
      expect(taken.path).toBe(`${path}-${process.pid}`);
      expect(lines.join('\n')).toMatch(/in use by another process/);
      writeFileSync(taken.path, 'x');
      writeFileSync(`${taken.path}.search-index.json`, 'x');
      taken.release();
      expect(existsSync(taken.path)).toBe(false);
      expect(existsSync(`${taken.path}.search-index.json`)).toBe(false);
      expect(readFileSync(`${path}.lock`, 'utf8')).toBe(String(other.pid));
    } finally {
      other.kill();
      await new Promise((resolve) => other.once('exit', resolve));
    }
    // Its holder is dead now: the lock is stale and the file is taken.
    const again = takeSearchCache(path);
    expect(again.path).toBe(path);
    again.release();
  });

  it('two stores in one process take two files', () => {
    const path = join(tempDir(), 'cache.sqlite');
    const first = takeSearchCache(path);
    const second = takeSearchCache(path);
    expect(second.path).not.toBe(first.path);
    second.release();
    first.release();
  });
});
