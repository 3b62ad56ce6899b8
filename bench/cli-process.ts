// The CLI in a process of its own, as a user runs it, for the benchmarks: a command to its end, or a running
// `paperboy search -`. Peak RSS comes from bench/report-rss.mjs, loaded into the measured process.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const RSS = join(import.meta.dirname, 'report-rss.mjs');

export interface Run {
  ms: number;
  rssMb: number;
  code: number | null;
  out: string;
  err: string;
}

/** Extra environment for the measured process (DATABASE_URL, PAPERBOY_SEARCH_CACHE). */
export type Env = Record<string, string>;

/** Runs a command to its end: wall time from spawn to exit, peak RSS as the process reports it on exit. */
export function run(command: string, args: string[], input?: string, env: Env = {}): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const rss = Number(/PEAK_RSS_KB (\d+)/.exec(err)?.[1] ?? 0);
      resolve({ ms: performance.now() - started, rssMb: rss / 1024, code, out, err });
    });
    child.stdin.end(input ?? '');
  });
}

export const paperboy = (bin: string, args: string[], input?: string, env: Env = {}) =>
  run(process.execPath, ['--import', RSS, bin, ...args], input, env);

export interface SearchAnswer {
  total?: number;
  results?: { id: number; title: string }[];
}

/** A running `paperboy search -`: one query a line in, one JSON answer a line out. `started` is its spawn. */
export function startSearch(bin: string, args: string[], env: Env = {}) {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', RSS, bin, 'search', '-', '--limit', '10', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  }) as ChildProcessWithoutNullStreams;
  let err = '';
  child.stderr.on('data', (c: Buffer) => {
    err += c;
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    started,
    async ask(text: string): Promise<{ ms: number; answer: SearchAnswer }> {
      const at = performance.now();
      child.stdin.write(`${text.replaceAll('\n', ' ')}\n`);
      const next = await lines.next();
      if (next.done) throw new Error(`search - ended: ${err.slice(-2000)}`);
      return { ms: performance.now() - at, answer: JSON.parse(next.value as string) };
    },
    async stop(): Promise<number> {
      child.stdin.end();
      await new Promise((r) => child.once('exit', r));
      return Number(/PEAK_RSS_KB (\d+)/.exec(err)?.[1] ?? 0) / 1024;
    },
  };
}

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
